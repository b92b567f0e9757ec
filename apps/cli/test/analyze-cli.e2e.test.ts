// The `analyze` command as a user runs it: a real process, printing a report or JSON.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { LocalCluster } from '../src/local-cluster';

jest.setTimeout(120_000);

const analyzeScript = join(__dirname, '..', 'dist', 'analyze-main.js');
let dir: string;
let logfile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-cli-'));
  logfile = join(dir, 'app.log');
  writeApplogFile(logfile, 20_000, { seed: 11 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runAnalyze(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [analyzeScript, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

it('prints the job as JSON with metrics equal to a single pass, using an embedded cluster', async () => {
  const result = await runAnalyze([logfile, '--json', '--concurrency', '1']);

  expect(result.code).toBe(0);
  const job = JSON.parse(result.stdout) as Job;
  expect(job.status).toBe('completed');
  expect(job.filepath).toBe(logfile);
  expect(job.metrics).toStrictEqual(await analyzeFile(logfile));
  expect(job.progress.chunks_total).toBe(8); // 4 chunks for each of the 2 embedded workers
});

it('prints a readable report that starts with the seed metrics', async () => {
  const expected = await analyzeFile(logfile);
  const result = await runAnalyze([logfile, '--concurrency', '1']);

  expect(result.code).toBe(0);
  const rows = result.stdout.split('\n').filter((line) => /^ {2}\w/.test(line)).map((line) => line.trim().split(/\s+/)[0]);
  expect(rows.slice(0, 4)).toStrictEqual(['error_count', 'request_count', 'total_response_time', 'avg_response_time']);
  expect(result.stdout).toContain(`error_count          ${expected.error_count.toLocaleString('en-US')}`);
});

it('resolves a relative path against the directory the user ran pnpm from', async () => {
  const result = await runAnalyze(['app.log', '--json', '--workers', '1', '--concurrency', '1'], { INIT_CWD: dir });

  expect(result.code).toBe(0);
  expect((JSON.parse(result.stdout) as Job).filepath).toBe(logfile);
});

it('fails with a message naming a missing file', async () => {
  const missing = join(dir, 'no-such.log');
  const result = await runAnalyze([missing, '--json', '--workers', '1', '--concurrency', '1']);

  expect(result.code).toBe(1);
  const job = JSON.parse(result.stdout) as Job;
  expect(job.status).toBe('failed');
  expect(job.error).toBe(`log file not found: ${missing}`);
  expect(result.stderr).toContain(missing);
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
    const result = await runAnalyze([logfile, '--json', '--coordinator', cluster.coordinatorUrl, '--chunk-size', '65536']);

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

it('refuses a usage error with exit code 1 and a message', async () => {
  const result = await runAnalyze([logfile, '--chunk-size', '0']);

  expect(result.code).toBe(1);
  expect(result.stderr).toContain('--chunk-size must be a positive integer');
});
