// The `analyze` command as a user runs it: a real process, printing a report or JSON.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { LocalCluster } from '../src/local-cluster';
import { runAnalyze } from './run-analyze';

jest.setTimeout(120_000);

let dir: string;
let logfile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-cli-'));
  logfile = join(dir, 'app.log');
  writeApplogFile(logfile, 20_000, { seed: 11 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('prints the job as JSON with metrics equal to a single pass, using an embedded cluster', async () => {
  const result = await runAnalyze([logfile, '--json', '--concurrency', '1']);

  expect(result.code).toBe(0);
  const job = JSON.parse(result.stdout) as Job;
  expect(job.status).toBe('completed');
  expect(job.filepath).toBe(logfile);
  expect(job.metrics).toStrictEqual(await analyzeFile(logfile));
  expect(job.progress.chunks_total).toBe(4); // 2 chunks for each of the 2 embedded workers
});

it('prints a readable report that starts with the seed metrics', async () => {
  const expected = await analyzeFile(logfile);
  const result = await runAnalyze([logfile, '--concurrency', '1']);

  expect(result.code).toBe(0);
  const rows = result.stdout.split('\n').filter((line) => /^ {2}\w/.test(line)).map((line) => line.trim().split(/\s+/)[0]);
  expect(rows.slice(0, 4)).toStrictEqual(['error_count', 'request_count', 'total_response_time', 'avg_response_time']);
  expect(result.stdout).toContain(`error_count          ${expected.error_count.toLocaleString('en-US')}`);
});

it('writes a self-contained HTML report given --html, relative to where pnpm ran, besides the text report', async () => {
  const result = await runAnalyze([logfile, '--html', 'report.html', '--workers', '1', '--concurrency', '1'], { INIT_CWD: dir });

  expect(result.code).toBe(0);
  expect(result.stderr).toBe(`analyze: wrote the HTML report to ${join(dir, 'report.html')}\n`);
  expect(result.stdout.startsWith(`${logfile}: completed in `)).toBe(true);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
  expect(html).toContain('<svg id="chart-timeline"');
});

it('refuses --html into a directory that does not exist before starting the job', async () => {
  const result = await runAnalyze([logfile, '--html', join(dir, 'no-dir', 'r.html')]);

  expect([result.code, result.stdout, result.stderr]).toStrictEqual([2, '', `analyze: --html ${join(dir, 'no-dir', 'r.html')}: no such directory\n`]);
});

it('resolves a relative path against the directory the user ran pnpm from', async () => {
  const result = await runAnalyze(['app.log', '--json', '--workers', '1', '--concurrency', '1'], { INIT_CWD: dir });

  expect(result.code).toBe(0);
  expect((JSON.parse(result.stdout) as Job).filepath).toBe(logfile);
});

it('fails with exit code 2 and one line naming a missing file, submitting nothing', async () => {
  const missing = join(dir, 'no-such.log');
  const result = await runAnalyze([missing, '--json', '--workers', '1', '--concurrency', '1']);

  expect([result.code, result.stdout, result.stderr]).toStrictEqual([2, '', `analyze: no such file or directory: ${missing}\n`]);
});

it('completes an empty file with zero metrics', async () => {
  const empty = join(dir, 'empty.log');
  writeFileSync(empty, '');
  const result = await runAnalyze([empty, '--json', '--workers', '1', '--concurrency', '1']);

  expect(result.code).toBe(0);
  const job = JSON.parse(result.stdout) as Job;
  expect(job.status).toBe('completed');
  expect(job.progress.chunks_total).toBe(0);
  expect(job.metrics).toStrictEqual(await analyzeFile(empty));
  expect(job.metrics.lines).toBe(0);
});

it('runs against an already running coordinator given by --coordinator', async () => {
  const cluster = await LocalCluster.start({ workers: 2, concurrency: 1 });
  try {
    const result = await runAnalyze([logfile, '--json', '--coordinator', cluster.coordinatorUrl, '--chunk-size', '65536'], { LOGANALYZER_TOKEN: cluster.token });

    expect(result.code).toBe(0);
    const job = JSON.parse(result.stdout) as Job;
    expect(job.metrics).toStrictEqual(await analyzeFile(logfile));
    expect(job.progress.chunks_total).toBe(Math.ceil(job.progress.bytes_total / 65536));
    const workers = await cluster.client.listWorkers();
    expect(workers.status === 200 && workers.body.workers.map((w) => w.chunks_done).every((n) => n > 0)).toBe(true);
  } finally {
    await cluster.stop();
  }
});

it('refuses a usage error with exit code 2 and one line', async () => {
  const result = await runAnalyze([logfile, '--chunk-size', '0']);

  expect([result.code, result.stdout, result.stderr]).toStrictEqual([2, '', 'analyze: --chunk-size must be a positive integer\n']);
});

it.each([
  ['--token', 'a'.repeat(32)],
  ['--ca', '/etc/ssl/cert.pem'],
])('refuses %s without --coordinator, since the embedded cluster makes its own token', async (flag, value) => {
  const result = await runAnalyze([logfile, flag, value]);

  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toContain(`${flag} goes with --coordinator: the embedded cluster makes its own token and needs no certificate`);
});

describe('a log whose lines hold terminal control characters', () => {
  let file: string;
  /** Characters a terminal would obey: C0 but the newline, DEL and C1. */
  const controls = (text: string): string[] => [...text].filter((c) => c !== '\n' && /[\u0000-\u001f\u007f-\u009f]/.test(c));

  beforeAll(() => {
    file = join(dir, 'escapes.log');
    writeFileSync(
      file,
      [
        // A raw ESC byte in an access log's user agent, and a JSON message that spells ESC and CSI as \u escapes.
        '203.0.113.9 - - [10/Oct/2000:13:55:36 -0700] "GET /home HTTP/1.1" 200 12 "-" "agent\u001b[2Jx"',
        String.raw`{"time":"2000-10-10T20:55:37Z","level":"error","message":"boom\u001b[2J\u009b"}`,
        '',
      ].join('\n'),
    );
  });

  it('prints them in the text report as \\xNN, sending none', async () => {
    const result = await runAnalyze([file, '--workers', '1', '--concurrency', '1']);

    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('\u001b');
    expect(controls(result.stdout)).toStrictEqual([]);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(String.raw`             1  agent\x1b[2Jx`);
    expect(lines).toContain(String.raw`             1  boom\x1b[2J\x9b`);
  });

  it('prints them in the message naming a missing path as \\xNN, sending none', async () => {
    const missing = join(dir, 'no-such\u001b[2J.log');

    const result = await runAnalyze([missing, '--workers', '1', '--concurrency', '1']);

    expect(result.code).toBe(2);
    expect(controls(result.stderr)).toStrictEqual([]);
    expect(result.stderr).toBe(`analyze: no such file or directory: ${join(dir, String.raw`no-such\x1b[2J.log`)}\n`);
  });

  it('prints them in the JSON as \\u escapes of the same values, sending none', async () => {
    const result = await runAnalyze([file, '--json', '--workers', '1', '--concurrency', '1']);

    expect(result.code).toBe(0);
    expect(controls(result.stdout)).toStrictEqual([]);
    const job = JSON.parse(result.stdout) as Job;
    expect(job.metrics.top.user_agents.items.map((i) => i.key)).toStrictEqual(['agent\u001b[2Jx']);
    expect(job.metrics.top.error_messages.items.map((i) => i.key)).toStrictEqual(['boom\u001b[2J\u009b']);
  });
});
