// The coordinator SIGKILLed at a random point of a job and restarted on the same state file: every
// job accepted before the kill completes, exactly as a single pass, and stays listed.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricsReport } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { LocalCluster } from '../../src/local-cluster';
import { createJob, finish, getJob, seededRandom, seeds, sleep, tempDir, until } from './support';

jest.setTimeout(240_000);

let dir: string;
let logfile: string;
let expected: MetricsReport;

beforeAll(async () => {
  dir = tempDir();
  logfile = join(dir, 'app.log');
  writeApplogFile(logfile, 300_000, { seed: 33 });
  expected = await analyzeFile(logfile);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(seeds())('with seed %i', (seed) => {
  it('completes every job exactly after the coordinator is SIGKILLed at a random point and restarted on its state', async () => {
    const random = seededRandom(seed);
    const state = join(dir, `state-${seed}.db`);
    // Frequent checkpoints, so that a restart replays a checkpoint and the partials after it.
    const cluster = await LocalCluster.start({ heartbeatIntervalMs: 200, workerTimeoutMs: 1000, concurrency: 1, workers: 2, state, coordinatorArgs: ['--checkpoint-interval', '300'] });
    try {
      const first = await createJob(cluster, [logfile], 256 * 1024);
      const second = await createJob(cluster, [logfile], 512 * 1024);
      const killAt = random() * 0.9;
      await until('the kill point', async () => {
        const job = await getJob(cluster, first);
        return job.progress.chunks_total > 0 && job.progress.chunks_done >= killAt * job.progress.chunks_total;
      });
      await sleep(Math.floor(random() * 200));
      await cluster.killCoordinator('SIGKILL');
      await sleep(Math.floor(random() * 1000));
      await cluster.restartCoordinator();

      const [a, b] = [await finish(cluster, first), await finish(cluster, second)];

      for (const done of [a, b]) {
        expect(done.status).toBe('completed');
        expect(done.metrics).toStrictEqual(expected);
        expect(done.progress.chunks_done).toBe(done.progress.chunks_total);
        expect(done.progress.bytes_done).toBe(expected.bytes);
      }
      const listed = await cluster.client.listJobs();
      expect(listed.status === 200 && listed.body.jobs.map((j) => [j.job_id, j.status])).toStrictEqual([
        [first, 'completed'],
        [second, 'completed'],
      ]);
    } finally {
      await cluster.stop();
    }
  });
});

it('keeps finished jobs and their results across a restart, and deletes a job with DELETE', async () => {
  const state = join(dir, 'state-finished.db');
  const cluster = await LocalCluster.start({ heartbeatIntervalMs: 200, workerTimeoutMs: 1000, concurrency: 1, workers: 1, state });
  try {
    const jobId = await createJob(cluster, [logfile], 4 * 1024 * 1024);
    expect((await finish(cluster, jobId)).metrics).toStrictEqual(expected);
    await cluster.killCoordinator('SIGKILL');
    await cluster.restartCoordinator();

    const again = await getJob(cluster, jobId);
    expect(again.status).toBe('completed');
    expect(again.metrics).toStrictEqual(expected);
    expect(again.progress.chunks_done).toBe(again.progress.chunks_total);
    expect([again.progress.chunks_total > 0, again.progress.bytes_done]).toStrictEqual([true, expected.bytes]);

    const deleted = await cluster.client.deleteJob({ params: { job_id: jobId } });
    expect(deleted.status).toBe(200);
    const gone = await cluster.client.getJob({ params: { job_id: jobId } });
    expect(gone.status).toBe(404);
  } finally {
    await cluster.stop();
  }
});
