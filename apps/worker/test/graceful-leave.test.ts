// A worker leaving gracefully against the fake coordinator: chunks that finish within the grace period
// are reported, their leases kept live by heartbeats meanwhile; chunks still running at its end are
// stopped, reported nowhere, and handed back by deregistering.
import { createCoordinatorClient, type ChunkTask } from '@loganalyzer/contract';
import type { PartialMetrics } from '@loganalyzer/core';
import request from 'supertest';
import { createApp } from '../src/app';
import { ChunkWorker } from '../src/chunk-worker';
import { CoordinatorLink } from '../src/coordinator-link';
import { leaveGracefully } from '../src/graceful-leave';
import { FakeCoordinator, until } from './fake-coordinator';
import { leaseToken, sampleMetrics, task } from './helpers';

const coordinators: FakeCoordinator[] = [];
const links: CoordinatorLink[] = [];
const workers: ChunkWorker[] = [];

afterEach(async () => {
  for (const worker of workers.splice(0)) worker.drop(worker.heldLeases());
  for (const link of links.splice(0)) link.stop();
  await Promise.all(coordinators.splice(0).map((c) => c.stop()));
});

/** A registered worker whose processor finishes a chunk when the test calls finish(token), and rejects once aborted, as a pool thread does. */
async function setup() {
  const coordinator = new FakeCoordinator(20);
  coordinators.push(coordinator);
  const port = await coordinator.start();
  const logged: string[] = [];
  const log = (message: string) => logged.push(message);
  const link = new CoordinatorLink({
    client: createCoordinatorClient(`http://127.0.0.1:${port}`, { timeoutMs: 2000 }),
    workerId: 'w-1',
    concurrency: 2,
    retry: { initialDelayMs: 5, maxDelayMs: 20 },
    deregisterRetryMs: 100,
    log,
  });
  links.push(link);
  const signals = new Map<string, AbortSignal>();
  const finishers = new Map<string, (metrics: PartialMetrics) => void>();
  const worker = new ChunkWorker({
    workerId: 'w-1',
    concurrency: 2,
    process: (t: ChunkTask, signal: AbortSignal) => {
      signals.set(t.lease_token, signal);
      return new Promise<PartialMetrics>((resolve, reject) => {
        finishers.set(t.lease_token, resolve);
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    },
    reporter: link,
    log,
  });
  workers.push(worker);
  link.holdLeasesOf(worker);
  await link.start(8123);
  const finish = (token: string) => finishers.get(token)?.(sampleMetrics());
  /** Resolves once a heartbeat after the `after`-th lists `token`. */
  const renewed = (token: string, after: number) =>
    until(() => coordinator.heartbeats.slice(after).some((h) => h.leases?.includes(token)), `a heartbeat listed ${token}`);
  return { coordinator, link, worker, signals, finish, renewed, logged };
}

const chunk = (n: number) => task({ chunk_id: n, lease_token: leaseToken(n) });

it('reports a chunk that finishes within the grace period, heartbeating its lease meanwhile, then deregisters with nothing to release', async () => {
  const { coordinator, link, worker, finish, renewed } = await setup();
  worker.accept(chunk(1));

  const leaving = leaveGracefully({ worker, link, graceMs: 60_000 });
  await renewed(leaseToken(1), coordinator.heartbeats.length);
  finish(leaseToken(1));

  expect(await leaving).toStrictEqual({ handedBack: [], released: 0 });
  expect(coordinator.reports.map((r) => r.lease_token)).toStrictEqual([leaseToken(1)]);
  expect(coordinator.deregistrations).toStrictEqual([{ worker_id: 'w-1', released: 0 }]);
});

it('hands back a chunk still running when the grace period ends: stopped, reported nowhere, released by deregistering', async () => {
  const { coordinator, link, worker, signals, renewed } = await setup();
  worker.accept(chunk(1));
  await renewed(leaseToken(1), 0);

  const outcome = await leaveGracefully({ worker, link, graceMs: 20 });

  expect(outcome).toStrictEqual({ handedBack: [leaseToken(1)], released: 1 });
  expect(signals.get(leaseToken(1))?.aborted).toBe(true);
  expect((signals.get(leaseToken(1))?.reason as Error).message).toBe('the worker is shutting down');
  expect(coordinator.deregistrations).toStrictEqual([{ worker_id: 'w-1', released: 1 }]);
  await until(() => worker.chunksInFlight === 0, 'the stopped chunk let its lease go');
  expect(coordinator.metricsRequests).toStrictEqual([]);
  expect(coordinator.failureRequests).toStrictEqual([]);
});

it('reports the chunk that finishes within the grace period and hands back the one that does not', async () => {
  const { coordinator, link, worker, finish, renewed, logged } = await setup();
  worker.accept(chunk(1));
  worker.accept(chunk(2));
  await renewed(leaseToken(2), 0);

  // Long enough for chunk 1's report to get through on a loaded machine; chunk 2 never finishes.
  const leaving = leaveGracefully({ worker, link, graceMs: 1000, log: (m) => logged.push(m) });
  finish(leaseToken(1));
  const outcome = await leaving;

  expect(outcome).toStrictEqual({ handedBack: [leaseToken(2)], released: 1 });
  expect(coordinator.reports.map((r) => r.lease_token)).toStrictEqual([leaseToken(1)]);
  expect(coordinator.failureRequests).toStrictEqual([]);
  expect(coordinator.deregistrations).toStrictEqual([{ worker_id: 'w-1', released: 1 }]);
  expect(logged.slice(-3)).toStrictEqual([
    'handing back chunk 2 of job job-1 (attempt 2): the worker is shutting down',
    '1 chunk(s) still running after the 1000 ms grace period: handing them back',
    'deregistered; the coordinator released 1 lease(s)',
  ]);
});

it('answers 503 to new chunks while it drains, and still answers GET /health', async () => {
  const { coordinator, link, worker, finish } = await setup();
  const app = createApp(worker);
  worker.accept(chunk(1));

  const leaving = leaveGracefully({ worker, link, graceMs: 60_000 });
  const refused = await request(app).post('/process_chunk').send(chunk(2));
  const health = await request(app).get('/health');
  finish(leaseToken(1));
  await leaving;

  expect(refused.status).toBe(503);
  expect(refused.body).toStrictEqual({ error: 'shutting_down', message: 'worker w-1 is shutting down' });
  expect(health.body).toStrictEqual({ status: 'ok', worker_id: 'w-1', chunks_in_flight: 1, concurrency: 2 });
  expect(coordinator.reports.map((r) => r.chunk_id)).toStrictEqual([1]);
});

it('still finishes leaving, saying so, when the coordinator cannot be reached to deregister', async () => {
  const { coordinator, link, worker, logged } = await setup();
  await coordinator.stop();

  const outcome = await leaveGracefully({ worker, link, graceMs: 0, log: (m) => logged.push(m) });

  expect(outcome).toStrictEqual({ handedBack: [], released: null });
  expect(logged.at(-1)).toMatch(/^could not deregister \(.*ECONNREFUSED.*\); the coordinator will expire this worker's leases instead$/);
});
