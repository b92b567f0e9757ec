// Inputs that change while a job runs, multi-input jobs and the chunk limit, with real processes.
// A job analyzes exactly the bytes it planned: a shrunk or replaced input fails it with a message
// naming the input; appended bytes are left out and counted.
import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricsReport } from '@loganalyzer/contract';
import { analyzeFile, analyzeFilePartial, mergeAll, toReport } from '@loganalyzer/core';
import { generateApplog, writeApplogFile } from '@loganalyzer/core/testing';
import { LocalCluster } from '../../src/local-cluster';
import { createJob, finish, getJob, tempDir, until } from './support';

jest.setTimeout(240_000);

let dir: string;
let cluster: LocalCluster;
const CHUNK = 128 * 1024;

beforeAll(async () => {
  dir = tempDir();
  // One single-thread worker, so a job of many chunks is still running when the test changes its input.
  cluster = await LocalCluster.start({ heartbeatIntervalMs: 200, workerTimeoutMs: 1000, concurrency: 1, workers: 1, coordinatorArgs: ['--max-chunks-per-job', '400'] });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function makeLog(name: string, lines: number, seed: number): string {
  const path = join(dir, name);
  writeApplogFile(path, lines, { seed });
  return path;
}

async function plannedJob(inputs: string[], chunkSize = CHUNK): Promise<string> {
  const jobId = await createJob(cluster, inputs, chunkSize);
  await until('the job planned', async () => (await getJob(cluster, jobId)).chunk_size !== null);
  return jobId;
}

it('fails a job whose input shrinks mid-job, after 4 attempts of a chunk, naming the input, its range and both sizes', async () => {
  const path = makeLog('truncated.log', 200_000, 1);
  const jobId = await plannedJob([path]);
  const planned = (await getJob(cluster, jobId)).input_progress[0].snapshot!.size;
  truncateSync(path, Math.floor(planned / 2));

  const done = await finish(cluster, jobId);

  expect(done.status).toBe('failed');
  expect(done.error).toMatch(new RegExp(`^chunk \\d+ \\(${path.replace(/[.]/g, '\\.')}, bytes \\d+–\\d+\\) failed 4 time\\(s\\); last error: .*${path.replace(/[.]/g, '\\.')} changed during the job: ${planned} → ${Math.floor(planned / 2)} bytes`));
});

it('fails a job whose input is replaced (renamed over) mid-job, naming the input', async () => {
  const path = makeLog('rotated.log', 200_000, 2);
  const replacement = makeLog('rotated.new', 200_000, 3);
  const jobId = await plannedJob([path]);
  renameSync(replacement, path);

  const done = await finish(cluster, jobId);

  expect(done.status).toBe('failed');
  expect(done.error).toContain(`${path} changed during the job: replaced`);
});

it('analyzes exactly the planned bytes of an input appended to mid-job, and reports the appended bytes', async () => {
  const path = join(dir, 'growing.log');
  // The planned part ends without a newline: appended bytes continue its last line.
  const text = Buffer.concat([...generateApplog(150_000, { seed: 4 })]).toString('utf8').replace(/\n$/, '');
  writeFileSync(path, text);
  const expected = await analyzeFile(path);
  const jobId = await plannedJob([path]);
  const appended = ' took 999ms\n2024-01-24T10:00:00Z ERROR appended after planning took 5ms\n';
  appendFileSync(path, appended);
  const atAppend = await getJob(cluster, jobId);
  expect(atAppend.progress.chunks_done).toBeLessThan(atAppend.progress.chunks_total);

  const done = await finish(cluster, jobId);

  expect(done.status).toBe('completed');
  expect(done.metrics).toStrictEqual(expected);
  expect(done.progress.appended_bytes).toBe(Buffer.byteLength(appended));
  expect(done.input_progress[0].appended_bytes).toBe(Buffer.byteLength(appended));
});

it('merges a job over several inputs exactly as the single passes of each, merged', async () => {
  const paths = [makeLog('multi-a.log', 60_000, 5), makeLog('multi-b.log', 1, 6), makeLog('multi-c.log', 90_000, 7)];
  const empty = join(dir, 'multi-empty.log');
  writeFileSync(empty, '');
  const inputs = [...paths, empty];
  const expected: MetricsReport = toReport(mergeAll(inputs.map((p) => analyzeFilePartial(p))));
  const jobId = await createJob(cluster, inputs, 64 * 1024);

  const done = await finish(cluster, jobId);

  expect(done.status).toBe('completed');
  expect(done.metrics).toStrictEqual(expected);
  expect(done.inputs).toBe(4);
  expect(done.input_progress.map((i) => [i.input.path, i.bytes_done === i.bytes_total])).toStrictEqual(inputs.map((p) => [p, true]));
  expect(done.input_progress[3].chunks_total).toBe(0);
});

it('fails a multi-input job with a missing input, naming that input', async () => {
  const present = makeLog('present.log', 1000, 8);
  const missing = join(dir, 'missing.log');

  const done = await finish(cluster, await createJob(cluster, [present, missing]));

  expect(done.status).toBe('failed');
  expect(done.error).toContain(missing);
});

it('plans chunk_size 1 within the chunk limit, raising the chunk size, and stays exact', async () => {
  const path = makeLog('tiny-chunks.log', 100_000, 9);
  const expected = await analyzeFile(path);
  const jobId = await createJob(cluster, [path], 1);

  const done = await finish(cluster, jobId);

  expect(done.status).toBe('completed');
  expect(done.metrics).toStrictEqual(expected);
  expect(done.progress.chunks_total).toBeLessThanOrEqual(400);
  expect(done.chunk_size).toBe(Math.ceil(expected.bytes / 400));
});

it('answers requests while it plans 100,000 chunks, and deletes the job', async () => {
  const path = makeLog('huge-plan.log', 400_000, 10);
  // No workers: nothing runs, so the test sees planning alone.
  const lone = await LocalCluster.start({ workers: 0 });
  try {
    const jobId = await createJob(lone, [path], 1);
    let answeredWhilePlanning = 0;
    for (;;) {
      const [workers, job] = [await lone.client.listWorkers(), await getJob(lone, jobId)];
      if (job.chunk_size !== null) break;
      if (workers.status === 200) answeredWhilePlanning++;
    }
    const planned = await getJob(lone, jobId);

    expect(answeredWhilePlanning).toBeGreaterThanOrEqual(1);
    const size = planned.input_progress[0].snapshot!.size;
    expect(planned.chunk_size).toBe(Math.ceil(size / 100_000));
    expect(planned.progress.chunks_total).toBe(Math.ceil(size / Math.ceil(size / 100_000)));
    expect(planned.status).toBe('queued');
    expect((await lone.client.deleteJob({ params: { job_id: jobId } })).status).toBe(200);
    expect((await lone.client.getJob({ params: { job_id: jobId } })).status).toBe(404);
  } finally {
    await lone.stop();
  }
});
