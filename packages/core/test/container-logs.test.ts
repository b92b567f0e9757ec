// Kubernetes node logs (/var/log/containers/*.log): CRI and Docker json-file wrappers around what the
// containers wrote, analyzed as the inner lines, exact for any chunking.
import { writeFileSync } from 'node:fs';
import { analyzeFile, analyzeFilePartial, analyzeRange } from '../src/analyze';
import { planChunks } from '../src/chunk-planner';
import { mergeMetrics } from '../src/partial-metrics';
import { toReport } from '../src/report';
import { mulberry32, randomInt, useTempDir } from './helpers';

const temp = useTempDir();

/** Lines as an nginx, a pino service and a plain-print service in one pod would write them. */
const INNER = [
  '10.0.0.1 - - [24/Jan/2024:10:15:32 +0000] "GET /api/a HTTP/1.1" 200 512 "-" "kube-probe/1.29"',
  '{"level":50,"time":1706091333000,"msg":"db down","req":{"method":"POST","url":"/api/b"},"res":{"statusCode":503},"responseTime":7}',
  'plain console.log output without a time',
  '2024-01-24 10:15:34,500 WARN [main] com.example.App - slow start',
  '\tat com.example.App.main(App.java:12)',
  '',
];

function criFile(name: string): string {
  const path = temp.path(name);
  const lines = INNER.map((line, i) => `2024-01-24T10:15:3${5 + (i % 4)}.123456789Z ${i % 2 ? 'stderr' : 'stdout'} ${i === 2 ? 'P' : 'F'}${line === '' ? '' : ` ${line}`}`);
  writeFileSync(path, Array.from({ length: 40 }, () => lines.join('\n')).join('\n') + '\n');
  return path;
}

function dockerFile(name: string): string {
  const path = temp.path(name);
  const lines = INNER.map((line, i) => JSON.stringify({ log: `${line}\n`, stream: i % 2 ? 'stderr' : 'stdout', time: `2024-01-24T10:15:3${5 + (i % 4)}.123456789Z` }));
  writeFileSync(path, Array.from({ length: 40 }, () => lines.join('\n')).join('\n') + '\n');
  return path;
}

describe.each([
  ['CRI', criFile],
  ['Docker json-file', dockerFile],
])('%s', (_name, write) => {
  let path = '';
  beforeAll(() => {
    path = write(`${_name.replace(/\W/g, '')}.log`);
  });

  it('reads each inner line with the auto-detection of any other line, and nothing is malformed', async () => {
    const report = await analyzeFile(path);

    expect([report.lines, report.malformed_lines, report.continuation_lines]).toStrictEqual([240, 0, 40]);
    expect(report.formats).toStrictEqual({ combined: 40, json: 40, event: 120 });
    expect(report.status_codes).toStrictEqual({ '200': 40, '503': 40 });
    expect(report.levels).toStrictEqual({ ERROR: 40, WARN: 40 });
    expect(report.top.paths.items.map((i) => [i.key, i.count])).toStrictEqual([['/api/a', 40], ['/api/b', 40]]);
  });

  it('gives an inner line without a time of its own the wrapper\'s time, and keeps the inner time otherwise', async () => {
    const report = await analyzeFile(path);
    // Inner times: 10:15:32 (access), 10:15:33 (pino), 10:15:34.5 (log4j). The plain line and the empty
    // one take their wrappers' 10:15:37.123 and 10:15:36.123; the latest wrapper time, 10:15:38.123, is
    // on the stack-trace line, a continuation, which has no time of its own.
    expect([report.first_timestamp, report.last_timestamp]).toStrictEqual(['2024-01-24T10:15:32.000Z', '2024-01-24T10:15:37.123Z']);
  });

  it('gives the single pass for any chunking', () => {
    const exact = toReport(analyzeFilePartial(path));
    const size = analyzeFilePartial(path).bytes;
    const random = mulberry32(41);
    for (let round = 0; round < 6; round++) {
      const chunkSize = randomInt(random, 7, 900);
      const partials = planChunks(size, chunkSize).map((r) => analyzeRange(path, r.start, r.size));
      expect({ chunkSize, report: toReport(partials.reduce(mergeMetrics)) }).toStrictEqual({ chunkSize, report: exact });
    }
  });
});
