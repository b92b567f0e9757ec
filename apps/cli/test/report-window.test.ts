// The time window in both reports: the window a job analyzed (open ends said as such) and the lines
// outside it, as summary rows beside the line counts; neither row when the job had no window.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@loganalyzer/contract';
import { formatReport } from '../src/format-report';
import { renderHtmlReport } from '../src/report/html-report';
import { writeReportFixture } from './report-fixture';

const SINCE_MS = Date.UTC(2024, 0, 24, 10, 1);
const UNTIL_MS = Date.UTC(2024, 0, 24, 10, 2);

let dir: string;
let unwindowed: Job;
let windowed: Job;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-window-report-'));
  ({ job: unwindowed } = await writeReportFixture(dir));
  ({ job: windowed } = await writeReportFixture(dir, { sinceMs: SINCE_MS, untilMs: UNTIL_MS }));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The summary table: the lines after the title and its blank line, up to the next blank line. */
function summary(text: string): string[] {
  const lines = text.split('\n');
  return lines.slice(2, lines.indexOf('', 2));
}

const withWindow = (job: Job, window: Job['metrics']['window']): Job => ({ ...job, metrics: { ...job.metrics, window } });

it('analyzes the fixture in the window: minute 10:01 and the malformed line in, the other 5 timestamped lines out', () => {
  expect([windowed.metrics.lines, windowed.metrics.outside_window, windowed.metrics.request_count, windowed.metrics.window]).toStrictEqual([
    5,
    5,
    3,
    { since: '2024-01-24T10:01:00.000Z', until: '2024-01-24T10:02:00.000Z' },
  ]);
});

it('shows the window and the lines outside it in the text summary, after the line counts', () => {
  expect(summary(formatReport(windowed, 1000))).toStrictEqual([
    '  error_count          3',
    '  request_count        3',
    '  total_response_time  1,430 ms',
    '  avg_response_time    476.667 ms (over 3 timed requests)',
    '  error_rate           100.00% (errors per request)',
    '  client_errors        0',
    '  lines                5',
    '  malformed_lines      1',
    '  window               from 2024-01-24T10:01:00.000Z, up to 2024-01-24T10:02:00.000Z (excluded)',
    '  outside_window       5 (lines timestamped outside the window; in no other figure but bytes)',
    '  bytes                1,171 (1.1 KiB)',
    '  first_timestamp      2024-01-24T10:01:00.000Z',
    '  last_timestamp       2024-01-24T10:01:30.000Z',
    '  requests_per_second  avg 0.097, peak 1 at 2024-01-24T10:01:00.000Z',
    '  errors_per_minute    avg 3, peak 3 at 2024-01-24T10:01:00.000Z',
    '  unique_clients       ~2 (standard error 0.81%)',
  ]);
});

it.each([
  ['an open end', { since: '2024-01-24T10:01:00.000Z', until: null }, '  window               from 2024-01-24T10:01:00.000Z, no end'],
  ['an open start', { since: null, until: '2024-01-24T10:02:00.000Z' }, '  window               no start, up to 2024-01-24T10:02:00.000Z (excluded)'],
])('says so for a window with %s', (_case, window, row) => {
  const rows = summary(formatReport(withWindow(windowed, window), 1000));

  expect(rows.filter((r) => r.startsWith('  window '))).toStrictEqual([row]);
});

it('escapes the window ends, which come from the coordinator', () => {
  const rows = summary(formatReport(withWindow(windowed, { since: '2024\u001b[2J', until: null }), 1000));

  expect(rows.filter((r) => r.startsWith('  window '))).toStrictEqual([String.raw`  window               from 2024\x1b[2J, no end`]);
});

it('has neither row in the text report of a job without a window, even with lines counted outside one', () => {
  const rows = summary(formatReport({ ...unwindowed, metrics: { ...unwindowed.metrics, outside_window: 2 } }, 1000)).map((r) => r.trim().split(' ')[0]);

  expect(unwindowed.metrics.window).toBeNull();
  expect(rows).toContain('malformed_lines');
  expect(rows).not.toContain('window');
  expect(rows).not.toContain('outside_window');
});

it('shows the same two rows in the HTML summary, and neither without a window', () => {
  const html = renderHtmlReport(windowed, 1000);

  expect(html).toContain(
    '<tr><td>malformed_lines</td><td>1</td></tr>' +
      '<tr><td>window</td><td>from 2024-01-24T10:01:00.000Z, up to 2024-01-24T10:02:00.000Z (excluded)</td></tr>' +
      '<tr><td>outside_window</td><td>5 (lines timestamped outside the window; in no other figure but bytes)</td></tr>' +
      '<tr><td>bytes</td>',
  );
  expect(renderHtmlReport(withWindow(windowed, { since: null, until: '2024-01-24T10:02:00.000Z' }), 1000)).toContain('<tr><td>window</td><td>no start, up to 2024-01-24T10:02:00.000Z (excluded)</td></tr>');
  const plain = renderHtmlReport(unwindowed, 1000);
  expect(plain).toContain('<tr><td>malformed_lines</td><td>1</td></tr><tr><td>bytes</td>');
  expect(plain).not.toContain('<td>window</td>');
  expect(plain).not.toContain('<td>outside_window</td>');
});
