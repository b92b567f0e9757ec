// Deterministic, realistic log lines of every supported format, for tests, demos and benchmarks: nginx
// access lines (combined or common, optionally timed), JSON (nginx escape=json and pino), logfmt, and a
// mix of all of them with the nasty cases. Same seed, same bytes; timestamps never go backwards.
import { closeSync, openSync, writeSync } from 'node:fs';
import { mulberry32, Random } from './seeded-random';

export interface LogGeneratorOptions {
  seed: number;
  /** Epoch ms of the first line (default 2024-01-24T10:15:32.123Z). */
  startTime?: number;
}

export interface AccessLogOptions extends LogGeneratorOptions {
  /** Combined (with referer and user agent) rather than common format (default true). */
  combined?: boolean;
  /** Append nginx's $request_time, seconds with millisecond resolution (default false). */
  withRequestTime?: boolean;
}

export interface MixedLogOptions extends LogGeneratorOptions {
  /** Include malformed, blank, CRLF and invalid-UTF-8 lines (default true). */
  nasty?: boolean;
}


const DEFAULT_START = Date.UTC(2024, 0, 24, 10, 15, 32, 123);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Everything a line builder draws from: the seeded PRNG, the clock, and pools fixed per seed. */
class LineSource {
  readonly random: Random;
  time: number;
  private readonly clients: string[];

  constructor(options: LogGeneratorOptions) {
    this.random = mulberry32(options.seed);
    this.time = options.startTime ?? DEFAULT_START;
    this.clients = Array.from({ length: 400 }, (_, i) => (i % 6 === 5 ? this.ipv6() : this.ipv4()));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  /** Moves the clock on: mostly a few hundred ms, sometimes a burst within one second, rarely a gap. */
  tick(): number {
    const roll = this.random();
    this.time += roll < 0.2 ? 0 : roll < 0.98 ? this.int(1, 400) : this.int(5_000, 90_000);
    return this.time;
  }

  /** Request time in µs, lognormal-ish (median ~40 ms) with a fast cache-hit mode and a rare slow tail. */
  durationUs(): number {
    const roll = this.random();
    if (roll < 0.1) return this.int(50, 900);
    const gaussian = Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
    const ms = Math.exp(Math.log(40) + 1.1 * gaussian) * (roll > 0.995 ? 50 : 1);
    return Math.min(Math.round(ms * 1000), 120_000_000);
  }

  /** A client address, a few of them far more often than the rest. */
  client(): string {
    return this.random() < 0.35 ? this.clients[this.int(0, 4)] : this.pick(this.clients);
  }

  /** A request target: a few hot paths, then a long tail of distinct paths with query strings. */
  target(): string {
    const roll = this.random();
    // Squaring skews the pick toward the first hot paths, so each is hotter than the next.
    if (roll < 0.55) return HOT_PATHS[Math.floor(HOT_PATHS.length * this.random() ** 2)];
    if (roll < 0.6) return this.pick(ODD_TARGETS);
    const id = this.int(1, 50_000);
    return this.pick([`/products/${id}?ref=home&page=${this.int(1, 9)}`, `/api/users/${id}/orders?limit=${this.int(1, 50)}`, `/blog/${id}-post-title`, `/search?q=term${id}`]);
  }

  status(): number {
    const roll = this.random();
    return roll < 0.78 ? 200 : roll < 0.83 ? 301 : roll < 0.86 ? 304 : roll < 0.92 ? 404 : roll < 0.94 ? 499 : roll < 0.97 ? 500 : 503;
  }

  private ipv4(): string {
    return `${this.pick([10, 172, 192, 203, 81, 5])}.${this.int(0, 255)}.${this.int(0, 255)}.${this.int(1, 254)}`;
  }

  private ipv6(): string {
    return `2001:db8:${this.int(0, 0xffff).toString(16)}::${this.int(1, 0xffff).toString(16)}`;
  }
}

const HOT_PATHS = ['/', '/api/users', '/api/orders', '/static/app.js', '/health', '/login'];
/** Targets that test the path rules: escaped UTF-8 (nginx \xHH), percent-encoding, absolute URLs, fragments. */
const ODD_TARGETS = ['/caf\\xC3\\xA9/menu', '/files/a%20b.txt', 'http://example.com/proxy/check?x=1', '/docs#intro', '/api/users?'];
const METHODS = ['GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PUT', 'DELETE', 'HEAD'];
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15',
  'curl/8.5.0',
  'Googlebot/2.1 (+http://www.google.com/bot.html)',
  'Mozilla/5.0 (compatible; \\x22quoted\\x22 crawler)', // nginx escapes '"' as \x22
  'Apache-HttpClient/4.5 \\"legacy\\"', // Apache escapes it as \"
  'Caf\\xC3\\xA9Bot/1.0',
  '-',
];
const REFERERS = ['-', '-', 'https://www.example.com/', 'https://www.google.com/search?q=shop'];
/** Zone offsets in minutes; +0000 most often. */
const ZONES = [0, 0, 0, 0, 60, -420, 330, -300];

