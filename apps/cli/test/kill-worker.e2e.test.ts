// End to end with real processes and real HTTP: a coordinator and 3 worker CLIs on loopback, one of
// them SIGKILLed mid-job. No mocks between the apps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job, MetricsReport } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { LocalCluster } from '../src/local-cluster';
import { waitForJob } from '../src/run-job';

jest.setTimeout(180_000);

const VICTIM = 'local-2';
let dir: string;
let logfile: string;
let expected: MetricsReport;
let cluster: LocalCluster;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-e2e-'));
  logfile = join(dir, 'app.log');
  // About 42 MB: enough chunks that the job is still running when the worker dies.
  writeApplogFile(logfile, 800_000, { seed: 7 });
  expected = await analyzeFile(logfile);
  cluster = await LocalCluster.start({ workers: 3, concurrency: 1, heartbeatIntervalMs: 200, workerTimeoutMs: 1000 });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function workerInfo(id: string) {
  const r = await cluster.client.listWorkers();
  if (r.status !== 200) throw new Error(`GET /workers answered ${r.status}`);
  const info = r.body.workers.find((w) => w.worker_id === id);
  if (!info) throw new Error(`worker ${id} is not registered`);
  return info;
}

async function job(jobId: string): Promise<Job> {
  const r = await cluster.client.getJob({ params: { job_id: jobId } });
  if (r.status !== 200) throw new Error(`GET /jobs/${jobId} answered ${r.status}`);
  return r.body;
}

async function createJob(chunkSize: number): Promise<string> {
  const r = await cluster.client.createJob({ body: { filepath: logfile, chunk_size: chunkSize } });
  if (r.status !== 201) throw new Error(`POST /jobs answered ${r.status}`);
  return r.body.job_id;
}

it('completes a job with metrics equal to a single pass after a worker is SIGKILLed mid-job', async () => {
  const jobId = await createJob(512 * 1024);

  // Kill the victim while it holds chunks and the job is far from done.
  for (;;) {
    const [current, victim] = await Promise.all([job(jobId), workerInfo(VICTIM)]);
    if (current.status === 'completed') throw new Error('the job finished before the worker could be killed');
    if (current.progress.chunks_done >= 3 && victim.chunks_in_flight > 0) break;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await cluster.killWorker(VICTIM, 'SIGKILL');

  const finished = await waitForJob(cluster.client, jobId, { pollIntervalMs: 50 });
  expect(finished.status).toBe('completed');
  expect(finished.error).toBeUndefined();
  expect(finished.metrics).toStrictEqual(expected);
  expect(finished.progress.chunks_done).toBe(finished.progress.chunks_total);
  expect(finished.progress.bytes_done).toBe(expected.bytes);
  expect(finished.progress.chunks_reassigned).toBeGreaterThanOrEqual(1);
  // Its leases can expire one sweep (half a heartbeat interval) before the worker is marked inactive,
  // and the job may finish in between.
  let status = (await workerInfo(VICTIM)).status;
  for (let i = 0; i < 50 && status === 'active'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    status = (await workerInfo(VICTIM)).status;
  }
  expect(status).toBe('inactive');
});

it('gives work to a killed worker restarted with the same id', async () => {
  await cluster.startWorker(VICTIM);
  const before = await workerInfo(VICTIM);
  expect(before.status).toBe('active');
  expect(before.chunks_in_flight).toBe(0);

  const finished = await waitForJob(cluster.client, await createJob(256 * 1024), { pollIntervalMs: 50 });

  expect(finished.status).toBe('completed');
  expect(finished.metrics).toStrictEqual(expected);
  const after = await workerInfo(VICTIM);
  expect(after.chunks_done).toBeGreaterThan(before.chunks_done);
});
