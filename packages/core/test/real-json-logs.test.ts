// JSON logs as real loggers write them, nested fields and all: pino-http (npm, scripts/capture-pino-http.js)
// and hand-made Elastic Common Schema and zap lines from their documentation. Every figure is checked
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
