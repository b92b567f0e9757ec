import { AnalyzerError, PartialMetrics } from '@loganalyzer/core';
import { ChunkWorker, ChunkWorkerOptions } from '../src/chunk-worker';
import { LeaseLostError, PermanentError, ResultTooLargeError, RetryCancelledError } from '../src/retry';
import { deferred, fakeReporter, LEASE, leaseToken, sampleMetrics, settle, task } from './helpers';

function setup(options: Partial<ChunkWorkerOptions> = {}) {
  const result = deferred<PartialMetrics>();
  const processed: unknown[] = [];
  const { reporter, reports, reported } = fakeReporter();
  const logged: string[] = [];
  const worker = new ChunkWorker({
    workerId: 'w-1',
    concurrency: 2,
    process: (t) => {
      processed.push(t);
      return result.promise;
    },
    reporter,
    log: (message) => logged.push(message),
    ...options,
  });
  return { worker, result, processed, reports, reported, logged };
}

it('runs the processor on the accepted task', () => {
  const { worker, processed } = setup();

  worker.accept(task());

  expect(processed).toStrictEqual([task()]);
});

it('gives the processor a signal that is not aborted while the lease is held', () => {
  const signals: AbortSignal[] = [];
  const { worker } = setup({
    process: (_t, signal) => {
      signals.push(signal);
      return new Promise(() => {});
    },
  });

  worker.accept(task());

  expect(signals.map((signal) => signal.aborted)).toStrictEqual([false]);
});

it('reports the metrics of a chunk with the job id, chunk id and attempt of its task', async () => {
  const { worker, result, reported } = setup();
  worker.accept(task({ job_id: 'job-9', chunk_id: 41, attempt: 3 }));

  result.resolve(sampleMetrics());

  expect(await reported(1)).toStrictEqual([{ kind: 'metrics', task: task({ job_id: 'job-9', chunk_id: 41, attempt: 3 }), metrics: sampleMetrics() }]);
});

it('reports a processor error as a failure carrying its message', async () => {
  const { worker, result, reported, logged } = setup();
  worker.accept(task());

  result.reject(new Error("EACCES: permission denied, open '/var/log/app.log'"));

  expect(await reported(1)).toStrictEqual([{ kind: 'failure', task: task(), error: "EACCES: permission denied, open '/var/log/app.log'" }]);
  expect(logged).toStrictEqual([`chunk 3 of job job-1 failed: EACCES: permission denied, open '/var/log/app.log'`]);
});

it('reports an input that cannot be analyzed (invalid_input) as a permanent failure, and nothing else as one', async () => {
  const { worker, result, reported } = setup();
  worker.accept(task());
  result.reject(new AnalyzerError('invalid_input', '/var/log/app.log.gz is not valid gzip: unexpected end of file'));
  expect(await reported(1)).toStrictEqual([{ kind: 'failure', task: task(), error: '/var/log/app.log.gz is not valid gzip: unexpected end of file', permanent: true }]);
  const other = setup();
  other.worker.accept(task());
  other.result.reject(new AnalyzerError('input_changed', '/var/log/app.log changed during the job: 10 → 5 bytes'));
  expect(await other.reported(1)).toStrictEqual([{ kind: 'failure', task: task(), error: '/var/log/app.log changed during the job: 10 → 5 bytes' }]);
});

it('reports a thrown value that is not an Error as a failure carrying its text', async () => {
  const { worker, result, reported } = setup();
  worker.accept(task());

  result.reject('worker thread exited with code 1');

  expect(await reported(1)).toStrictEqual([{ kind: 'failure', task: task(), error: 'worker thread exited with code 1' }]);
});

it('reports a processor that throws before returning a promise as a failure', async () => {
  const { worker, reported } = setup({
    process: () => {
      throw new Error('pool is closed');
    },
  });

  worker.accept(task());

  expect(await reported(1)).toStrictEqual([{ kind: 'failure', task: task(), error: 'pool is closed' }]);
});

it('counts a chunk in flight until its report has been delivered', async () => {
  const delivery = deferred<void>();
  const { reporter, reported } = fakeReporter(() => delivery.promise);
  const result = deferred<PartialMetrics>();
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: () => result.promise, reporter });
  worker.accept(task());
  expect(worker.chunksInFlight).toBe(1);

  result.resolve(sampleMetrics());
  await reported(1);
  await settle();
  expect(worker.chunksInFlight).toBe(1);

  delivery.resolve();
  await settle();
  expect(worker.chunksInFlight).toBe(0);
});

