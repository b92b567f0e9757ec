import { analyzeFile, analyzeRange, emptyMetrics, PartialMetrics, toReport } from '@loganalyzer/core';
import { Coordinator, CoordinatorOptions, NotFoundError } from '../src/coordinator';
import { fakeClock, fakeSender, iso, SentChunk, settle, T0, thrownBy, useTempLogs } from './helpers';

const logs = useTempLogs();

function setup(options: Partial<CoordinatorOptions> = {}) {
  const { sendChunk, sent } = fakeSender();
  const clock = fakeClock();
  const coordinator = new Coordinator({ sendChunk, now: clock.now, ...options });
  return { coordinator, sent, clock };
}

const urlOf = (workerId: string): string => `http://${workerId}.test:8001`;

function registerWorker(coordinator: Coordinator, workerId: string, concurrency: number) {
  return coordinator.register({ worker_id: workerId, url: urlOf(workerId), concurrency });
}

/** [worker url, chunk id, attempt] of each send, in the order they happened. */
const sends = (sent: SentChunk[]) => sent.map((s) => [s.workerUrl, s.task.chunk_id, s.task.attempt]);

/** Creates a job over `file` split into chunks of chunkSize bytes and waits until it is planned. */
async function startJob(coordinator: Coordinator, filepath: string, chunkSize?: number): Promise<string> {
  const jobId = coordinator.createJob(filepath, chunkSize);
  await coordinator.planned.get(jobId);
  return jobId;
}

/** Reports a sent chunk's real metrics on behalf of the worker it went to. */
function reportDone(coordinator: Coordinator, sent: SentChunk, workerId: string) {
  const { task } = sent;
  return coordinator.reportMetrics({
    worker_id: workerId,
    job_id: task.job_id,
    chunk_id: task.chunk_id,
    attempt: task.attempt,
    metrics: analyzeRange(task.filepath, task.start, task.size),
  });
}

const workerIdOf = (url: string): string => new URL(url).hostname.replace(/\.test$/, '');

const zeroReport = toReport(emptyMetrics());

// ---- dispatch ----

it('sends a worker no more chunks at once than its concurrency', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('ten-chunks.log', 200);
  await startJob(coordinator, log.path, Math.ceil(log.size / 10));

  // Each chunk goes to the worker with the most free slots; a tie goes to the worker registered first.
  expect(sends(sent)).toStrictEqual([
    [urlOf('a'), 0, 1],
    [urlOf('a'), 1, 1],
    [urlOf('b'), 2, 1],
  ]);
  expect(coordinator.getJob(sent[0].task.job_id).status).toBe('running');
});

it('sends each task with the chunk range, job id and attempt number', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('task-shape.log', 50);
  const chunkSize = Math.ceil(log.size / 2);
  const jobId = await startJob(coordinator, log.path, chunkSize);

  expect(sent.map((s) => s.task)).toStrictEqual([
    { filepath: log.path, start: 0, size: chunkSize, job_id: jobId, chunk_id: 0, attempt: 1 },
    { filepath: log.path, start: chunkSize, size: log.size - chunkSize, job_id: jobId, chunk_id: 1, attempt: 1 },
  ]);
});

it('sends chunks only to active workers', async () => {
  const { coordinator, sent, clock } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'silent', 4);
  registerWorker(coordinator, 'alive', 1);
  clock.advance(3001);
  coordinator.heartbeat('alive');
  coordinator.sweep();
  const log = logs.applog('only-active.log', 100);
  await startJob(coordinator, log.path, Math.ceil(log.size / 4));

  expect(sends(sent)).toStrictEqual([[urlOf('alive'), 0, 1]]);
});

it('sends the next chunk to a worker as soon as it reports one done', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('next-chunk.log', 100);
  await startJob(coordinator, log.path, Math.ceil(log.size / 3));
  expect(sends(sent)).toStrictEqual([[urlOf('a'), 0, 1]]);

  expect(reportDone(coordinator, sent[0], 'a')).toStrictEqual({ accepted: true, reason: 'merged' });
  await settle();

  expect(sends(sent)).toStrictEqual([
    [urlOf('a'), 0, 1],
    [urlOf('a'), 1, 1],
  ]);
});

