// Results posted straight to a real coordinator by a process holding real leases: an undecodable
// partial, the right partial, the same report again, a report under another chunk's token, and a
// late one after the job completed. Each is committed once or refused; the job ends exact.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ChunkTask, createCoordinatorClient, embedJson } from '@loganalyzer/contract';
import { analyzeFile, analyzeRange, PartialMetrics } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { LocalCluster } from '../../src/local-cluster';
import { createJob, finish, getJob, SilentWorker, tempDir, until } from './support';

jest.setTimeout(120_000);

let dir: string;
let logfile: string;

beforeAll(() => {
  dir = tempDir();
  logfile = join(dir, 'app.log');
  writeApplogFile(logfile, 40_000, { seed: 41 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const partialOf = (task: ChunkTask): PartialMetrics => analyzeRange(task.input.path, task.start, task.size, { snapshot: task.snapshot });
const key = (task: ChunkTask, workerId: string) => ({ worker_id: workerId, job_id: task.job_id, chunk_id: task.chunk_id, attempt: task.attempt, lease_token: task.lease_token });

it('commits each chunk once whatever is injected, and refuses what does not hold the live lease', async () => {
  // No real workers at first: the injecting process holds the first leases.
  const cluster = await LocalCluster.start({ workers: 0, heartbeatIntervalMs: 200, workerTimeoutMs: 5000 });
  const injector = await SilentWorker.start(cluster, 'injector', 'renews', 2);
  const client = createCoordinatorClient(cluster.coordinatorUrl, { token: cluster.token });
  try {
    const jobId = await createJob(cluster, [logfile], 64 * 1024);
    // Two, or three with the one a worker may hold queued beyond its threads (--prefetch).
    await until('two tasks sent to the injector', () => injector.received.length >= 2);
    const [first, second] = injector.received;

    const undecodable = { ...partialOf(first), latency: 'not a sketch' };
    const bad = await client.reportMetrics({ body: { ...key(first, 'injector'), metrics: undecodable } });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: 'invalid_partial' });

    const stale = await client.reportMetrics({ body: { ...key(first, 'injector'), metrics: partialOf(first) } });
    expect(stale.status).toBe(409);

    const good = await client.reportMetrics({ body: { ...key(second, 'injector'), metrics: embedJson<PartialMetrics>(Buffer.from(JSON.stringify(partialOf(second)))) } });
    expect(good.status === 200 && good.body).toStrictEqual({ accepted: true, reason: 'committed' });
    const again = await client.reportMetrics({ body: { ...key(second, 'injector'), metrics: partialOf(second) } });
    expect(again.status === 200 && again.body).toStrictEqual({ accepted: false, reason: 'duplicate' });

    const forged = await client.reportMetrics({ body: { ...key(second, 'injector'), chunk_id: second.chunk_id + 1, metrics: partialOf(second) } });
    expect(forged.status).toBe(409);
    const wrongWorker = await client.reportMetrics({ body: { ...key(second, 'injector'), worker_id: 'someone-else', metrics: partialOf(second) } });
    // The committed token is known; whoever repeats it gets the duplicate answer, and nothing merges.
    expect(wrongWorker.status === 200 && wrongWorker.body).toStrictEqual({ accepted: false, reason: 'duplicate' });

    await injector.stop();
    await cluster.startWorker('real-1');
    const done = await finish(cluster, jobId);

    expect(done.status).toBe('completed');
    expect(done.metrics).toStrictEqual(await analyzeFile(logfile));
    expect(done.progress.results_refused).toBeGreaterThanOrEqual(2);
    const late = await client.reportMetrics({ body: { ...key(first, 'injector'), metrics: partialOf(first) } });
    expect(late.status).toBe(409);
    expect((await getJob(cluster, jobId)).metrics).toStrictEqual(done.metrics);
  } finally {
    await injector.stop();
    await cluster.stop();
  }
});