function clfTime(ms: number, zoneMinutes: number): string {
  const d = new Date(ms + zoneMinutes * 60_000);
  const sign = zoneMinutes < 0 ? '-' : '+';
  const zone = `${sign}${pad(Math.floor(Math.abs(zoneMinutes) / 60))}${pad(Math.abs(zoneMinutes) % 60)}`;
  return `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${zone}`;
}

/** `2024-01-24T10:15:32+00:00`, as nginx's $time_iso8601 (whole seconds). */
function isoSeconds(ms: number): string {
  return `${new Date(ms - (ms % 1000)).toISOString().slice(0, 19)}+00:00`;
}

function applogTime(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
}

const seconds = (us: number): string => (us / 1_000_000).toFixed(3);

/** A target as structured logs write it: nginx's \xHH escapes resolved to the UTF-8 they stand for. */
function plainTarget(target: string): string {
  return Buffer.from(target.replace(/\\x([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
}

function accessLine(src: LineSource, combined: boolean, withRequestTime: boolean): string {
  const time = clfTime(src.tick(), src.pick(ZONES));
  const roll = src.random();
  // A request nginx could not read: an empty request, or a TLS handshake sent to a plain-HTTP port.
  const request = roll < 0.005 ? '-' : roll < 0.01 ? '\\x16\\x03\\x01\\x02\\x00\\x01\\x00\\x01\\xFC\\x03\\x03' : `${src.pick(METHODS)} ${src.target()} HTTP/${src.pick(['1.1', '1.1', '2.0', '1.0'])}`;
  const status = roll < 0.01 ? 400 : src.status();
  const bytes = status === 301 || status === 304 || status === 499 ? 0 : src.int(20, 250_000);
  const user = src.random() < 0.05 ? 'frank' : '-';
  let line = `${src.client()} - ${user} [${time}] "${request}" ${status} ${!combined && bytes === 0 ? '-' : bytes}`;
  if (combined) line += ` "${src.pick(REFERERS)}" "${src.pick(USER_AGENTS)}"`;
  if (withRequestTime) line += ` ${seconds(src.durationUs())}`;
  return line;
}

const PINO_MESSAGES: ReadonlyArray<readonly [number, string]> = [
  [30, 'request completed'],
  [30, 'user \\"alice\\" logged in'],
  [20, 'cache hit'],
  [40, 'slow query took 1200ms'],
  [50, 'Database connection failed'],
  [50, 'Upstream timed out: \\u00fcberlastet'],
  [60, 'Out of memory'],
];

function jsonLine(src: LineSource): string {
  const time = src.tick();
  if (src.random() < 0.5) {
    // nginx `log_format ... escape=json`: every value a string, '"' escaped as \".
    const status = src.status();
    const upstream = src.random() < 0.1 ? `${seconds(src.durationUs())}, ${seconds(src.durationUs())}` : seconds(src.durationUs());
    const ua = src.pick(['curl/8.5.0', 'Mozilla/5.0 (X11; Linux x86_64) Firefox/121.0', 'Bot \\"quoted\\"/1.0']);
    return `{"time_iso8601":"${isoSeconds(time)}","remote_addr":"${src.client()}","request":"${src.pick(METHODS)} ${plainTarget(src.target())} HTTP/1.1","status":"${status}","body_bytes_sent":"${src.int(0, 90_000)}","request_time":"${seconds(src.durationUs())}","upstream_response_time":"${upstream}","http_user_agent":"${ua}"}`;
  }
  const pid = 4242;
  if (src.random() < 0.5) {
    // pino-http: request and response nested, so only responseTime (ms) marks the line as a request.
    return `{"level":30,"time":${time},"pid":${pid},"hostname":"web-1","req":{"id":${src.int(1, 1e6)},"method":"${src.pick(METHODS)}","url":"${src.pick(HOT_PATHS)}"},"res":{"statusCode":${src.status()}},"responseTime":${Math.round(src.durationUs() / 1000)},"msg":"request completed"}`;
  }
  const [level, msg] = src.pick(PINO_MESSAGES);
  const err = level >= 50 ? `,"err":{"type":"Error","message":"${msg}","stack":"Error: ${msg}\\n    at main (app.js:1:1)"}` : '';
  return `{"level":${level},"time":${time},"pid":${pid},"hostname":"worker-${src.int(1, 3)}","msg":"${msg}"${err}}`;
}

function logfmtLine(src: LineSource): string {
  const time = new Date(src.tick()).toISOString();
  const roll = src.random();
  if (roll < 0.6) {
    const us = src.durationUs();
    const duration = src.pick([`duration=${Math.round(us / 1000)}ms`, `duration=${(us / 1e6).toFixed(4)}s`, `duration=${us}us`, `duration_ms=${(us / 1000).toFixed(1)}`]);
    return `time=${time} level=info msg="request done" method=${src.pick(METHODS)} path=${plainTarget(src.target())} status=${src.status()} ${duration} client_ip=${src.client()}`;
  }
  if (roll < 0.75) return `time=${time} level=error msg="db query failed: \\"timeout\\"" err="connection refused" caller=db.go:${src.int(10, 400)}`;
  if (roll < 0.9) return `time=${time} level=warn msg="retrying in 5s" attempt=${src.int(1, 5)}`;
  return `ts=${time} lvl=debug msg=heartbeat ok=true empty=`;
}

const APPLOG_MESSAGES = ['ERROR Database connection failed', 'WARN Slow query', 'DEBUG Cache hit', 'INFO User logged in', 'FATAL Disk full', 'ERROR Überlauf im Puffer — 缓冲区'];

function applogLine(src: LineSource): string {
  const stamp = applogTime(src.tick());
  if (src.random() < 0.6) return `${stamp} INFO Request processed in ${Math.max(1, Math.round(src.durationUs() / 1000))}ms`;
  return `${stamp} ${src.pick(APPLOG_MESSAGES)}`;
}

/** Lines that no parser accepts, one or more per malformed family. */
const MALFORMED_LINES = [
  '{"level":30,"msg":"unterminated', // json
  '{"status":200,}', // json
  '2024-13-45 99:99:99 INFO impossible date', // applog
  '10.0.0.1 - - [24/Jan/2024:10:15:32 +0000] "GET / HTTP/1.1" abc 12', // access
  'level=info msg="never closed', // logfmt
  'garbage line without any structure', // unknown
];

/** A generator of `count` lines produced by `line`, each as a Buffer ending in '\n'. */
function* linesOf(count: number, line: () => string): Generator<Buffer> {
  for (let n = 0; n < count; n++) yield Buffer.from(`${line()}\n`);
}

/** nginx/Apache access lines: combined by default, or common; optionally with a trailing $request_time. */
export function generateAccessLog(count: number, options: AccessLogOptions): Generator<Buffer> {
  const src = new LineSource(options);
  return linesOf(count, () => accessLine(src, options.combined ?? true, options.withRequestTime ?? false));
}

/** JSON lines: nginx `escape=json` access lines, pino-http request lines and pino application lines. */
export function generateJsonLog(count: number, options: LogGeneratorOptions): Generator<Buffer> {
  const src = new LineSource(options);
  return linesOf(count, () => jsonLine(src));
}

/** logfmt lines: requests with durations in several units, errors with escaped quotes, debug chatter. */
export function generateLogfmtLog(count: number, options: LogGeneratorOptions): Generator<Buffer> {
  const src = new LineSource(options);
  return linesOf(count, () => logfmtLine(src));
}

/**
 * Application, access (combined and common, timed or not), JSON and logfmt lines interleaved on one
 * clock; with `nasty` (default), also malformed lines of every family, blank lines, CRLF endings and
 * lines that are not UTF-8.
 */
export function* generateMixedLog(count: number, options: MixedLogOptions): Generator<Buffer> {
  const src = new LineSource(options);
  const nasty = options.nasty ?? true;
  for (let n = 0; n < count; n++) {
    const roll = src.random();
    let line: string;
    if (nasty && roll < 0.02) line = src.pick(MALFORMED_LINES);
    else if (nasty && roll < 0.03) line = src.pick(['', '   ', '\t']);
    else if (roll < 0.3) line = applogLine(src);
    else if (roll < 0.55) line = accessLine(src, src.random() < 0.8, src.random() < 0.7);
    else if (roll < 0.8) line = jsonLine(src);
    else line = logfmtLine(src);
    const ending = nasty && src.random() < 0.05 ? '\r\n' : '\n';
    if (nasty && src.random() < 0.004) {
      // A well-formed start, then bytes that are not UTF-8 (a truncated Latin-1 write, say).
      yield Buffer.concat([Buffer.from(line.slice(0, 20)), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from(ending)]);
    } else {
      yield Buffer.from(line + ending);
    }
  }
}

/** Writes the lines to a file, in batches of about 1 MiB, and returns the bytes written. */
export function writeLogFile(filepath: string, lines: Iterable<Buffer>): number {
  const fd = openSync(filepath, 'w');
  let written = 0;
  try {
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const flush = (): void => {
      const data = Buffer.concat(batch, batchBytes);
      writeSync(fd, data);
      written += data.length;
      batch = [];
      batchBytes = 0;
    };
    for (const line of lines) {
      batch.push(line);
      batchBytes += line.length;
      if (batchBytes >= 1 << 20) flush();
    }
    flush();
  } finally {
    closeSync(fd);
  }
  return written;
}