it('gives more chunks to the worker that finishes faster', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'fast', 1);
  registerWorker(coordinator, 'slow', 1);
  const log = logs.applog('fast-slow.log', 200);
  await startJob(coordinator, log.path, Math.ceil(log.size / 6));

  for (let round = 0; round < 4; round++) {
    const latest = sent.filter((s) => s.workerUrl === urlOf('fast')).at(-1)!;
    reportDone(coordinator, latest, 'fast');
    await settle();
  }

  const chunksOf = (workerId: string) => sent.filter((s) => s.workerUrl === urlOf(workerId)).map((s) => s.task.chunk_id);
  expect(chunksOf('fast')).toStrictEqual([0, 2, 3, 4, 5]);
  expect(chunksOf('slow')).toStrictEqual([1]);
});

it('plans at least four chunks per active worker when no chunk size is given', async () => {
  const { coordinator } = setup();
  registerWorker(coordinator, 'a', 1);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('default-size.log', 300);
  const jobId = await startJob(coordinator, log.path);

  expect(coordinator.getJob(jobId).progress.chunks_total).toBe(8);
});

it('plans a chunk size larger than the file as one chunk covering the whole file', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('huge-chunk-size.log', 30);
  const jobId = await startJob(coordinator, log.path, 1e20);

  expect(sent.map((s) => s.task)).toStrictEqual([{ filepath: log.path, start: 0, size: log.size, job_id: jobId, chunk_id: 0, attempt: 1 }]);
});

it('fails a job whose chunk size cannot be planned instead of leaving it queued', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('bad-chunk-size.log', 30);
  const jobId = await startJob(coordinator, log.path, 0);

  expect(coordinator.getJob(jobId).status).toBe('failed');
  expect(coordinator.getJob(jobId).error).toBe(`cannot plan ${log.path}: chunk size must be a positive integer, got 0`);
  expect(sent).toStrictEqual([]);
});

it('does not look at finished jobs when it dispatches, however many there are', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('many-jobs.log', 50);
  for (let i = 0; i < 60; i++) {
    const jobId = await startJob(coordinator, log.path);
    await runJobToEnd(coordinator, sent, jobId);
    expect(coordinator.getJob(jobId).status).toBe('completed');
    sent.length = 0; // runJobToEnd answers every send in the list
  }
  // Every job a dispatch looks at asks hasPending() or isFinished; count them on a fresh job's dispatches.
  const looked = new Set<unknown>();
  const proto = Object.getPrototypeOf(coordinator['jobs'].values().next().value) as { hasPending(): boolean };
  const hasPending = proto.hasPending;
  const isFinished = Object.getOwnPropertyDescriptor(proto, 'isFinished')!;
  proto.hasPending = function (this: unknown) {
    looked.add(this);
    return hasPending.call(this);
  };
  Object.defineProperty(proto, 'isFinished', { ...isFinished, get(this: unknown) { looked.add(this); return isFinished.get!.call(this); } });
  try {
    const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 4));
    await runJobToEnd(coordinator, sent, jobId);
    expect(coordinator.getJob(jobId).status).toBe('completed');
    coordinator.dispatch();
  } finally {
    proto.hasPending = hasPending;
    Object.defineProperty(proto, 'isFinished', isFinished);
  }
  // The new job, and the last old one, which leaves the dispatch set on the first dispatch after it finished.
  expect(looked.size).toBeLessThanOrEqual(2);
  expect(coordinator.listJobs()).toHaveLength(61);
});

// ---- merging ----

/** Answers every outstanding send with its real metrics, newest first, until the job is no longer running. */
async function runJobToEnd(coordinator: Coordinator, sent: SentChunk[], jobId: string): Promise<void> {
  let answered = 0;
  while (coordinator.getJob(jobId).status === 'running') {
    const batch = sent.slice(answered);
    if (batch.length === 0) throw new Error('the job is running but no chunk is out');
    answered = sent.length;
    for (const s of batch.reverse()) reportDone(coordinator, s, workerIdOf(s.workerUrl));
    await settle();
  }
}

