// The "done when", as a new user meets it: ONE command on a folder of rotated nginx logs
// (access.log, access.log.1, access.log.2.gz, access.log.3.gz, beside an xz rotation and a binary)
// reads the text and gzip files, skips the other two with a note each, and reports exactly what the
// single passes over those four files report, merged; with --since/--until, exactly the windowed
// single passes. The text report of the folder shows its status codes and its per-minute chart, a
// piped run draws no progress, and --html writes the report's file.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Job, MetricsReport } from '@loganalyzer/contract';
import { analyzeCompressedFile, analyzeFilePartial, AnalyzeOptions, mergeAll, toReport } from '@loganalyzer/core';
import { generateAccessLog, writeLogFile } from '@loganalyzer/core/testing';
import { formatReport } from '../src/format-report';
import { runAnalyze } from './run-analyze';

jest.setTimeout(180_000);

const MINUTE_MS = 60_000;
/** The oldest rotation's first line; each newer file starts 10 minutes later, so the folder spans ~40 minutes. */
const FIRST_MS = Date.UTC(2024, 0, 24, 10, 0);
const LINES_PER_FILE = 400;
const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]);

let dir: string;
let logs: string;
let textFiles: string[];
let gzipFiles: string[];

/** access.log.N, N rotations old: combined nginx lines from FIRST_MS + (3 - N) × 10 minutes. */
function rotationLines(age: number): Buffer {
  const lines = [...generateAccessLog(LINES_PER_FILE, { seed: 10 + age, startTime: FIRST_MS + (3 - age) * 10 * MINUTE_MS })];
  return Buffer.concat(lines);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-rotated-'));
  logs = join(dir, 'nginx');
  mkdirSync(logs);
  textFiles = [join(logs, 'access.log'), join(logs, 'access.log.1')];
  gzipFiles = [join(logs, 'access.log.2.gz'), join(logs, 'access.log.3.gz')];
  writeLogFile(textFiles[0], [rotationLines(0)]);
  writeLogFile(textFiles[1], [rotationLines(1)]);
  writeFileSync(gzipFiles[0], gzipSync(rotationLines(2)));
  writeFileSync(gzipFiles[1], gzipSync(rotationLines(3)));
  writeFileSync(join(logs, 'access.log.4.xz'), Buffer.concat([XZ_MAGIC, Buffer.alloc(64, 7)]));
  writeFileSync(join(logs, 'wtmp'), Buffer.concat([Buffer.from([7, 0, 0, 0]), Buffer.alloc(380)]));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The single passes over the four readable files, merged: what the folder's job must report. */
async function singlePasses(options: AnalyzeOptions = {}): Promise<MetricsReport> {
  const partials = [...textFiles.map((f) => analyzeFilePartial(f, options))];
  for (const f of gzipFiles) partials.push(await analyzeCompressedFile(f, 'gzip', options));
  return toReport(mergeAll(partials), options.window);
}

/** A completed job holding `metrics`: the text report's sections depend on nothing else. */
function completedJob(metrics: MetricsReport): Job {
  const progress = { chunks_total: 4, chunks_done: 4, bytes_total: metrics.bytes, bytes_done: metrics.bytes, chunks_reassigned: 0, backup_attempts: 0, results_refused: 0, appended_bytes: 0 };
  return { job_id: 'reference', filepath: textFiles[0], inputs: 4, status: 'completed', created_at: '', finished_at: '', format: 'auto', chunk_size: 0, progress, input_progress: [], metrics };
}

const skipNotes = (): string =>
  [`analyze: skipping ${join(logs, 'access.log.4.xz')}: xz-compressed (decompress it first)`, `analyze: skipping ${join(logs, 'wtmp')}: binary (NUL bytes in its first 8 KiB)`, ''].join('\n');

it('reports the folder exactly as the merged single passes over its text and gzip files, skipping the xz and the binary with a note each', async () => {
  const result = await runAnalyze([logs, '--json']);

  expect([result.code, result.stderr]).toStrictEqual([0, skipNotes()]);
  const job = JSON.parse(result.stdout) as Job;
  expect([job.status, job.error]).toStrictEqual(['completed', undefined]);
  expect(job.input_progress.map((i) => i.input)).toStrictEqual([
    { kind: 'file', path: textFiles[0] },
    { kind: 'file', path: textFiles[1] },
    { kind: 'gzip', path: gzipFiles[0] },
    { kind: 'gzip', path: gzipFiles[1] },
  ]);
  const expected = await singlePasses();
  expect(job.metrics).toStrictEqual(expected);
  expect([expected.lines, expected.request_count, expected.malformed_lines, expected.window]).toStrictEqual([4 * LINES_PER_FILE, 4 * LINES_PER_FILE, 0, null]);
});

it('reports the folder through --since/--until exactly as the windowed single passes, and writes the window into --html', async () => {
  const window = { sinceMs: FIRST_MS + 12 * MINUTE_MS, untilMs: FIRST_MS + 25 * MINUTE_MS };
  const html = join(dir, 'windowed.html');

  const result = await runAnalyze([logs, '--json', '--since', '2024-01-24T10:12:00Z', '--until', '2024-01-24T10:25:00Z', '--html', html]);

  expect([result.code, result.stderr]).toStrictEqual([0, `${skipNotes()}analyze: wrote the HTML report to ${html}\n`]);
  const job = JSON.parse(result.stdout) as Job;
  expect([job.status, job.error]).toStrictEqual(['completed', undefined]);
  const expected = await singlePasses({ window });
  expect(job.metrics).toStrictEqual(expected);
  // The window cuts through access.log.2.gz and access.log.1 and leaves the oldest and newest files out.
  expect(expected.window).toStrictEqual({ since: '2024-01-24T10:12:00.000Z', until: '2024-01-24T10:25:00.000Z' });
  expect(expected.outside_window).toBeGreaterThan(2 * LINES_PER_FILE);
  expect(expected.lines).toBeGreaterThan(0);
  expect([expected.first_timestamp! >= '2024-01-24T10:12:00.000Z', expected.last_timestamp! < '2024-01-24T10:25:00.000Z']).toStrictEqual([true, true]);
  expect(expected.lines + expected.outside_window).toBe(4 * LINES_PER_FILE);
  expect(readFileSync(html, 'utf8')).toContain(
    `<tr><td>window</td><td>from 2024-01-24T10:12:00.000Z, up to 2024-01-24T10:25:00.000Z (excluded)</td></tr><tr><td>outside_window</td><td>${expected.outside_window.toLocaleString('en-US')} (lines timestamped outside the window; in no other figure but bytes)</td></tr>`,
  );
});

it('prints the text report of the folder with its status codes and per-minute chart, no progress into a pipe, and writes --html', async () => {
  const html = join(dir, 'report.html');

  const result = await runAnalyze([logs, '--html', html]);

  // Nothing but the notes on a stderr that is not a terminal: no progress line, no escape sequences.
  expect([result.code, result.stderr]).toStrictEqual([0, `${skipNotes()}analyze: wrote the HTML report to ${html}\n`]);
  const printed = result.stdout.split('\n');
  expect(printed[0].startsWith(`${textFiles[0]} and 3 more: completed in `)).toBe(true);
  // The rest is the report of the merged single passes, line for line (60 chart columns into a pipe).
  const expected = await singlePasses();
  expect(printed.slice(1)).toStrictEqual([...formatReport(completedJob(expected), 0, 60).split('\n').slice(1), '']);
  // What a reader looks for, pinned (the seeds fix every figure): the status codes, and one bar a minute over the folder's 38 minutes.
  const section = (title: string): string[] => printed.slice(printed.indexOf(title), printed.indexOf('', printed.indexOf(title)));
  expect(section('  status codes')).toStrictEqual([
    '  status codes',
    '    2xx    1,242',
    '      200  1,242',
    '    3xx    133',
    '      301  81',
    '      304  52',
    '    4xx    132',
    '      400  10',
    '      404  98',
    '      499  24',
    '    5xx    93',
    '      500  44',
    '      503  49',
  ]);
  const chart = section('  requests per minute');
  expect([chart.length, chart[1].length, chart[chart.length - 1]]).toStrictEqual([12, '    192 |'.length + 38, '         2024-01-24 10:00                 10:38 UTC']);
  expect(chart[7]).toBe('  errors per minute');
  expect(existsSync(html)).toBe(true);
  const page = readFileSync(html, 'utf8');
  expect(page).toContain('<h2>Status codes</h2>');
  expect(page).toContain('<svg id="chart-timeline"');
  expect(page).not.toContain('<td>window</td>');
});

it('does not read its own --html report written into the folder when the command is run again', async () => {
  const html = join(logs, 'report.html');
  try {
    expect((await runAnalyze([logs, '--html', html])).code).toBe(0);

    const again = await runAnalyze([logs, '--json', '--html', html]);

    expect([again.code, again.stderr.split('\n')]).toStrictEqual([
      0,
      [
        `analyze: skipping ${join(logs, 'access.log.4.xz')}: xz-compressed (decompress it first)`,
        `analyze: skipping ${html}: the --html report this run writes`,
        `analyze: skipping ${join(logs, 'wtmp')}: binary (NUL bytes in its first 8 KiB)`,
        `analyze: wrote the HTML report to ${html}`,
        '',
      ],
    ]);
    expect((JSON.parse(again.stdout) as Job).metrics).toStrictEqual(await singlePasses());
  } finally {
    rmSync(html, { force: true });
  }
});