it('reports a result it could not deliver as failed, and logs both when neither gets through', async () => {
  const { reporter, reports } = fakeReporter(() => Promise.reject(new Error('coordinator refused the report')));
  const logged: string[] = [];
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: async () => sampleMetrics(), reporter, log: (m) => logged.push(m) });

  worker.accept(task());
  await settle();

  expect(reports).toStrictEqual([
    { kind: 'metrics', task: task(), metrics: sampleMetrics() },
    { kind: 'failure', task: task(), error: 'coordinator refused the report' },
  ]);
  expect(logged).toStrictEqual(['could not report chunk 3: coordinator refused the report', 'could not report the failure of chunk 3: coordinator refused the report']);
  expect(worker.chunksInFlight).toBe(0);
});

it('reports a chunk whose result the coordinator refused as malformed (400) as failed, with the reason', async () => {
  const refused = new PermanentError('coordinator refused the report of chunk 3 of job job-1: body.metrics.version: Invalid literal value, expected 1');
  const { reporter, reports } = fakeReporter(() => (reports.length === 1 ? Promise.reject(refused) : Promise.resolve()));
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: async () => sampleMetrics(), reporter });

  worker.accept(task());
  await settle();

  expect(reports).toStrictEqual([
    { kind: 'metrics', task: task(), metrics: sampleMetrics() },
    { kind: 'failure', task: task(), error: refused.message },
  ]);
  expect(worker.heldLeases()).toStrictEqual([]);
});

it('reports a chunk whose result the coordinator refused as too large as failed, with the reason', async () => {
  const tooLarge = new ResultTooLargeError('the result of chunk 3 is too large for the coordinator (request entity too large); use smaller chunks');
  const { reporter, reports } = fakeReporter(() => (reports.length === 1 ? Promise.reject(tooLarge) : Promise.resolve()));
  const logged: string[] = [];
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: async () => sampleMetrics(), reporter, log: (m) => logged.push(m) });

  worker.accept(task());
  await settle();

  expect(reports.map((r) => (r.kind === 'failure' ? [r.kind, r.task.chunk_id, r.error] : [r.kind, r.task.chunk_id]))).toStrictEqual([
    ['metrics', 3],
    ['failure', 3, tooLarge.message],
  ]);
  expect(logged).toStrictEqual([`could not report chunk 3: ${tooLarge.message}`]);
  expect(worker.chunksInFlight).toBe(0);
});

it('logs a failure it could not report instead of failing', async () => {
  const { reporter } = fakeReporter(() => Promise.reject(new Error('connect ECONNREFUSED')));
  const logged: string[] = [];
  const worker = new ChunkWorker({
    workerId: 'w-1',
    concurrency: 1,
    process: async () => {
      throw new Error('EIO');
    },
    reporter,
    log: (m) => logged.push(m),
  });

  worker.accept(task());
  await settle();

  expect(logged).toStrictEqual(['chunk 3 of job job-1 failed: EIO', 'could not report the failure of chunk 3: connect ECONNREFUSED']);
  expect(worker.chunksInFlight).toBe(0);
});

it('stops accepting as soon as drain is called', () => {
  const { worker } = setup();
  expect(worker.isAccepting).toBe(true);

  void worker.drain(1000);

  expect(worker.isAccepting).toBe(false);
});

it('waits in drain until the running chunks have been reported', async () => {
  const { worker, result, reports } = setup();
  worker.accept(task());
  let drained = false;
  const draining = worker.drain(60_000).then(() => {
    drained = true;
  });
  await settle();
  expect(drained).toBe(false);

  result.resolve(sampleMetrics());
  await draining;

  expect(reports.map((r) => r.kind)).toStrictEqual(['metrics']);
  expect(worker.chunksInFlight).toBe(0);
});

it('stops waiting in drain once the grace period is over, leaving a stuck chunk in flight', async () => {
  const { worker, reports } = setup();
  worker.accept(task());

  await worker.drain(10);

  expect(worker.chunksInFlight).toBe(1);
  expect(reports).toStrictEqual([]);
});

// ---- leases ----

it('holds no leases before it has accepted a task', () => {
  const { worker } = setup();

  expect(worker.heldLeases()).toStrictEqual([]);
});

it('lists the lease token of each task it holds, in the order they were accepted', () => {
  const { worker } = setup({ concurrency: 3 });

  worker.accept(task({ chunk_id: 0, lease_token: leaseToken(7) }));
  worker.accept(task({ chunk_id: 1, lease_token: leaseToken(3) }));
  worker.accept(task({ chunk_id: 2, lease_token: leaseToken(5) }));

  expect(worker.heldLeases()).toStrictEqual([leaseToken(7), leaseToken(3), leaseToken(5)]);
});

it('holds a lease until the report of its task has been delivered, then lets it go', async () => {
  const delivery = deferred<void>();
  const { reporter, reported } = fakeReporter(() => delivery.promise);
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: async () => sampleMetrics(), reporter });
  worker.accept(task());

  await reported(1);
  expect(worker.heldLeases()).toStrictEqual([LEASE]);

  delivery.resolve();
  await settle();
  expect(worker.heldLeases()).toStrictEqual([]);
});

