// Faults on the worker side, with real processes on loopback: workers SIGKILLed at random points,
// a worker frozen past its lease, workers that take chunks and never report, and a network
// partition between a worker and the coordinator. Every job must end exactly as a single pass.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricsReport } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { LocalCluster } from '../../src/local-cluster';
import { createJob, finish, getJob, seededRandom, seeds, SilentWorker, sleep, TcpProxy, tempDir, until, workerStatus } from './support';

jest.setTimeout(240_000);

const FAST = { heartbeatIntervalMs: 200, workerTimeoutMs: 1000, concurrency: 1 } as const;
const CHUNK = 256 * 1024;

let dir: string;
let logfile: string;
let expected: MetricsReport;

beforeAll(async () => {
  dir = tempDir();
  logfile = join(dir, 'app.log');
  // About 16 MB: 64 chunks of 256 KiB, a few seconds of work for three single-thread workers.
  writeApplogFile(logfile, 300_000, { seed: 21 });
  expected = await analyzeFile(logfile);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(seeds())('with seed %i', (seed) => {
  it('completes exactly when a random worker is SIGKILLed at a random point', async () => {
    const random = seededRandom(seed);
    const cluster = await LocalCluster.start({ ...FAST, workers: 3 });
    try {
      const victim = `local-${1 + Math.floor(random() * 3)}`;
      const killAt = 0.1 + random() * 0.6;
      const jobId = await createJob(cluster, [logfile], CHUNK);
      await until('the kill point', async () => {
        const job = await getJob(cluster, jobId);
        return job.progress.chunks_total > 0 && job.progress.chunks_done >= killAt * job.progress.chunks_total;
      });
      await cluster.killWorker(victim, 'SIGKILL');

      const done = await finish(cluster, jobId);

      expect(done.status).toBe('completed');
      expect(done.metrics).toStrictEqual(expected);
      expect(done.progress.chunks_done).toBe(done.progress.chunks_total);
      expect(done.progress.bytes_done).toBe(expected.bytes);
    } finally {
      await cluster.stop();
    }
  });
});

it('completes exactly when two of three workers are SIGKILLed', async () => {
  const cluster = await LocalCluster.start({ ...FAST, workers: 3 });
  try {
    const jobId = await createJob(cluster, [logfile], CHUNK);
    await until('a fifth of the job', async () => {
      const job = await getJob(cluster, jobId);
      return job.progress.chunks_total > 0 && job.progress.chunks_done >= 0.2 * job.progress.chunks_total;
    });
    await cluster.killWorker('local-1', 'SIGKILL');
    await sleep(100);
    await cluster.killWorker('local-3', 'SIGKILL');

    const done = await finish(cluster, jobId);

    expect(done.status).toBe('completed');
    expect(done.metrics).toStrictEqual(expected);
    expect(done.progress.chunks_reassigned).toBeGreaterThanOrEqual(1);
  } finally {
    await cluster.stop();
  }
});

it('refuses or drops the late result of a worker frozen (SIGSTOP) past its lease, and stays exact', async () => {
  const cluster = await LocalCluster.start({ ...FAST, workers: 2 });
  try {
    const jobId = await createJob(cluster, [logfile], CHUNK);
    await until('local-2 holding a chunk', async () => ((await workerStatus(cluster, 'local-2'))?.chunks_in_flight ?? 0) > 0, 60_000, 5);
    const frozen = cluster.workers.get('local-2')!.process;
    frozen.kill('SIGSTOP');
    const done = await finish(cluster, jobId);
    expect(done.status).toBe('completed');
    expect(done.metrics).toStrictEqual(expected);
    expect(done.progress.chunks_reassigned).toBeGreaterThanOrEqual(1);

    frozen.kill('SIGCONT');
    // Back, the worker either reports (refused: 409) or hears on its next heartbeat that its lease is gone.
    await until('local-2 active again and holding nothing', async () => {
      const status = await workerStatus(cluster, 'local-2');
      return status?.status === 'active' && status.chunks_in_flight === 0;
    });
    await sleep(1000);
    const after = await getJob(cluster, jobId);
    expect(after.metrics).toStrictEqual(expected);
    expect(after.progress.chunks_done).toBe(after.progress.chunks_total);
  } finally {
    await cluster.stop();
  }
});

it.each(['renews', 'forgets'] as const)('completes exactly beside a worker that takes chunks, %s their leases and never reports', async (mode) => {
  // Short deadlines, so that a worker renewing leases it never finishes loses them within seconds.
  const cluster = await LocalCluster.start({ ...FAST, workers: 1, coordinatorArgs: ['--deadline-base', '3000', '--deadline-rate', '1000000000'] });
  const silent = await SilentWorker.start(cluster, `silent-${mode}`, mode);
  try {
    const jobId = await createJob(cluster, [logfile], CHUNK);

    const done = await finish(cluster, jobId);

    expect(done.status).toBe('completed');
    expect(done.metrics).toStrictEqual(expected);
    expect(silent.received.length).toBeGreaterThanOrEqual(1);
    expect(done.progress.chunks_reassigned).toBeGreaterThanOrEqual(silent.received.length);
  } finally {
    await silent.stop();
    await cluster.stop();
  }
});

it('completes exactly across a partition between a worker and the coordinator, healed later', async () => {
  const cluster = await LocalCluster.start({ ...FAST, workers: 1 });
  const proxy = await TcpProxy.start(Number(new URL(cluster.coordinatorUrl).port));
  try {
    // A second worker that reaches the coordinator only through the proxy.
    const cut = await cluster.startWorkerVia('cut-off', proxy.url);
    const jobId = await createJob(cluster, [logfile], CHUNK);
    await until('the cut-off worker holding a chunk', async () => ((await workerStatus(cluster, cut.id))?.chunks_in_flight ?? 0) > 0, 60_000, 5);
    proxy.partition();
    await until('the cut-off worker inactive', async () => (await workerStatus(cluster, cut.id))?.status === 'inactive');
    await sleep(1500);
    proxy.heal();

    const done = await finish(cluster, jobId);

    expect(done.status).toBe('completed');
    expect(done.metrics).toStrictEqual(expected);
    await until('the cut-off worker active again', async () => (await workerStatus(cluster, cut.id))?.status === 'active');
    expect((await getJob(cluster, jobId)).metrics).toStrictEqual(expected);
  } finally {
    await proxy.close();
    await cluster.stop();
  }
});