it('merges chunk results into exactly the metrics analyzeFile computes for the whole file', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  registerWorker(coordinator, 'b', 3);
  registerWorker(coordinator, 'c', 1);
  const log = logs.applog('merge.log', 3000, 7);
  const jobId = await startJob(coordinator, log.path, 1013);

  await runJobToEnd(coordinator, sent, jobId);

  const expected = await analyzeFile(log.path);
  const job = coordinator.getJob(jobId);
  expect(job.status).toBe('completed');
  expect(job.metrics).toStrictEqual(expected);
  expect(coordinator.totalMetrics()).toStrictEqual(expected);
  const chunks = Math.ceil(log.size / 1013);
  expect(job.progress).toStrictEqual({ chunks_total: chunks, chunks_done: chunks, bytes_total: log.size, bytes_done: log.size, chunks_reassigned: 0 });
  expect(expected.lines).toBe(3000);
});

it('merges one-byte chunks into exactly the metrics of the whole file', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 8);
  const log = logs.applog('one-byte-chunks.log', 25, 3);
  const jobId = await startJob(coordinator, log.path, 1);

  await runJobToEnd(coordinator, sent, jobId);

  expect(coordinator.getJob(jobId).metrics).toStrictEqual(await analyzeFile(log.path));
  expect(sent).toHaveLength(log.size);
});

it('completes a job with its finish time and the worker with its done count', async () => {
  const { coordinator, sent, clock } = setup();
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('finish-time.log', 40);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));
  clock.advance(2500);
  reportDone(coordinator, sent[0], 'a');
  reportDone(coordinator, sent[1], 'a');

  const metrics = await analyzeFile(log.path);
  expect(coordinator.getJob(jobId)).toStrictEqual({
    job_id: jobId,
    filepath: log.path,
    status: 'completed',
    format: 'auto',
    created_at: iso(T0),
    finished_at: iso(T0 + 2500),
    progress: { chunks_total: 2, chunks_done: 2, bytes_total: log.size, bytes_done: log.size, chunks_reassigned: 0 },
    metrics,
  });
  expect(coordinator.listWorkers()).toStrictEqual([
    {
      worker_id: 'a',
      url: urlOf('a'),
      status: 'active',
      last_heartbeat: iso(T0),
      registered_at: iso(T0),
      concurrency: 2,
      chunks_in_flight: 0,
      chunks_done: 2,
    },
  ]);
});

it('answers duplicate for a second result of a chunk that is done and merges it only once', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('duplicate.log', 60);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));

  expect(reportDone(coordinator, sent[0], 'a')).toStrictEqual({ accepted: true, reason: 'merged' });
  expect(reportDone(coordinator, sent[0], 'a')).toStrictEqual({ accepted: false, reason: 'duplicate' });

  const once = toReport(analyzeRange(log.path, sent[0].task.start, sent[0].task.size));
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(once);
  expect(coordinator.totalMetrics()).toStrictEqual(once);
  expect(coordinator.getJob(jobId).progress.chunks_done).toBe(1);
});

// ---- dead workers ----

