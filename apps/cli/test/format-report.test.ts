// The text report never sends a control character that came from a log: a real analysis of a file whose
// name and lines hold ESC, CR, BEL and C1 bytes, printed, shows each as \xNN.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, MetricsReport } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { formatReport } from '../src/format-report';

/** Clear the screen, carriage return, bell, and CSI in its one-byte C1 form. */
const RAW = '\u001b[2J\r\u0007\u009b';
const SHOWN = String.raw`\x1b[2J\x0d\x07\x9b`;

let dir: string;
let logfile: string;
let metrics: MetricsReport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-report-'));
  logfile = join(dir, `app${RAW}.log`);
  writeFileSync(
    logfile,
    [
      `203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET /a${RAW}b HTTP/1.1" 500 12 "-" "agent${RAW}x"`,
      JSON.stringify({ time: '2000-10-10T20:55:37Z', level: 'error', message: `boom${RAW}` }),
      `garbage ${RAW} line`,
      '',
    ].join('\n'),
  );
  metrics = await analyzeFile(logfile);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function jobOf(report: MetricsReport): Job {
  return {
    job_id: 'job-1',
    filepath: logfile,
    inputs: 1,
    status: 'completed',
    created_at: '2024-01-24T10:15:32.000Z',
    finished_at: '2024-01-24T10:15:33.000Z',
    format: 'auto',
    chunk_size: 4096,
    progress: { chunks_total: 1, chunks_done: 1, bytes_total: report.bytes, bytes_done: report.bytes, chunks_reassigned: 0, backup_attempts: 0, results_refused: 0, appended_bytes: 0 },
    input_progress: [],
    metrics: report,
  };
}

/** Every character a terminal would obey: C0 but the newline, DEL and C1. */
function controlsIn(text: string): string[] {
  return [...text].filter((c) => c !== '\n' && /[\u0000-\u001f\u007f-\u009f]/.test(c));
}

it('reads the nasty bytes into the report, so the cases below print them', () => {
  expect(metrics.top.paths.items.map((i) => i.key)).toStrictEqual([`/a${RAW}b`]);
  expect(metrics.top.user_agents.items.map((i) => i.key)).toStrictEqual([`agent${RAW}x`]);
  expect(metrics.top.error_messages.items.map((i) => i.key)).toStrictEqual([`boom${RAW}`]);
  expect(metrics.malformed.samples).toStrictEqual([{ file: logfile, offset: 184, text: `garbage ${RAW} line`, family: 'unknown' }]);
});

it('sends no control character but the newline, whichever field of the report holds it', () => {
  // Counted keys come from log lines too; the parsers do not put control bytes there today, the report must not rely on it.
  const report = { ...metrics, levels: { [`INFO${RAW}`]: 1 }, methods: { [`GET${RAW}`]: 1 }, status_classes: { [`5xx${RAW}`]: 1 }, formats: { [`json${RAW}`]: 1 } };
  const job = { ...jobOf(report), format: `auto${RAW}` };

  const text = formatReport(job, 1234);

  expect(controlsIn(text)).toStrictEqual([]);
  expect(text).toContain(String.raw`\x1b[2J`);
});

it('shows each control character of a path, a user agent, an error message, a malformed sample and the file name as \\xNN', () => {
  const shownFile = join(dir, `app${SHOWN}.log`);

  const lines = formatReport(jobOf(metrics), 1234).split('\n');

  expect(lines[0]).toBe(`${shownFile}: completed in 1.23 s (1 chunk(s), format auto)`);
  expect(lines).toContain(`             1  /a${SHOWN}b  errors 1  p95 -`);
  expect(lines).toContain(`             1  agent${SHOWN}x`);
  expect(lines).toContain(`             1  boom${SHOWN}`);
  expect(lines).toContain(`    ${shownFile}@184 [unknown]: "garbage ${SHOWN} line"`);
});

it('shows the escaped counted keys, levels and methods among them', () => {
  const report = { ...metrics, levels: { [`INFO${RAW}`]: 2 }, methods: { [`GET${RAW}`]: 3 } };

  const lines = formatReport(jobOf(report), 1234).split('\n');

  expect(lines.slice(lines.indexOf('  levels'), lines.indexOf('  levels') + 2)).toStrictEqual(['  levels', `    INFO${SHOWN}  2`]);
  expect(lines.slice(lines.indexOf('  methods'), lines.indexOf('  methods') + 2)).toStrictEqual(['  methods', `    GET${SHOWN}  3`]);
});

it('cuts a long key after escaping it, so no escape is counted as one character', () => {
  const key = '\u001b'.repeat(30);
  const report = { ...metrics, top: { ...metrics.top, user_agents: { ...metrics.top.user_agents, items: [{ key, count: 1, count_max: 1, exact: true, errors: 0 }] } } };

  const lines = formatReport(jobOf(report), 1234).split('\n');

  // 77 characters: nineteen whole escapes and the backslash of the twentieth.
  expect(lines).toContain(`             1  ${String.raw`\x1b`.repeat(19)}\\...`);
});

it('shows an exact row as its count and any other as the range of its true count, ordered as reported', () => {
  const paths = {
    exact: false,
    error_bound: 63,
    capacity: 1000,
    items: [
      { key: '/p/1', count: 1234, count_max: 1234, exact: true, errors: 0, p95_response_time: null },
      { key: '/p/373', count: 638, count_max: 638, exact: true, errors: 2, p95_response_time: 12.5 },
      { key: '/p/873', count: 577, count_max: 640, exact: false, errors: 0, p95_response_time: null },
    ],
  };
  const report = { ...metrics, top: { ...metrics.top, paths } };

  const lines = formatReport(jobOf(report), 1234).split('\n');

  const at = lines.indexOf('  top paths (a ~low–high count is a range holding the true count; ordered by the low end)');
  expect(lines.slice(at, at + 4)).toStrictEqual([
    '  top paths (a ~low–high count is a range holding the true count; ordered by the low end)',
    '         1,234  /p/1  errors 0  p95 -',
    '           638  /p/373  errors 2  p95 12.5 ms',
    '      ~577–640  /p/873  errors 0  p95 -',
  ]);
});

describe('sections with nothing in them', () => {
  it('leaves out rates, percentiles, unique clients and zero counters for a log without requests or clients', async () => {
    const dpkg = join(dir, 'dpkg.log');
    writeFileSync(dpkg, ['2025-06-24 14:36:25 startup archives unpack', '2025-06-24 14:36:26 install base-files:amd64 <none> 13', ''].join('\n'));
    const text = formatReport(jobOf(await analyzeFile(dpkg)), 10);
    const rows = text.split('\n').map((l) => l.trim().split(/\s{2,}/)[0]);

    expect(rows.filter((r) => /^[a-z_]+$/.test(r))).toStrictEqual([
      'error_count', 'request_count', 'total_response_time', 'avg_response_time', 'lines', 'malformed_lines', 'bytes', 'first_timestamp', 'last_timestamp', 'formats', 'event',
    ]);
    expect(text).not.toContain('unique_clients');
    expect(text).not.toContain('response time (percentiles');
  });

  it('shows each of them once there is something in it', () => {
    const text = formatReport(jobOf(metrics), 10);
    for (const row of ['error_rate', 'client_errors', 'bytes_sent', 'requests_per_second', 'errors_per_minute', 'unique_clients']) expect(text).toContain(`  ${row}  `);
  });
});