it('runs a task whose lease token it already holds only once, and reports it once', async () => {
  const { worker, result, processed, reports } = setup();

  worker.accept(task());
  worker.accept(task());
  worker.accept(task({ start: 0, size: 9 }));
  expect(worker.heldLeases()).toStrictEqual([LEASE]);
  expect(worker.chunksInFlight).toBe(1);

  result.resolve(sampleMetrics());
  await settle();

  expect(processed).toStrictEqual([task()]);
  expect(reports).toStrictEqual([{ kind: 'metrics', task: task(), metrics: sampleMetrics() }]);
});

it('runs a new attempt of the same chunk, with its own lease token, alongside the old one', () => {
  const { worker, processed } = setup();

  worker.accept(task({ attempt: 2, lease_token: leaseToken(1) }));
  worker.accept(task({ attempt: 3, lease_token: leaseToken(2) }));

  expect(processed).toStrictEqual([task({ attempt: 2, lease_token: leaseToken(1) }), task({ attempt: 3, lease_token: leaseToken(2) })]);
  expect(worker.heldLeases()).toStrictEqual([leaseToken(1), leaseToken(2)]);
});

/** A worker whose processor, like the pool, rejects with the signal's reason once it is aborted. */
function abortableSetup() {
  const signals = new Map<string, AbortSignal>();
  const finish = new Map<string, (metrics: PartialMetrics) => void>();
  const options = setup({
    concurrency: 2,
    process: (t, signal) => {
      signals.set(t.lease_token, signal);
      return new Promise<PartialMetrics>((resolve, reject) => {
        finish.set(t.lease_token, resolve);
        signal.addEventListener('abort', () => reject(signal.reason));
      });
    },
  });
  return { ...options, signals, finish };
}

it('aborts the signal of a dropped task with the reason that its lease is no longer live', () => {
  const { worker, signals, logged } = abortableSetup();
  worker.accept(task({ job_id: 'job-4', chunk_id: 8, attempt: 5 }));

  worker.drop([LEASE]);

  expect(signals.get(LEASE)?.aborted).toBe(true);
  expect((signals.get(LEASE)?.reason as Error).message).toBe('the lease is no longer live');
  expect(logged).toStrictEqual(['dropping chunk 8 of job job-4 (attempt 5): its lease is no longer live']);
});

it('reports nothing for a dropped task whose processor then rejects, and lets its lease go', async () => {
  const { worker, reports } = abortableSetup();
  worker.accept(task());

  worker.drop([LEASE]);
  await settle();

  expect(reports).toStrictEqual([]);
  expect(worker.heldLeases()).toStrictEqual([]);
  expect(worker.chunksInFlight).toBe(0);
});

it('reports nothing for a dropped task whose processor finishes anyway', async () => {
  const { worker, result, reports } = setup();
  worker.accept(task());

  worker.drop([LEASE]);
  result.resolve(sampleMetrics());
  await settle();

  expect(reports).toStrictEqual([]);
  expect(worker.chunksInFlight).toBe(0);
});

it('keeps listing a dropped task until its processor has stopped', async () => {
  const { worker, result } = setup();
  worker.accept(task());

  worker.drop([LEASE]);
  await settle();
  expect(worker.heldLeases()).toStrictEqual([LEASE]);

  result.reject(new Error('aborted'));
  await settle();
  expect(worker.heldLeases()).toStrictEqual([]);
});

it('drops only the listed leases and goes on with the others', async () => {
  const { worker, signals, finish, reports } = abortableSetup();
  worker.accept(task({ chunk_id: 1, lease_token: leaseToken(1) }));
  worker.accept(task({ chunk_id: 2, lease_token: leaseToken(2) }));

  worker.drop([leaseToken(1)]);
  finish.get(leaseToken(2))?.(sampleMetrics());
  await settle();

  expect([signals.get(leaseToken(1))?.aborted, signals.get(leaseToken(2))?.aborted]).toStrictEqual([true, false]);
  expect(reports).toStrictEqual([{ kind: 'metrics', task: task({ chunk_id: 2, lease_token: leaseToken(2) }), metrics: sampleMetrics() }]);
});

it('ignores a drop of a lease it does not hold', () => {
  const { worker, signals, logged } = abortableSetup();
  worker.accept(task());

  worker.drop([leaseToken(99), leaseToken(98)]);

  expect(signals.get(LEASE)?.aborted).toBe(false);
  expect(worker.heldLeases()).toStrictEqual([LEASE]);
  expect(logged).toStrictEqual([]);
});

it('logs a lease dropped twice (by two heartbeats) only once', () => {
  const { worker, logged } = setup();
  worker.accept(task());

  worker.drop([LEASE]);
  worker.drop([LEASE, LEASE]);

  expect(logged).toStrictEqual(['dropping chunk 3 of job job-1 (attempt 2): its lease is no longer live']);
});