it('marks a worker inactive once it has missed heartbeats for longer than the timeout', () => {
  const { coordinator, clock } = setup({ heartbeatIntervalMs: 1000, workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'silent', 1);
  registerWorker(coordinator, 'alive', 1);
  clock.advance(3001);
  expect(coordinator.heartbeat('alive')).toBe(true);

  coordinator.sweep();

  expect(coordinator.listWorkers().map((w) => [w.worker_id, w.status, w.last_heartbeat])).toStrictEqual([
    ['silent', 'inactive', iso(T0)],
    ['alive', 'active', iso(T0 + 3001)],
  ]);
});

it('forgets an inactive worker once forgetInactiveAfterMs has passed since its last heartbeat; it must register again', async () => {
  const { coordinator, clock, sent } = setup({ heartbeatIntervalMs: 1000, workerTimeoutMs: 3000, forgetInactiveAfterMs: 60_000 });
  registerWorker(coordinator, 'gone', 1);
  registerWorker(coordinator, 'alive', 1);
  const beat = (ms: number) => {
    for (let t = 0; t < ms; t += 1000) {
      clock.advance(1000);
      coordinator.heartbeat('alive');
      coordinator.sweep();
    }
  };
  beat(60_000);
  expect(coordinator.listWorkers().map((w) => [w.worker_id, w.status])).toStrictEqual([
    ['gone', 'inactive'],
    ['alive', 'active'],
  ]);
  beat(1000);
  expect(coordinator.listWorkers().map((w) => w.worker_id)).toStrictEqual(['alive']);
  expect(coordinator.heartbeat('gone')).toBe(false);

  // Back under the same id, it is a new worker that takes chunks again, after the ones registered before it.
  expect(registerWorker(coordinator, 'gone', 1)).toBe('registered');
  const log = logs.applog('forgotten.log', 100);
  await startJob(coordinator, log.path, Math.ceil(log.size / 3));
  expect(sends(sent)).toStrictEqual([
    [urlOf('alive'), 0, 1],
    [urlOf('gone'), 1, 1],
  ]);
});

it('gives a reactivated or re-registered worker its old place among equally free workers', async () => {
  const { coordinator, clock, sent } = setup({ heartbeatIntervalMs: 1000, workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'a', 1);
  registerWorker(coordinator, 'b', 1);
  registerWorker(coordinator, 'c', 1);
  clock.advance(3001);
  coordinator.heartbeat('b');
  coordinator.heartbeat('c');
  coordinator.sweep();
  expect(coordinator.heartbeat('a')).toBe(true); // active again
  expect(registerWorker(coordinator, 'b', 1)).toBe('re-registered');
  const log = logs.applog('places.log', 100);
  await startJob(coordinator, log.path, Math.ceil(log.size / 3));
  expect(sends(sent)).toStrictEqual([
    [urlOf('a'), 0, 1],
    [urlOf('b'), 1, 1],
    [urlOf('c'), 2, 1],
  ]);
});

it('keeps a worker that has been silent for exactly the timeout active', () => {
  const { coordinator, clock } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'a', 1);
  clock.advance(3000);

  coordinator.sweep();

  expect(coordinator.listWorkers()[0].status).toBe('active');
});

it('defaults the worker timeout to three heartbeat intervals', () => {
  const { coordinator } = setup({ heartbeatIntervalMs: 250 });

  expect(coordinator.workerTimeoutMs).toBe(750);
});

it('re-sends the chunks of a worker that timed out to another worker as attempt 2 and counts them reassigned', async () => {
  const { coordinator, sent, clock } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'doomed', 2);
  const log = logs.applog('reassign.log', 80);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));
  registerWorker(coordinator, 'rescuer', 2);
  clock.advance(3001);
  coordinator.heartbeat('rescuer');

  coordinator.sweep();
  await settle();

  const resent = sent.slice(2).sort((x, y) => x.task.chunk_id - y.task.chunk_id);
  expect(sends(resent)).toStrictEqual([
    [urlOf('rescuer'), 0, 2],
    [urlOf('rescuer'), 1, 2],
  ]);
  expect(resent.map((s) => s.task.start)).toStrictEqual(sent.slice(0, 2).map((s) => s.task.start));
  expect(coordinator.getJob(jobId).progress.chunks_reassigned).toBe(2);
  expect(coordinator.getJob(jobId).status).toBe('running');
  expect(coordinator.listWorkers().map((w) => [w.worker_id, w.status, w.chunks_in_flight])).toStrictEqual([
    ['doomed', 'inactive', 0],
    ['rescuer', 'active', 2],
  ]);
});

it('refuses a late result from a superseded attempt as superseded and does not merge it', async () => {
  const { coordinator, sent, clock } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'doomed', 1);
  const log = logs.applog('superseded.log', 80);
  const jobId = await startJob(coordinator, log.path, log.size);
  registerWorker(coordinator, 'rescuer', 1);
  clock.advance(3001);
  coordinator.heartbeat('rescuer');
  coordinator.sweep();
  await settle();
  expect(sends(sent)).toStrictEqual([
    [urlOf('doomed'), 0, 1],
    [urlOf('rescuer'), 0, 2],
  ]);

  expect(reportDone(coordinator, sent[0], 'doomed')).toStrictEqual({ accepted: false, reason: 'superseded' });

  expect(coordinator.getJob(jobId).progress.chunks_done).toBe(0);
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(zeroReport);
  expect(coordinator.totalMetrics()).toStrictEqual(zeroReport);
  expect(reportDone(coordinator, sent[1], 'rescuer')).toStrictEqual({ accepted: true, reason: 'merged' });
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(await analyzeFile(log.path));
});

it('refuses a late result as superseded while its chunk waits for another worker', async () => {
  const { coordinator, sent, clock } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'doomed', 1);
  const log = logs.applog('superseded-pending.log', 40);
  const jobId = await startJob(coordinator, log.path, log.size);
  clock.advance(3001);
  coordinator.sweep();

  expect(reportDone(coordinator, sent[0], 'doomed')).toStrictEqual({ accepted: false, reason: 'superseded' });
  expect(coordinator.getJob(jobId).progress.chunks_done).toBe(0);
});

