// The embedded cluster keeps the other users of this machine out: its coordinator and workers listen on
// loopback and want a token of the cluster's own, which they get through their environment.
import { readFileSync } from 'node:fs';
import { createCoordinatorClient, createWorkerClient } from '@loganalyzer/contract';
import { coordinatorScript, LocalCluster, sharedConcurrency, workerScript } from '../src/local-cluster';
import { MAIN_THREAD_NODE_FLAGS } from '@loganalyzer/worker/dist/young-generation';
import { mallocEnv, MMAP_THRESHOLD_BYTES, MMAP_THRESHOLD_VARIABLE } from '../src/malloc-env';

jest.setTimeout(60_000);

let cluster: LocalCluster;

beforeAll(async () => {
  cluster = await LocalCluster.start({ workers: 1, concurrency: 1 });
});

afterAll(() => cluster?.stop());

const errorOf = (body: unknown): string | undefined => (body as { error?: string }).error;

it('has a token of 32 random bytes, another for each cluster', async () => {
  const other = await LocalCluster.start({ workers: 0 });
  try {
    expect(cluster.token).toMatch(/^[0-9a-f]{64}$/);
    expect(other.token).toMatch(/^[0-9a-f]{64}$/);
    expect(other.token).not.toBe(cluster.token);
  } finally {
    await other.stop();
  }
});

it("refuses the coordinator's routes with 401 without the token or with another, and serves the cluster's client", async () => {
  const anonymous = await createCoordinatorClient(cluster.coordinatorUrl).listWorkers();
  const wrong = await createCoordinatorClient(cluster.coordinatorUrl, { token: 'f'.repeat(64) }).listWorkers();
  const own = await cluster.client.listWorkers();

  expect([anonymous.status, errorOf(anonymous.body)]).toStrictEqual([401, 'unauthorized']);
  expect([wrong.status, errorOf(wrong.body)]).toStrictEqual([401, 'unauthorized']);
  expect(own.status === 200 && own.body.workers.map((w) => [w.worker_id, w.status])).toStrictEqual([['local-1', 'active']]);
});

it("refuses a worker's routes with 401 without the token, and answers with it", async () => {
  const worker = cluster.workers.get('local-1')!;

  const anonymous = await createWorkerClient(worker.url).health();
  const own = await createWorkerClient(worker.url, { token: cluster.token }).health();

  expect([anonymous.status, errorOf(anonymous.body)]).toStrictEqual([401, 'unauthorized']);
  expect(own.status === 200 && own.body.worker_id).toBe('local-1');
});

it('hands the token to its children in their environment, never on their command lines (which ps shows)', () => {
  for (const child of [cluster.coordinatorProcess, cluster.workers.get('local-1')!.process]) {
    const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0');
    const env = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');

    expect(argv.filter((arg) => arg.includes(cluster.token))).toStrictEqual([]);
    expect(env.filter((entry) => entry.startsWith('LOGANALYZER_TOKEN='))).toStrictEqual([`LOGANALYZER_TOKEN=${cluster.token}`]);
  }
});

it('gives its children the allocator setting that hands freed large blocks back (malloc-env.ts), or the one the user set', () => {
  const expected = process.env[MMAP_THRESHOLD_VARIABLE] ?? String(MMAP_THRESHOLD_BYTES);
  for (const child of [cluster.coordinatorProcess, cluster.workers.get('local-1')!.process]) {
    const env = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0');

    expect(env.filter((entry) => entry.startsWith(`${MMAP_THRESHOLD_VARIABLE}=`))).toStrictEqual([`${MMAP_THRESHOLD_VARIABLE}=${expected}`]);
  }
});

it("starts its workers with the worker's node flags (a small young generation for the main thread), and the coordinator without them", () => {
  const flagsBefore = (pid: number | undefined, script: string) => {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.slice(1, argv.indexOf(script));
  };
  expect(flagsBefore(cluster.workers.get('local-1')!.process.pid, workerScript)).toStrictEqual([...MAIN_THREAD_NODE_FLAGS]);
  expect(flagsBefore(cluster.coordinatorProcess.pid, coordinatorScript)).toStrictEqual([]);
});

it("keeps the user's own allocator setting", () => {
  expect(mallocEnv({ [MMAP_THRESHOLD_VARIABLE]: '65536' })).toStrictEqual({ [MMAP_THRESHOLD_VARIABLE]: '65536' });
  expect(mallocEnv({})).toStrictEqual({ [MMAP_THRESHOLD_VARIABLE]: '131072' });
});

it("shares this machine's cores among its workers unless told, one thread each at least", async () => {
  expect([sharedConcurrency(2, 2), sharedConcurrency(2, 8), sharedConcurrency(3, 8), sharedConcurrency(4, 2), sharedConcurrency(0, 4)]).toStrictEqual([1, 4, 2, 1, 4]);
  const shared = await LocalCluster.start({ workers: 2 });
  try {
    const listed = await shared.client.listWorkers();
    const threads = listed.status === 200 ? listed.body.workers.map((w) => w.concurrency).sort() : [];
    expect(threads).toStrictEqual([sharedConcurrency(2), sharedConcurrency(2)]);
  } finally {
    await shared.stop();
  }
  // Told, it passes the number on.
  const told = await cluster.client.listWorkers();
  expect(told.status === 200 && told.body.workers.map((w) => w.concurrency)).toStrictEqual([1]);
});
