// JSON logs as real loggers write them, nested fields and all: pino-http (npm, scripts/capture-pino-http.js),
// Caddy 2.6's access log and PostgreSQL 15's jsonlog (test/fixtures/real/capture-service-logs.sh),
// and hand-made Elastic Common Schema, zap, Traefik and MongoDB lines from their documentation. Every figure is checked
// against JSON.parse of the same file, which shares no code with the byte scanner.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeFile } from '../src/analyze';

const pinoHttp = join(__dirname, '..', '..', '..', 'fixtures', 'real', 'pino-http.log');

interface PinoLine {
  level: number;
  time: number;
  req: { method: string; url: string; remoteAddress: string; headers: Record<string, string> };
  res: { statusCode: number };
  responseTime: number;
}

function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

describe('pino-http, as the npm package writes it', () => {
  const lines: PinoLine[] = readFileSync(pinoHttp, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

  it('reads status codes, methods, paths, clients and durations from the nested req and res', async () => {
    const report = await analyzeFile(pinoHttp);
    const paths = countBy(lines, (l) => l.req.url.split('?')[0]);
    const topPaths = Object.entries(paths).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);

    expect(report.malformed_lines).toBe(0);
    expect(report.request_count).toBe(lines.length);
    expect(report.status_codes).toStrictEqual(countBy(lines, (l) => String(l.res.statusCode)));
    expect(report.client_errors).toBe(lines.filter((l) => l.res.statusCode >= 400 && l.res.statusCode < 500).length);
    expect(report.error_count).toBe(lines.filter((l) => l.res.statusCode >= 500 || l.level >= 50).length);
    expect(report.methods).toStrictEqual(countBy(lines, (l) => l.req.method));
    expect(report.top.paths.items.slice(0, 3).map((i) => [i.key, i.count])).toStrictEqual(topPaths);
    expect(report.top.clients.items.map((i) => [i.key, i.count])).toStrictEqual([['127.0.0.1', lines.length]]);
    expect(report.top.user_agents.items.map((i) => [i.key, i.count])).toStrictEqual([['capture-pino-http/1', lines.length]]);
    expect(report.total_response_time).toBe(lines.reduce((sum, l) => sum + l.responseTime, 0));
    expect([report.first_timestamp, report.last_timestamp]).toStrictEqual([new Date(lines[0].time).toISOString(), new Date(lines[lines.length - 1].time).toISOString()]);
  });
});

interface CaddyLine {
  level: string;
  ts: number;
  request: { remote_ip: string; method: string; uri: string; headers: Record<string, string[]> };
  duration: number;
  size: number;
  status: number;
}