it('answers duplicate for the superseded attempt once the new attempt has been merged', async () => {
  const { coordinator, sent, clock } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'doomed', 1);
  const log = logs.applog('superseded-then-done.log', 40);
  await startJob(coordinator, log.path, log.size);
  registerWorker(coordinator, 'rescuer', 1);
  clock.advance(3001);
  coordinator.heartbeat('rescuer');
  coordinator.sweep();
  await settle();
  reportDone(coordinator, sent[1], 'rescuer');

  expect(reportDone(coordinator, sent[0], 'doomed')).toStrictEqual({ accepted: false, reason: 'duplicate' });
});

it('requeues a chunk at once and marks the worker inactive when sending it fails', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'broken', 1);
  registerWorker(coordinator, 'healthy', 2);
  const log = logs.applog('send-fails.log', 80);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));
  const toBroken = sent.find((s) => s.workerUrl === urlOf('broken'))!;

  toBroken.refuse(new Error('connect ECONNREFUSED'));
  await settle();

  expect(sends(sent.slice(2))).toStrictEqual([[urlOf('healthy'), toBroken.task.chunk_id, 2]]);
  expect(coordinator.listWorkers().map((w) => [w.worker_id, w.status, w.chunks_in_flight])).toStrictEqual([
    ['broken', 'inactive', 0],
    ['healthy', 'active', 2],
  ]);
  expect(coordinator.getJob(jobId).progress.chunks_reassigned).toBe(1);
});

it('ignores a failed send of an attempt that was already superseded', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('stale-send-failure.log', 40);
  await startJob(coordinator, log.path, log.size);
  registerWorker(coordinator, 'a', 1);
  await settle();
  expect(sends(sent)).toStrictEqual([
    [urlOf('a'), 0, 1],
    [urlOf('a'), 0, 2],
  ]);

  sent[0].refuse(new Error('socket hang up'));
  await settle();

  expect(coordinator.listWorkers().map((w) => [w.status, w.chunks_in_flight])).toStrictEqual([['active', 1]]);
  expect(sent).toHaveLength(2);
});

it('reactivates an inactive worker that heartbeats and gives it work again', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'flaky', 1);
  const log = logs.applog('reactivate.log', 40);
  await startJob(coordinator, log.path, log.size);
  sent[0].refuse(new Error('socket hang up'));
  await settle();
  expect(coordinator.listWorkers()[0].status).toBe('inactive');
  expect(sent).toHaveLength(1);

  expect(coordinator.heartbeat('flaky')).toBe(true);
  await settle();

  expect(coordinator.listWorkers()[0].status).toBe('active');
  expect(sends(sent)).toStrictEqual([
    [urlOf('flaky'), 0, 1],
    [urlOf('flaky'), 0, 2],
  ]);
});

it('answers false to a heartbeat from a worker it does not know', () => {
  const { coordinator } = setup();

  expect(coordinator.heartbeat('stranger')).toBe(false);
  expect(coordinator.listWorkers()).toStrictEqual([]);
});

it('requeues the chunks of the old entry when a worker registers again with the same id', async () => {
  const { coordinator, sent } = setup();
  expect(coordinator.register({ worker_id: 'a', url: 'http://old.test:1', concurrency: 2 })).toBe('registered');
  const log = logs.applog('re-register.log', 80);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));

  expect(coordinator.register({ worker_id: 'a', url: 'http://new.test:2', concurrency: 2 })).toBe('re-registered');
  await settle();

  const resent = sent.slice(2).sort((x, y) => x.task.chunk_id - y.task.chunk_id);
  expect(sends(resent)).toStrictEqual([
    ['http://new.test:2', 0, 2],
    ['http://new.test:2', 1, 2],
  ]);
  expect(coordinator.getJob(jobId).progress.chunks_reassigned).toBe(2);
  expect(coordinator.listWorkers().map((w) => [w.url, w.chunks_in_flight])).toStrictEqual([['http://new.test:2', 2]]);
});

