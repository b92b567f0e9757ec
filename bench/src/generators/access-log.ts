// nginx `combined` lines with a trailing `$request_time`, as
// `log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'`
// writes them, including the odd lines every public server sees (`"-"` requests, TLS bytes on port 80).
import { Random } from '../random';
import { WebTraffic, WebTrafficShape } from './web-traffic';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** `24/Jan/2024:10:15:32 +0000` */
function clfTime(ms: number): string {
  const d = new Date(ms);
  return `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
}

/** nginx escapes `"` in logged strings as `\x22`. */
const escapeQuotes = (text: string): string => (text.includes('"') ? text.replace(/"/g, '\\x22') : text);

/** Endless lines, each with its newline, in the order of their `[time]`: the requests' start. */
export function* generateAccessLog(seed: number, shape: WebTrafficShape = {}): Generator<Buffer> {
  const random = new Random(seed);
  const traffic = new WebTraffic(random, shape);
  let time = Date.UTC(2024, 0, 24, 10, 15, 32);
  let second = -1;
  let stamp = '';
  for (;;) {
    time += random.int(0, 40);
    // Formatting a date is the generator's slowest step; lines share a second.
    if (Math.floor(time / 1000) !== second) {
      second = Math.floor(time / 1000);
      stamp = clfTime(time);
    }
    const req = traffic.next();
    const roll = random.next();
    let line: string;
    if (roll < 0.001) {
      line = `${req.client} - - [${stamp}] "-" 400 0 "-" "-" 0.000`;
    } else if (roll < 0.0015) {
      line = `${req.client} - - [${stamp}] "\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03" 400 157 "-" "-" 0.001`;
    } else {
      const request = `${req.method} ${req.target} ${req.protocol}`;
      line = `${req.client} - ${req.user} [${stamp}] "${request}" ${req.status} ${req.bytes} "${req.referer}" "${escapeQuotes(req.userAgent)}" ${(req.latencyMs / 1000).toFixed(3)}`;
    }
    yield Buffer.from(line + '\n');
  }
}
