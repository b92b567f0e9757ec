import type { PartialMetrics } from '@loganalyzer/core';
import { ChunkWorker, ChunkWorkerOptions } from '../src/chunk-worker';
import { ResultTooLargeError } from '../src/retry';
import { deferred, fakeReporter, sampleMetrics, settle, task } from './helpers';

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

it('logs a result it could not report instead of failing', async () => {
  const { reporter } = fakeReporter(() => Promise.reject(new Error('coordinator refused the report')));
  const logged: string[] = [];
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: async () => sampleMetrics(), reporter, log: (m) => logged.push(m) });

  worker.accept(task());
  await settle();

  expect(logged).toStrictEqual(['could not report chunk 3: coordinator refused the report']);
  expect(worker.chunksInFlight).toBe(0);
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

  expect(logged).toStrictEqual(['chunk 3 of job job-1 failed: EIO', 'could not report the failure: connect ECONNREFUSED']);
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