it('keeps the slot of a re-registered worker busy when its old process reports the superseded attempt', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('re-register-late.log', 40);
  await startJob(coordinator, log.path, Math.ceil(log.size / 2));
  registerWorker(coordinator, 'a', 1);
  await settle();

  expect(reportDone(coordinator, sent[0], 'a')).toStrictEqual({ accepted: false, reason: 'superseded' });
  await settle();

  expect(coordinator.listWorkers()[0].chunks_in_flight).toBe(1);
  expect(sends(sent)).toStrictEqual([
    [urlOf('a'), 0, 1],
    [urlOf('a'), 0, 2],
  ]);
});

// ---- jobs without workers or files ----

it('leaves a job queued without calling the sender while no worker is registered', async () => {
  const { coordinator, sent } = setup();
  const log = logs.applog('no-workers.log', 40);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));
  await settle();

  expect(coordinator.getJob(jobId).status).toBe('queued');
  expect(sent).toStrictEqual([]);
});

it('leaves a job queued while every registered worker is inactive', async () => {
  const { coordinator, sent, clock } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'a', 1);
  clock.advance(3001);
  coordinator.sweep();
  const log = logs.applog('inactive-workers.log', 40);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));
  await settle();

  expect(coordinator.getJob(jobId).status).toBe('queued');
  expect(sent).toStrictEqual([]);
});

it('runs a queued job once a worker registers', async () => {
  const { coordinator, sent } = setup();
  const log = logs.applog('queued-then-run.log', 40);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));

  registerWorker(coordinator, 'late', 2);
  await settle();

  expect(coordinator.getJob(jobId).status).toBe('running');
  expect(sends(sent)).toStrictEqual([
    [urlOf('late'), 0, 1],
    [urlOf('late'), 1, 1],
  ]);
});

it('fails a job whose file does not exist with an error naming the file', async () => {
  const { coordinator, sent, clock } = setup();
  registerWorker(coordinator, 'a', 1);
  const missing = logs.path('does-not-exist.log');
  clock.advance(5);
  const jobId = await startJob(coordinator, missing);

  expect(coordinator.getJob(jobId)).toStrictEqual({
    job_id: jobId,
    filepath: missing,
    status: 'failed',
    format: 'auto',
    created_at: iso(T0 + 5),
    finished_at: iso(T0 + 5),
    progress: { chunks_total: 0, chunks_done: 0, bytes_total: 0, bytes_done: 0, chunks_reassigned: 0 },
    metrics: zeroReport,
    error: `cannot read log file ${missing}: no such file`,
  });
  expect(sent).toStrictEqual([]);
});

it('fails a job whose path is a directory', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const dir = logs.dir('a-directory.log');
  const jobId = await startJob(coordinator, dir);

  expect(coordinator.getJob(jobId).status).toBe('failed');
  expect(coordinator.getJob(jobId).error).toBe(`cannot read log file ${dir}: not a regular file`);
  expect(sent).toStrictEqual([]);
});

it('completes a job over an empty file with zero metrics and no chunks', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const empty = logs.write('empty.log', '');
  const jobId = await startJob(coordinator, empty);

  expect(coordinator.getJob(jobId)).toStrictEqual({
    job_id: jobId,
    filepath: empty,
    status: 'completed',
    format: 'auto',
    created_at: iso(T0),
    finished_at: iso(T0),
    progress: { chunks_total: 0, chunks_done: 0, bytes_total: 0, bytes_done: 0, chunks_reassigned: 0 },
    metrics: {
      ...toReport(emptyMetrics()),
      error_count: 0,
      request_count: 0,
      total_response_time: 0,
      avg_response_time: 0,
      error_rate: 0,
      lines: 0,
      blank_lines: 0,
      bytes: 0,
      malformed_lines: 0,
      levels: {},
      first_timestamp: null,
      last_timestamp: null,
    },
  });
  expect(sent).toStrictEqual([]);
});

it('lists jobs oldest first as summaries', async () => {
  const { coordinator, clock } = setup();
  const missing = logs.path('listed-missing.log');
  const empty = logs.write('listed-empty.log', '');
  const first = await startJob(coordinator, missing);
  clock.advance(10);
  const second = await startJob(coordinator, empty);

  expect(coordinator.listJobs()).toStrictEqual([
    { job_id: first, filepath: missing, status: 'failed', created_at: iso(T0), finished_at: iso(T0) },
    { job_id: second, filepath: empty, status: 'completed', created_at: iso(T0 + 10), finished_at: iso(T0 + 10) },
  ]);
});

// ---- chunk failures ----