describe("Caddy's access log, as Caddy 2.6 writes it", () => {
  const caddy = join(__dirname, 'fixtures', 'real', 'caddy.log');
  const lines: CaddyLine[] = readFileSync(caddy, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

  it('reads the nested request (method, uri, remote_ip), status, size and duration in seconds after a float ts', async () => {
    const report = await analyzeFile(caddy);
    expect(report.malformed_lines).toBe(0);
    expect(report.request_count).toBe(lines.length);
    expect(report.status_codes).toStrictEqual(countBy(lines, (l) => String(l.status)));
    expect(report.methods).toStrictEqual(countBy(lines, (l) => l.request.method));
    expect(Object.fromEntries(report.top.paths.items.map((i) => [i.key, i.count]))).toStrictEqual(countBy(lines, (l) => l.request.uri.split('?')[0]));
    expect(report.top.clients.items.map((i) => [i.key, i.count])).toStrictEqual([['127.0.0.1', lines.length]]);
    // The user agent is the first value of an http.Header array.
    const agents = countBy(lines, (l) => l.request.headers['User-Agent'][0]);
    expect(Object.fromEntries(report.top.user_agents.items.map((i) => [i.key, i.count]))).toStrictEqual(agents);
    expect(report.bytes_sent).toBe(lines.reduce((sum, l) => sum + l.size, 0));
    // Caddy logs 4xx and 5xx at level error: both count as errors, as their level says.
    expect(report.error_count).toBe(lines.filter((l) => l.level === 'error' || l.status >= 500).length);
    const micros = lines.map((l) => Math.round(l.duration * 1e6));
    expect(report.total_response_time).toBeCloseTo(micros.reduce((a, b) => a + b, 0) / 1000, 6);
    expect(lines.length > 3 && Object.keys(report.status_codes).length).toBe(3);
  });
});

describe("PostgreSQL's jsonlog, as PostgreSQL 15 writes it", () => {
  const file = join(__dirname, 'fixtures', 'real', 'postgresql.json.log');
  const lines: Array<{ timestamp: string; error_severity: string; message: string }> = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

  it('reads error_severity as the level and its "… UTC" timestamp', async () => {
    const report = await analyzeFile(file);
    const severities = countBy(lines, (l) => (l.error_severity === 'WARNING' ? 'WARN' : l.error_severity));
    const times = lines.map((l) => Date.parse(l.timestamp.replace(' ', 'T').replace(' UTC', 'Z')));
    expect(report.malformed_lines).toBe(0);
    expect(report.levels).toStrictEqual(Object.fromEntries(Object.entries(severities).sort(([a], [b]) => (a < b ? -1 : 1))));
    expect(report.error_count).toBe(lines.filter((l) => ['ERROR', 'FATAL', 'PANIC'].includes(l.error_severity)).length);
    expect(report.top.error_messages.items.map((i) => i.key).sort()).toStrictEqual(lines.filter((l) => ['ERROR', 'FATAL'].includes(l.error_severity)).map((l) => l.message).sort());
    expect([report.first_timestamp, report.last_timestamp]).toStrictEqual([new Date(Math.min(...times)).toISOString(), new Date(Math.max(...times)).toISOString()]);
    expect(report.error_count > 0 && (report.levels.LOG ?? 0) > 0).toBe(true);
  });
});

describe('documented shapes of other JSON loggers', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'loganalyzer-json-shapes-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads Elastic Common Schema lines: http.response.status_code, url.path, event.duration in ns, log.level', async () => {
    const path = join(dir, 'ecs.log');
    const ecs = [
      ['info', 200, 'GET', '/api/a', 1_500_000],
      ['warn', 404, 'GET', '/missing', 300_000],
      ['error', 503, 'POST', '/api/orders', 12_000_000],
    ] as const;
    writeFileSync(
      path,
      ecs
        .map(([level, status, method, url, ns], i) =>
          JSON.stringify({ '@timestamp': `2024-01-24T10:15:3${i}.000Z`, 'log.level': level, message: 'handled', ecs: { version: '8.11.0' }, http: { request: { method }, response: { status_code: status } }, url: { path: url }, event: { duration: ns } }),
        )
        .join('\n') + '\n',
    );
    const report = await analyzeFile(path);

    expect([report.malformed_lines, report.request_count, report.error_count, report.client_errors]).toStrictEqual([0, 3, 1, 1]);
    expect(report.status_codes).toStrictEqual({ '200': 1, '404': 1, '503': 1 });
    expect(report.levels).toStrictEqual({ INFO: 1, WARN: 1, ERROR: 1 });
    expect(report.total_response_time).toBe(13.8);
    expect(report.response_time.max).toBe(12);
  });

  it("reads Traefik's JSON access log: RequestMethod, RequestPath, DownstreamStatus, Duration in ns, ClientHost", async () => {
    const path = join(dir, 'traefik.log');
    const traefik = [
      ['GET', '/api/users?id=1', 200, 3_512_345, 1234, '10.0.0.5'],
      ['POST', '/api/orders', 502, 30_000_000_000, 0, '10.0.0.6'],
      ['GET', '/missing', 404, 250_000, 19, '10.0.0.5'],
    ] as const;
    writeFileSync(
      path,
      traefik
        .map(([method, requestPath, status, ns, size, host], i) =>
          JSON.stringify({ ClientAddr: `${host}:51234`, ClientHost: host, ClientPort: '51234', ClientUsername: '-', DownstreamContentSize: size, DownstreamStatus: status, Duration: ns, OriginContentSize: size, OriginDuration: ns - 100_000, OriginStatus: status, Overhead: 100_000, RequestAddr: 'example.com', RequestContentSize: 0, RequestCount: i + 1, RequestHost: 'example.com', RequestMethod: method, RequestPath: requestPath, RequestPort: '-', RequestProtocol: 'HTTP/1.1', RequestScheme: 'https', RetryAttempts: 0, RouterName: 'api@docker', ServiceName: 'api@docker', StartUTC: `2024-01-24T10:15:3${i}.123456789Z`, entryPointName: 'websecure', level: 'info', msg: '', time: `2024-01-24T10:15:3${i}Z` }),
        )
        .join('\n') + '\n',
    );
    const report = await analyzeFile(path);

    expect([report.malformed_lines, report.request_count, report.error_count, report.client_errors]).toStrictEqual([0, 3, 1, 1]);
    expect(report.status_codes).toStrictEqual({ '200': 1, '404': 1, '502': 1 });
    expect(report.methods).toStrictEqual({ GET: 2, POST: 1 });
    expect(report.top.paths.items.map((i) => i.key).sort()).toStrictEqual(['/api/orders', '/api/users', '/missing']);
    expect(report.top.clients.items.map((i) => [i.key, i.count])).toStrictEqual([['10.0.0.5', 2], ['10.0.0.6', 1]]);
    expect([report.total_response_time, report.response_time.max, report.bytes_sent]).toStrictEqual([30_003.762, 30_000, 1253]); // durations kept in whole µs
  });

  it("reads MongoDB's structured log: t.$date, the severity letter s, msg", async () => {
    const path = join(dir, 'mongod.log');
    writeFileSync(
      path,
      [
        '{"t":{"$date":"2024-01-24T10:15:32.123+00:00"},"s":"I",  "c":"NETWORK",  "id":22943,   "ctx":"listener","msg":"Connection accepted","attr":{"remote":"10.0.0.5:51234","connectionId":7,"connectionCount":3}}',
        '{"t":{"$date":"2024-01-24T10:15:33.000+01:00"},"s":"W",  "c":"CONTROL",  "id":22120,   "ctx":"initandlisten","msg":"Access control is not enabled for the database","tags":["startupWarnings"]}',
        '{"t":{"$date":"2024-01-24T10:15:34.500+00:00"},"s":"E",  "c":"STORAGE",  "id":22435,   "ctx":"conn7","msg":"WiredTiger error","attr":{"error":28,"message":"No space left on device"}}',
        '{"t":{"$date":"2024-01-24T10:15:35.000+00:00"},"s":"D2", "c":"COMMAND",  "id":21965,   "ctx":"conn7","msg":"About to run the command","attr":{"db":"admin"}}',
        '{"t":{"$date":"2024-01-24T10:15:36.000+00:00"},"s":"F",  "c":"-",        "id":23089,   "ctx":"conn7","msg":"Fatal assertion","attr":{"msgid":40507}}',
      ].join('\n') + '\n',
    );
    const report = await analyzeFile(path);

    expect([report.malformed_lines, report.error_count]).toStrictEqual([0, 2]);
    expect(report.levels).toStrictEqual({ DEBUG: 1, ERROR: 1, FATAL: 1, INFO: 1, WARN: 1 });
    expect([report.first_timestamp, report.last_timestamp]).toStrictEqual(['2024-01-24T09:15:33.000Z', '2024-01-24T10:15:36.000Z']);
    expect(report.top.error_messages.items.map((i) => i.key).sort()).toStrictEqual(['Fatal assertion', 'WiredTiger error']);
  });

  it('does not take a bare "s" that is no MongoDB severity for a level', async () => {
    const path = join(dir, 'not-mongo.log');
    writeFileSync(path, '{"time":"2024-01-24T10:15:32Z","s":"ok","level":"warn","msg":"x"}\n');
    expect((await analyzeFile(path)).levels).toStrictEqual({ WARN: 1 });
  });

  it('reads zap production lines: float-second ts and latency', async () => {
    const path = join(dir, 'zap.log');
    writeFileSync(
      path,
      [
        '{"level":"info","ts":1706091332.1234567,"caller":"http/server.go:42","msg":"request","method":"GET","path":"/a","status":200,"latency":0.0125}',
        '{"level":"error","ts":1706091333.5,"caller":"http/server.go:42","msg":"request","method":"GET","path":"/b","status":500,"latency":1.5}',
      ].join('\n') + '\n',
    );
    const report = await analyzeFile(path);

    expect([report.malformed_lines, report.request_count, report.error_count]).toStrictEqual([0, 2, 1]);
    expect([report.first_timestamp, report.last_timestamp]).toStrictEqual(['2024-01-24T10:15:32.123Z', '2024-01-24T10:15:33.500Z']);
    expect([report.response_time.min, report.response_time.max, report.total_response_time]).toStrictEqual([12.5, 1500, 1512.5]);
  });
});
