// The text report's sections over a log whose every figure is known (report-fixture.ts): exact lines of
// the status codes, the timeline chart and the top tables; sections with nothing in them left out.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@loganalyzer/contract';
import { formatReport } from '../src/format-report';
import { writeReportFixture } from './report-fixture';

let dir: string;
let job: Job;
let report: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-sections-'));
  ({ job } = await writeReportFixture(dir));
  report = formatReport(job, 1234);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The lines of the section whose title line is `title`, up to the next blank line. */
function section(title: string, text = report): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(title);
  if (start < 0) return [];
  const end = lines.indexOf('', start);
  return lines.slice(start, end < 0 ? undefined : end);
}

it('opens with the job and the summary rows', () => {
  const lines = report.split('\n');
  expect(lines[0]).toBe(`${job.filepath}: completed in 1.23 s (1 chunk(s), format auto)`);
  expect(lines).toContain('  error_count          4');
  expect(lines).toContain('  error_rate           57.14% (errors per request)');
  expect(lines).toContain('  errors_per_minute    avg 1.333, peak 3 at 2024-01-24T10:01:00.000Z');
});

it('lists each status class with its codes under it', () => {
  expect(section('  status codes')).toStrictEqual(['  status codes', '    2xx    4', '      200  4', '    4xx    1', '      404  1', '    5xx    2', '      500  1', '      503  1']);
});

it('charts requests and errors per minute over the log', () => {
  expect(section('  requests per minute')).toStrictEqual([
    '  requests per minute',
    '    3 |██ ',
    '      |██ ',
    '      |██ ',
    '      |██ ',
    '      |███',
    '    0 |███',
    '  errors per minute',
    '    3 | █ ',
    '      | █ ',
    '    0 | ██',
    '       2024-01-24 10:00 10:03 UTC',
  ]);
});

it('prints the top tables with the escaped key of each', () => {
  expect(section('  top paths (exact)')).toStrictEqual([
    '  top paths (exact)',
    '             3  /  errors 0  p95 15.03 ms',
    '             2  /api  errors 2  p95 399.474 ms',
    String.raw`             1  /<script>alert("x")</script>\x1b[2J  errors 0  p95 30.267 ms`,
    '             1  /missing  errors 0  p95 5.003 ms',
  ]);
  expect(section('  top user agents (exact)')).toStrictEqual(['  top user agents (exact)', '             5  Mozilla/5.0', "             2  curl/8.0 <b>'bold'</b>"]);
  expect(section('  top error messages (exact)')).toStrictEqual(['  top error messages (exact)', '             2  db down']);
  expect(section('  levels')).toStrictEqual(['  levels', '    ERROR  2']);
  expect(section('  malformed lines by family')).toStrictEqual(['  malformed lines by family', '    unknown  1']);
});

it('leaves out the sections with nothing in them', () => {
  const quiet: Job = {
    ...job,
    metrics: { ...job.metrics, status_codes: {}, status_classes: {}, timeline: [], levels: {}, malformed: { by_family: {}, samples: [] }, top: { ...job.metrics.top, apps: { ...job.metrics.top.apps, items: [] }, error_messages: { ...job.metrics.top.error_messages, items: [] } } },
  };

  const text = formatReport(quiet, 1000);

  for (const title of ['  status codes', '  requests per minute', '  errors per minute', '  levels', '  malformed lines by family', '  malformed samples', '  top error messages (exact)', '  top apps (exact)']) {
    expect(text.split('\n')).not.toContain(title);
  }
  expect(text.split('\n')).toContain('  top paths (exact)');
  expect(job.metrics.top.apps.items).toStrictEqual([]);
});