function reportFailure(coordinator: Coordinator, sent: SentChunk, workerId: string, error: string) {
  const { task } = sent;
  return coordinator.reportChunkFailure({ worker_id: workerId, job_id: task.job_id, chunk_id: task.chunk_id, attempt: task.attempt, error });
}

it('fails the job with the worker error once a chunk has failed maxChunkFailures times', async () => {
  const { coordinator, sent, clock } = setup({ maxChunkFailures: 2 });
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('chunk-fails.log', 40);
  const jobId = await startJob(coordinator, log.path, log.size);

  expect(reportFailure(coordinator, sent[0], 'a', 'EIO: i/o error, read')).toStrictEqual({ accepted: true, reason: 'recorded' });
  await settle();
  clock.advance(70);
  expect(reportFailure(coordinator, sent[1], 'a', 'EIO: disk is gone')).toStrictEqual({ accepted: true, reason: 'recorded' });
  await settle();

  const job = coordinator.getJob(jobId);
  expect(job.status).toBe('failed');
  expect(job.finished_at).toBe(iso(T0 + 70));
  expect(job.error).toBe('chunk 0 failed 2 time(s); last error on worker a: EIO: disk is gone');
  expect(sends(sent)).toStrictEqual([
    [urlOf('a'), 0, 1],
    [urlOf('a'), 0, 2],
  ]);
});

it('retries a chunk that has failed fewer than maxChunkFailures times and completes the job', async () => {
  const { coordinator, sent } = setup({ maxChunkFailures: 3 });
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('chunk-retried.log', 40);
  const jobId = await startJob(coordinator, log.path, log.size);

  reportFailure(coordinator, sent[0], 'a', 'thread pool crashed');
  await settle();
  reportFailure(coordinator, sent[1], 'a', 'thread pool crashed');
  await settle();

  expect(coordinator.getJob(jobId).status).toBe('running');
  expect(coordinator.getJob(jobId).progress.chunks_reassigned).toBe(2);
  expect(sends(sent)).toStrictEqual([
    [urlOf('a'), 0, 1],
    [urlOf('a'), 0, 2],
    [urlOf('a'), 0, 3],
  ]);
  reportDone(coordinator, sent[2], 'a');
  expect(coordinator.getJob(jobId).status).toBe('completed');
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(await analyzeFile(log.path));
});

