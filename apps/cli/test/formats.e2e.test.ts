// Formats through the whole cluster: the format choice travels from the CLI to the coordinator, to each
// worker and into each worker thread, and the merged report equals a single pass.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Job } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';

jest.setTimeout(120_000);

const analyzeScript = join(__dirname, '..', 'dist', 'analyze-main.js');
const realLogs = join(__dirname, '..', '..', '..', 'fixtures', 'real');
const APACHE_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time_us';

function analyzeJson(args: string[]): Promise<{ code: number | null; job: Job | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [analyzeScript, ...args, '--json', '--concurrency', '1']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, job: stdout ? (JSON.parse(stdout) as Job) : null, stderr }));
  });
}

it('analyzes an Apache %D log with an nginx log_format on the cluster exactly like a single pass', async () => {
  const file = join(realLogs, 'apache-timed.log');
  const { code, job } = await analyzeJson([file, '--log-format', APACHE_FORMAT, '--chunk-size', '16384']);

  expect(code).toBe(0);
  expect(job?.format).toBe('custom');
  expect(job?.progress.chunks_total).toBeGreaterThan(8);
  expect(job?.metrics).toStrictEqual(await analyzeFile(file, { format: { nginx: APACHE_FORMAT } }));
  expect(job?.metrics.formats).toStrictEqual({ custom: 1500 });
});

it('analyzes nginx JSON lines on the cluster exactly like a single pass', async () => {
  const file = join(realLogs, 'nginx.json.log');
  const { code, job } = await analyzeJson([file, '--format', 'json', '--chunk-size', '10000']);

  expect(code).toBe(0);
  expect(job?.format).toBe('json');
  expect(job?.metrics).toStrictEqual(await analyzeFile(file, { format: 'json' }));
});

it('refuses an nginx log_format that cannot be compiled, naming the problem', async () => {
  const { code, stderr } = await analyzeJson([join(realLogs, 'nginx-timed.log'), '--log-format', '$remote_addr$remote_user']);

  expect(code).toBe(1);
  expect(stderr).toMatch(/the coordinator at http:\/\/127\.0\.0\.1:\d+ refused the job: body\.log_format: invalid nginx log_format/);
});
