// A ChunkWorker and its CoordinatorLink together against the fake coordinator: what becomes of a
// chunk's result when its lease is renewed, dropped by a heartbeat, or refused at report time.
import { createCoordinatorClient, type ChunkTask } from '@loganalyzer/contract';
import type { PartialMetrics } from '@loganalyzer/core';
import { ChunkWorker } from '../src/chunk-worker';
import { CoordinatorLink } from '../src/coordinator-link';
import { FakeCoordinator, until } from './fake-coordinator';
import { LEASE, leaseToken, sampleMetrics, task } from './helpers';

const coordinators: FakeCoordinator[] = [];
const links: CoordinatorLink[] = [];
const workers: ChunkWorker[] = [];

afterEach(async () => {
  // A test that failed may leave a report retrying: dropping every lease ends its retries.
  for (const worker of workers.splice(0)) worker.drop(worker.heldLeases());
  for (const link of links.splice(0)) link.stop();
  await Promise.all(coordinators.splice(0).map((c) => c.stop()));
});

/**
 * A worker whose processor, like the thread pool, rejects with the signal's reason once aborted and
 * otherwise finishes when the test calls finish(token); `finishAtOnce` makes it resolve straight away.
 */
async function setup(options: { finishAtOnce?: boolean } = {}) {
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
    log,
    sampleLoad: () => ({}),
  });
  links.push(link);
  const signals = new Map<string, AbortSignal>();
  const finishers = new Map<string, (metrics: PartialMetrics) => void>();
  const worker = new ChunkWorker({
    workerId: 'w-1',
    concurrency: 2,
    process: (t: ChunkTask, signal: AbortSignal) => {
      signals.set(t.lease_token, signal);
      if (options.finishAtOnce) return Promise.resolve(sampleMetrics());
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
  const finish = (token: string) => finishers.get(token)?.(sampleMetrics());
  const idle = () => until(() => worker.chunksInFlight === 0, 'the worker holds no chunk');
  return { coordinator, link, worker, signals, finish, idle, logged };
}

const key = (overrides: Partial<ChunkTask> = {}) => {
  const t = task(overrides);
  return { worker_id: 'w-1', job_id: t.job_id, chunk_id: t.chunk_id, attempt: t.attempt, lease_token: t.lease_token };
};

it('lists the lease tokens of the chunks in progress in its heartbeats, and lets a lease go (its bytes counted as processed) once its result is in', async () => {
  const { coordinator, link, worker, finish } = await setup();
  worker.accept(task({ chunk_id: 1, lease_token: leaseToken(1) }));
  worker.accept(task({ chunk_id: 2, lease_token: leaseToken(2) }));

  await link.start(8123);
  await until(() => coordinator.heartbeats.length >= 1, 'a heartbeat arrived');
  expect(coordinator.heartbeats[0]).toStrictEqual({ worker_id: 'w-1', leases: [leaseToken(1), leaseToken(2)], bytes_processed: 0 });

  finish(leaseToken(1));
  await until(() => worker.heldLeases().length === 1, 'the first result was delivered');
  const seen = coordinator.heartbeats.length;
  // The one on the wire may have left before the result was in; the one after it cannot have.
  await until(() => coordinator.heartbeats.length >= seen + 2, 'two more heartbeats arrived');

  expect(coordinator.heartbeats[seen + 1]).toStrictEqual({ worker_id: 'w-1', leases: [leaseToken(2)], bytes_processed: 1024 });
  expect(coordinator.reports.map((r) => r.lease_token)).toStrictEqual([leaseToken(1)]);
});

it('aborts the work of a lease a heartbeat answer drops and reports nothing for it, while the other chunk carries on', async () => {
  const { coordinator, link, worker, signals, finish, idle, logged } = await setup();
  worker.accept(task({ chunk_id: 1, lease_token: leaseToken(1) }));
  worker.accept(task({ chunk_id: 2, lease_token: leaseToken(2) }));
  coordinator.deadLeases.add(leaseToken(1));

  await link.start(8123);
  await until(() => signals.get(leaseToken(1))?.aborted === true, 'the dropped chunk was aborted');
  expect(signals.get(leaseToken(2))?.aborted).toBe(false);
  finish(leaseToken(2));
  await idle();

  expect(coordinator.metricsRequests).toStrictEqual([{ ...key({ chunk_id: 2, lease_token: leaseToken(2) }), metrics: sampleMetrics() }]);
  expect(coordinator.failureRequests).toStrictEqual([]);
  expect(logged).toContain('dropping chunk 1 of job job-1 (attempt 2): its lease is no longer live');
});

it('drops a result answered 409 without retrying it and without reporting a failure', async () => {
  const { coordinator, worker, idle, logged } = await setup({ finishAtOnce: true });
  coordinator.deadLeases.add(LEASE);

  worker.accept(task());
  await idle();

  expect(coordinator.metricsRequests).toStrictEqual([{ ...key(), metrics: sampleMetrics() }]);
  expect(coordinator.failureRequests).toStrictEqual([]);
  expect(logged).toStrictEqual([`result of chunk 3 of job job-1 dropped: the coordinator ended attempt 2 of chunk 3: lease ${LEASE} is not live`]);
});

it('drops a result answered 422 without retrying it and without reporting a failure', async () => {
  const { coordinator, worker, idle, logged } = await setup({ finishAtOnce: true });
  coordinator.refuseReports = { status: 422, body: { error: 'invalid_partial', message: 'the partial does not decode: unique_clients is not base64' } };

  worker.accept(task());
  await idle();

  expect(coordinator.metricsRequests).toStrictEqual([{ ...key(), metrics: sampleMetrics() }]);
  expect(coordinator.failureRequests).toStrictEqual([]);
  expect(logged).toStrictEqual([
    'result of chunk 3 of job job-1 dropped: the coordinator ended attempt 2 of chunk 3: the partial does not decode: unique_clients is not base64',
  ]);
});

it('reports a chunk as failed, once, when its result is answered 400', async () => {
  const { coordinator, worker, idle } = await setup({ finishAtOnce: true });
  coordinator.refuseReports = {
    status: 400,
    body: {
      error: 'validation_failed',
      message: 'body.metrics.version: Invalid literal value, expected 1',
      issues: [{ location: 'body', path: ['metrics', 'version'], code: 'invalid_literal', message: 'Invalid literal value, expected 1' }],
    },
  };

  worker.accept(task());
  await idle();

  expect(coordinator.metricsRequests).toHaveLength(1);
  expect(coordinator.failures).toStrictEqual([
    { ...key(), error: 'coordinator refused the report of chunk 3 of job job-1: body.metrics.version: Invalid literal value, expected 1' },
  ]);
});

it('reports a chunk as failed, once, when its result is answered 413', async () => {
  const { coordinator, worker, idle } = await setup({ finishAtOnce: true });
  coordinator.refuseReports = { status: 413, body: { error: 'body_too_large', message: 'request entity too large' } };

  worker.accept(task());
  await idle();

  expect(coordinator.metricsRequests).toHaveLength(1);
  expect(coordinator.failures).toStrictEqual([
    { ...key(), error: 'the result of chunk 3 is too large for the coordinator (request entity too large); use smaller chunks' },
  ]);
});

it('stops retrying a result once a heartbeat drops its lease, and reports no failure for it', async () => {
  const { coordinator, link, worker, idle } = await setup({ finishAtOnce: true });
  coordinator.unavailableReports = Number.POSITIVE_INFINITY;
  await link.start(8123);
  worker.accept(task());
  await until(() => coordinator.metricsRequests.length >= 2, 'the report was retried');

  coordinator.deadLeases.add(LEASE);
  await idle();
  const sent = coordinator.metricsRequests.length;
  const beats = coordinator.heartbeats.length;
  // Several retry intervals (at most 20 ms each) pass with every heartbeat.
  await until(() => coordinator.heartbeats.length >= beats + 3, 'three more heartbeats arrived');

  expect(coordinator.metricsRequests).toHaveLength(sent);
  expect(coordinator.failureRequests).toStrictEqual([]);
  // A dropped chunk's bytes were not processed as far as anyone is concerned.
  expect(coordinator.heartbeats.at(-1)).toStrictEqual({ worker_id: 'w-1', leases: [], bytes_processed: 0 });
});

it('runs and reports a task sent twice with the same lease token once', async () => {
  const { coordinator, worker, signals, finish, idle } = await setup();
  worker.accept(task());
  worker.accept(task());

  finish(LEASE);
  await idle();

  expect([...signals.keys()]).toStrictEqual([LEASE]);
  expect(coordinator.metricsRequests).toStrictEqual([{ ...key(), metrics: sampleMetrics() }]);
});