it('does not count a failure report from a superseded attempt toward the job failing', async () => {
  const { coordinator, sent, clock } = setup({ maxChunkFailures: 1, workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'doomed', 1);
  const log = logs.applog('superseded-failure.log', 40);
  const jobId = await startJob(coordinator, log.path, log.size);
  registerWorker(coordinator, 'rescuer', 1);
  clock.advance(3001);
  coordinator.heartbeat('rescuer');
  coordinator.sweep();
  await settle();

  expect(reportFailure(coordinator, sent[0], 'doomed', 'too late')).toStrictEqual({ accepted: false, reason: 'superseded' });
  expect(coordinator.getJob(jobId).status).toBe('running');
});

it('frees the slot of a worker whose result arrives after its job failed', async () => {
  const { coordinator, sent } = setup({ maxChunkFailures: 1 });
  registerWorker(coordinator, 'a', 2);
  const first = logs.applog('fails-first.log', 40);
  const failedJob = await startJob(coordinator, first.path, Math.ceil(first.size / 2));
  reportFailure(coordinator, sent[0], 'a', 'boom');
  expect(coordinator.getJob(failedJob).status).toBe('failed');

  expect(reportDone(coordinator, sent[1], 'a')).toStrictEqual({ accepted: false, reason: 'superseded' });
  const second = logs.applog('runs-after.log', 40);
  const nextJob = await startJob(coordinator, second.path, Math.ceil(second.size / 2));
  await settle();

  expect(coordinator.listWorkers()[0].chunks_in_flight).toBe(2);
  expect(sent.slice(2).map((s) => [s.task.job_id, s.task.chunk_id])).toStrictEqual([
    [nextJob, 0],
    [nextJob, 1],
  ]);
});

it('does not count chunks of a failed job as reassigned when their worker dies afterwards', async () => {
  const { coordinator, sent, clock } = setup({ maxChunkFailures: 1, workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('failed-then-dead.log', 40);
  const jobId = await startJob(coordinator, log.path, Math.ceil(log.size / 2));
  reportFailure(coordinator, sent[0], 'a', 'boom');
  clock.advance(3001);

  coordinator.sweep();
  await settle();

  expect(coordinator.getJob(jobId).progress.chunks_reassigned).toBe(0);
  expect(coordinator.listWorkers().map((w) => [w.status, w.chunks_in_flight])).toStrictEqual([['inactive', 0]]);
});

// ---- unknown jobs and chunks ----

it('throws NotFoundError job_not_found for a result of a job it does not know', () => {
  const { coordinator } = setup();
  registerWorker(coordinator, 'a', 1);

  const err = thrownBy(() =>
    coordinator.reportMetrics({ worker_id: 'a', job_id: 'no-such-job', chunk_id: 0, attempt: 1, metrics: emptyMetrics() as PartialMetrics }),
  );

  expect(err).toBeInstanceOf(NotFoundError);
  expect(err).toMatchObject({ code: 'job_not_found', message: 'no job no-such-job' });
});

it('throws NotFoundError job_not_found for a failure of a job it does not know', () => {
  const { coordinator } = setup();

  const err = thrownBy(() => coordinator.reportChunkFailure({ worker_id: 'a', job_id: 'no-such-job', chunk_id: 0, attempt: 1, error: 'x' }));

  expect(err).toBeInstanceOf(NotFoundError);
  expect(err).toMatchObject({ code: 'job_not_found', message: 'no job no-such-job' });
});

it('throws NotFoundError chunk_not_found for a chunk id past the end of the job', async () => {
  const { coordinator } = setup();
  const log = logs.applog('few-chunks.log', 20);
  const jobId = await startJob(coordinator, log.path, log.size);

  const err = thrownBy(() => coordinator.reportMetrics({ worker_id: 'a', job_id: jobId, chunk_id: 1, attempt: 1, metrics: emptyMetrics() }));

  expect(err).toBeInstanceOf(NotFoundError);
  expect(err).toMatchObject({ code: 'chunk_not_found', message: `job ${jobId} has no chunk 1` });
});

it('throws NotFoundError job_not_found from getJob for an unknown id', () => {
  const { coordinator } = setup();

  const err = thrownBy(() => coordinator.getJob('nope'));

  expect(err).toBeInstanceOf(NotFoundError);
  expect(err).toMatchObject({ code: 'job_not_found', message: 'no job nope' });
});

// ---- options ----

it('refuses a heartbeat interval that is not positive', () => {
  const { sendChunk } = fakeSender();

  expect(() => new Coordinator({ sendChunk, heartbeatIntervalMs: 0 })).toThrow(new RangeError('heartbeat interval must be positive, got 0'));
});

it('refuses a worker timeout that is not a positive number', () => {
  const { sendChunk } = fakeSender();

  expect(() => new Coordinator({ sendChunk, workerTimeoutMs: NaN })).toThrow(new RangeError('worker timeout must be positive, got NaN'));
});

it('refuses fewer than one allowed chunk failure', () => {
  const { sendChunk } = fakeSender();

  expect(() => new Coordinator({ sendChunk, maxChunkFailures: 0 })).toThrow(new RangeError('max chunk failures must be at least 1, got 0'));
});

it('refuses a forget-inactive delay that is not positive', () => {
  const { sendChunk } = fakeSender();

  expect(() => new Coordinator({ sendChunk, forgetInactiveAfterMs: 0 })).toThrow(new RangeError('forget-inactive delay must be positive, got 0'));
});

it('skips the worker sweep that runs late because its own event loop was blocked, then expires silent workers', () => {
  jest.useFakeTimers();
  try {
    const coordinator = new Coordinator({ sendChunk: async () => {}, heartbeatIntervalMs: 100, workerTimeoutMs: 300, now: () => Date.now() });
    coordinator.register({ worker_id: 'w-1', url: 'http://127.0.0.1:9', concurrency: 1 });
    coordinator.start();

    jest.setSystemTime(Date.now() + 1000); // a second passes with no timer run: the loop was blocked
    jest.advanceTimersByTime(50); // the first sweep after the stall is late by ~1 s
    expect(coordinator.listWorkers()[0].status).toBe('active');

    jest.advanceTimersByTime(400); // punctual sweeps: the worker really is silent
    expect(coordinator.listWorkers()[0].status).toBe('inactive');
    coordinator.stop();
  } finally {
    jest.useRealTimers();
  }
});