it('does not run a task again that arrives while its dropped lease is still held', () => {
  const { worker, processed } = setup();
  worker.accept(task());
  worker.drop([LEASE]);

  worker.accept(task());

  expect(processed).toStrictEqual([task()]);
});

it('gives the report the task\'s signal, so that a drop during the report stops it, and reports no failure after', async () => {
  const delivery = deferred<void>();
  const { reporter, reports, signals, reported } = fakeReporter(() => delivery.promise);
  const logged: string[] = [];
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: async () => sampleMetrics(), reporter, log: (m) => logged.push(m) });
  worker.accept(task());
  await reported(1);
  expect(signals[0]?.aborted).toBe(false);

  worker.drop([LEASE]);
  expect(signals[0]?.aborted).toBe(true);
  delivery.reject(new RetryCancelledError('retry cancelled'));
  await settle();

  expect(reports).toStrictEqual([{ kind: 'metrics', task: task(), metrics: sampleMetrics() }]);
  expect(logged).toStrictEqual([
    'dropping chunk 3 of job job-1 (attempt 2): its lease is no longer live',
    'result of chunk 3 of job job-1 dropped: retry cancelled',
  ]);
  expect(worker.heldLeases()).toStrictEqual([]);
});

it('drops a result whose lease the coordinator says is lost, reporting no failure', async () => {
  const lost = new LeaseLostError('the coordinator ended attempt 2 of chunk 3: lease c0ffee00c0ffee00c0ffee00c0ffee00 is not live');
  const { reporter, reports } = fakeReporter(() => Promise.reject(lost));
  const logged: string[] = [];
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: async () => sampleMetrics(), reporter, log: (m) => logged.push(m) });

  worker.accept(task());
  await settle();

  expect(reports).toStrictEqual([{ kind: 'metrics', task: task(), metrics: sampleMetrics() }]);
  expect(logged).toStrictEqual([`result of chunk 3 of job job-1 dropped: ${lost.message}`]);
  expect(worker.heldLeases()).toStrictEqual([]);
});

it('says nothing more when the failure report of a chunk finds its lease lost', async () => {
  const { reporter, reports } = fakeReporter(() => Promise.reject(new LeaseLostError('the coordinator ended attempt 2 of chunk 3: lease not live')));
  const logged: string[] = [];
  const worker = new ChunkWorker({
    workerId: 'w-1',
    concurrency: 1,
    process: async () => {
      throw new Error('EIO');
    },
    reporter,
    log: (m) => logged.push(m),
  });

  worker.accept(task());
  await settle();

  expect(reports).toStrictEqual([{ kind: 'failure', task: task(), error: 'EIO' }]);
  expect(logged).toStrictEqual(['chunk 3 of job job-1 failed: EIO']);
  expect(worker.heldLeases()).toStrictEqual([]);
});

// ---- handing back on shutdown ----

it('hands back every task still held: aborted as the worker shutting down, logged, reported nowhere', async () => {
  const { worker, signals, reports, logged } = abortableSetup();
  worker.accept(task({ chunk_id: 1, lease_token: leaseToken(1) }));
  worker.accept(task({ chunk_id: 2, lease_token: leaseToken(2), attempt: 3 }));

  const handedBack = worker.handBack();
  await settle();

  expect(handedBack).toStrictEqual([leaseToken(1), leaseToken(2)]);
  expect([1, 2].map((n) => (signals.get(leaseToken(n))?.reason as Error).message)).toStrictEqual(['the worker is shutting down', 'the worker is shutting down']);
  expect(logged).toStrictEqual([
    'handing back chunk 1 of job job-1 (attempt 2): the worker is shutting down',
    'handing back chunk 2 of job job-1 (attempt 3): the worker is shutting down',
  ]);
  expect(reports).toStrictEqual([]);
  expect(worker.chunksInFlight).toBe(0);
});

it('hands back nothing when every chunk finished in time, and takes no new chunk after', () => {
  const { worker, processed } = setup();

  expect(worker.handBack()).toStrictEqual([]);
  expect(worker.isAccepting).toBe(false);
  expect(processed).toStrictEqual([]);
});

it('lists a dropped task whose processor has not stopped yet among those handed back, without aborting it again', () => {
  const signals = new Map<string, AbortSignal>();
  const { worker, logged } = setup({
    process: (t, signal) => {
      signals.set(t.lease_token, signal);
      return new Promise(() => {});
    },
  });
  worker.accept(task());
  worker.drop([LEASE]);

  expect(worker.handBack()).toStrictEqual([LEASE]);
  expect((signals.get(LEASE)?.reason as Error).message).toBe('the lease is no longer live');
  expect(logged).toStrictEqual(['dropping chunk 3 of job job-1 (attempt 2): its lease is no longer live']);
});
