// JSON lines in the three shapes most often shipped: nginx `escape=json` access logs, pino-http
// request logs (method and url nested, as pino writes them) and structured application logs with
// levels, escaped text and arrays.
import { Random } from '../random';
import { WebTraffic } from './web-traffic';

const SERVICES = ['billing', 'checkout', 'search', 'auth', 'inventory'];
const LEVELS = [['info', 70], ['debug', 12], ['warn', 12], ['error', 5], ['fatal', 1]] as const;
const MESSAGES = ['Invoice generated', 'Cache refreshed', 'User "admin" logged in', 'Payment captured', 'Überweisung ausgeführt', 'Rate limit reached for tenant', 'Retrying upstream call'];
const ERRORS = ['connect ECONNREFUSED 10.0.0.12:5432', 'timeout of 3000ms exceeded', 'deadlock detected', 'Unexpected token < in JSON at position 0'];

function nginxLine(random: Random, traffic: WebTraffic, time: number): string {
  const req = traffic.next();
  return JSON.stringify({
    time_iso8601: new Date(time).toISOString().slice(0, 19) + '+00:00',
    remote_addr: req.client,
    remote_user: req.user === '-' ? '' : req.user,
    request: `${req.method} ${req.target} ${req.protocol}`,
    status: String(req.status),
    body_bytes_sent: String(req.bytes),
    request_time: (req.latencyMs / 1000).toFixed(3),
    upstream_response_time: random.chance(0.9) ? (req.latencyMs / 1000 * 0.9).toFixed(3) : '',
    http_referer: req.referer === '-' ? '' : req.referer,
    http_user_agent: req.userAgent,
  });
}

function pinoLine(random: Random, traffic: WebTraffic, time: number): string {
  const req = traffic.next();
  return JSON.stringify({
    level: req.status >= 500 ? 50 : 30,
    time,
    pid: 4242,
    hostname: `api-${random.int(0, 3)}`,
    req: { id: random.int(1, 1e9), method: req.method, url: req.target, remoteAddress: `::ffff:${req.client}`, headers: { host: 'api.example.com', 'user-agent': req.userAgent } },
    res: { statusCode: req.status },
    responseTime: Math.round(req.latencyMs),
    msg: req.status >= 500 ? 'request errored' : 'request completed',
  });
}

function appLine(random: Random, time: number): string {
  const level = random.weighted(LEVELS);
  const failed = level === 'error' || level === 'fatal';
  return JSON.stringify({
    timestamp: new Date(time).toISOString(),
    level,
    service: random.pick(SERVICES),
    message: random.pick(MESSAGES),
    ...(failed ? { error: random.pick(ERRORS) } : {}),
    ...(random.chance(0.5) ? { duration_ms: Math.round(random.latencyMs() * 10) / 10 } : {}),
    user_id: `u-${random.int(1, 99_999)}`,
    tags: random.chance(0.3) ? ['beta', random.pick(SERVICES)] : [],
  });
}

/** Endless lines, each with its newline. */
export function* generateJsonLog(seed: number): Generator<Buffer> {
  const random = new Random(seed);
  const traffic = new WebTraffic(random);
  let time = Date.UTC(2024, 0, 24, 10, 15, 32, 123);
  for (;;) {
    time += random.int(0, 40);
    const roll = random.next();
    const line = roll < 0.4 ? nginxLine(random, traffic, time) : roll < 0.75 ? pinoLine(random, traffic, time) : appLine(random, time);
    yield Buffer.from(line + '\n');
  }
}
