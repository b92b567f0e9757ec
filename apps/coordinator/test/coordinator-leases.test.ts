// Who holds a chunk, through the coordinator: dispatch to free slots, leases renewed by heartbeats
// that list them, taken back when a worker goes silent, forgets them, restarts or cannot be reached,
// and at the attempt's deadline however often it was renewed.
import { statSync } from 'node:fs';
import { analyzeFile } from '@loganalyzer/core';
import { appErrorOf, registerWorker, reportDone, sends, settle, setup, startJob, useTempLogs } from './helpers';

const logs = useTempLogs();
const TOKEN = /^[0-9a-f]{32}$/;

it('sends each attempt with a fresh lease token, the input, its snapshot, its byte range and the format', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('task-shape.log', 50);
  const chunkSize = Math.ceil(log.size / 2);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: chunkSize, format: 'applog' });
  const stat = statSync(log.path);
  const snapshot = { size: log.size, mtime_ms: stat.mtimeMs, dev: stat.dev, ino: stat.ino };
  const input = { kind: 'file', path: log.path };

  expect(sent.map((s) => s.task)).toStrictEqual([
    { job_id: jobId, chunk_id: 0, attempt: 1, lease_token: expect.stringMatching(TOKEN), input, snapshot, start: 0, size: chunkSize, format: 'applog' },
    { job_id: jobId, chunk_id: 1, attempt: 1, lease_token: expect.stringMatching(TOKEN), input, snapshot, start: chunkSize, size: log.size - chunkSize, format: 'applog' },
  ]);
  expect(sent[0].task.lease_token).not.toBe(sent[1].task.lease_token);
  expect(coordinator.getJob(jobId).status).toBe('running');
});

it('gives a worker no more chunks at once than its concurrency, the freest worker first and the first registered on a tie', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('ten-chunks.log', 200);
  await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 10) });

  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['a', 1, 1],
    ['b', 2, 1],
  ]);
  expect(coordinator.listWorkers().map((w) => [w.worker_id, w.chunks_in_flight])).toStrictEqual([
    ['a', 2],
    ['b', 1],
  ]);
});

it('queues one chunk per worker beyond its threads while more chunks wait than there are workers, none near the end', async () => {
  const { coordinator, sent } = setup({ prefetch: 1 });
  registerWorker(coordinator, 'a', 2);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('prefetched.log', 200);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 7) });
  // Threads first, the freest worker first (a: 2 + 1 queued, b: 1 + 1 queued), then the queues.
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['a', 1, 1],
    ['b', 2, 1],
    ['a', 3, 1],
    ['b', 4, 1],
  ]);
  // Two chunks wait and two workers are active: the next free slot is a thread's, not a queue's.
  sent[0].accept();
  expect(reportDone(coordinator, sent[0])).toStrictEqual({ accepted: true, reason: 'committed' });
  await settle();
  expect(sends(sent).slice(5)).toStrictEqual([]);
  for (const s of sent.slice(1, 3)) {
    s.accept();
    reportDone(coordinator, s);
  }
  await settle();
  // Only a's thread is free: b's one thread still runs chunk 4.
  expect(sends(sent).slice(5)).toStrictEqual([['a', 5, 1]]);
  for (let reported = 3; reported < sent.length; reported++) {
    sent[reported].accept();
    reportDone(coordinator, sent[reported]);
    await settle();
  }
  // Chunk 3 (a's) commits before chunk 4 (b's): a's thread is the one free.
  expect(sends(sent).slice(6)).toStrictEqual([['a', 6, 1]]);
  await coordinator.idle();
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(await analyzeFile(log.path));
});

it('leaves a job queued while no worker is active and sends its chunks once one registers', async () => {
  const { coordinator, sent } = setup();
  const log = logs.applog('queued.log', 50);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  expect([coordinator.getJob(jobId).status, sent.length]).toStrictEqual(['queued', 0]);

  registerWorker(coordinator, 'late', 1);
  await settle();
  expect([coordinator.getJob(jobId).status, sends(sent)]).toStrictEqual(['running', [['late', 0, 1]]]);
});

it('keeps a lease alive well past its lease time while heartbeats list it', async () => {
  const { coordinator, sent, clock, events } = setup({ leaseMs: 2000, workerTimeoutMs: 10_000 });
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('renewed.log', 50);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  sent[0].accept();
  for (let second = 1; second <= 6; second++) {
    clock.advance(1000);
    expect(coordinator.heartbeat('a', [sent[0].task.lease_token])).toStrictEqual({ drop: [] });
    coordinator.sweep();
  }

  expect(events.filter((e) => e.type === 'chunk_expired')).toStrictEqual([]);
  expect(reportDone(coordinator, sent[0])).toStrictEqual({ accepted: true, reason: 'committed' });
  await coordinator.idle();
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(await analyzeFile(log.path));
});

it('takes back an accepted lease that heartbeats stop listing once the grace has passed, and sends it again after its worker\'s rest', async () => {
  const { coordinator, sent, clock, events } = setup({ heartbeatIntervalMs: 1000 });
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('forgotten.log', 50);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  sent[0].accept();
  await settle();

  // The grace is one heartbeat interval and 500 ms: a heartbeat composed before the worker took the task.
  clock.advance(1500);
  expect(coordinator.heartbeat('a', [])).toStrictEqual({ drop: [] });
  expect(events.filter((e) => e.type === 'chunk_expired')).toStrictEqual([]);
  clock.advance(1);
  expect(coordinator.heartbeat('a', [])).toStrictEqual({ drop: [] });
  expect(events.filter((e) => e.type === 'chunk_expired')).toStrictEqual([
    { type: 'chunk_expired', job_id: jobId, chunk_id: 0, attempt: 1, worker_id: 'a', reason: 'worker a no longer holds it' },
  ]);

  // A worker that lost an attempt rests a second before it gets another chunk.
  clock.advance(999);
  coordinator.heartbeat('a', []);
  coordinator.sweep();
  await settle();
  expect(sends(sent)).toStrictEqual([['a', 0, 1]]);
  clock.advance(1);
  coordinator.sweep();
  await settle();
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['a', 0, 2],
  ]);
  expect(coordinator.getJob(jobId).progress.chunks_reassigned).toBe(1);
});

it('takes back a lease not renewed within its lease time though its worker still heartbeats, and ignores the late answer to its send', async () => {
  const { coordinator, sent, clock, events } = setup({ leaseMs: 1000, workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('unrenewed.log', 50);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  // The send is still in flight, so the worker cannot list the lease yet; nothing renews it.
  clock.advance(999);
  coordinator.heartbeat('a', []);
  coordinator.sweep();
  expect(events.filter((e) => e.type === 'chunk_expired')).toStrictEqual([]);
  clock.advance(1);
  coordinator.sweep();
  sent[0].accept();
  await settle();
  expect(events.filter((e) => e.type === 'chunk_expired').map((e) => e.type === 'chunk_expired' && e.reason)).toStrictEqual(['lease not renewed for 1000 ms']);
  expect(coordinator.listWorkers().map((w) => [w.worker_id, w.status, w.chunks_in_flight])).toStrictEqual([['a', 'active', 0]]);

  clock.advance(1000);
  coordinator.heartbeat('a', []);
  coordinator.sweep();
  await settle();
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['a', 0, 2],
  ]);
  expect(appErrorOf(() => reportDone(coordinator, sent[0])).code).toBe('lease_not_live');
  expect(reportDone(coordinator, sent[1])).toStrictEqual({ accepted: true, reason: 'committed' });
  await coordinator.idle();
  expect(coordinator.getJob(jobId).status).toBe('completed');
});

it('takes back the leases of a silent worker, marks it inactive, and refuses what it reports when it wakes up', async () => {
  const { coordinator, sent, clock, events } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'a', 1);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('silent.log', 100);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 2) });
  sent.forEach((s) => s.accept());
  clock.advance(2000);
  coordinator.heartbeat('b', [sent[1].task.lease_token]);
  clock.advance(1001);
  coordinator.sweep();

  expect(events.filter((e) => e.type === 'worker_lost' || e.type === 'chunk_expired')).toStrictEqual([
    { type: 'worker_lost', worker_id: 'a', reason: 'no heartbeat for 3001 ms' },
    { type: 'chunk_expired', job_id: jobId, chunk_id: 0, attempt: 1, worker_id: 'a', reason: 'worker a lost: no heartbeat for 3001 ms' },
  ]);
  expect(reportDone(coordinator, sent[1])).toStrictEqual({ accepted: true, reason: 'committed' });
  await settle();
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['b', 1, 1],
    ['b', 0, 2],
  ]);

  expect(appErrorOf(() => reportDone(coordinator, sent[0]))).toStrictEqual({
    code: 'lease_not_live',
    message: `not the live lease of chunk 0 of job ${jobId}: the lease expired or was given to another attempt`,
  });
  expect(coordinator.heartbeat('a', [sent[0].task.lease_token])).toStrictEqual({ drop: [sent[0].task.lease_token] });
  expect(coordinator.listWorkers().map((w) => [w.worker_id, w.status])).toStrictEqual([
    ['a', 'active'],
    ['b', 'active'],
  ]);
  expect(reportDone(coordinator, sent[2])).toStrictEqual({ accepted: true, reason: 'committed' });
  await coordinator.idle();
  const job = coordinator.getJob(jobId);
  expect([job.status, job.progress.chunks_reassigned, job.progress.results_refused]).toStrictEqual(['completed', 1, 1]);
  expect(job.metrics).toStrictEqual(await analyzeFile(log.path));
});

it('keeps a worker silent for exactly its timeout active', async () => {
  const { coordinator, clock } = setup({ workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'a', 1);
  clock.advance(3000);
  coordinator.sweep();

  expect(coordinator.listWorkers().map((w) => w.status)).toStrictEqual(['active']);
});

it('takes an attempt back at its deadline though heartbeats keep renewing it, then tells its worker to drop it', async () => {
  const log = logs.applog('deadline.log', 50);
  // Deadline: 2000 ms plus the chunk's size at its own size per second, so exactly 3000 ms.
  const { coordinator, sent, clock, events } = setup({ deadlineBaseMs: 2000, deadlineBytesPerSecond: log.size, workerTimeoutMs: 3000 });
  registerWorker(coordinator, 'a', 1);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  sent[0].accept();
  const first = sent[0].task.lease_token;
  const drops: string[][] = [];
  for (let second = 1; second <= 3; second++) {
    clock.advance(1000);
    drops.push(coordinator.heartbeat('a', [first])!.drop);
    coordinator.sweep();
  }

  expect(drops).toStrictEqual([[], [], []]);
  expect(events.filter((e) => e.type === 'chunk_expired')).toStrictEqual([
    { type: 'chunk_expired', job_id: jobId, chunk_id: 0, attempt: 1, worker_id: 'a', reason: 'attempt passed its deadline of 3000 ms' },
  ]);
  expect(coordinator.heartbeat('a', [first])).toStrictEqual({ drop: [first] });
  clock.advance(1000);
  coordinator.sweep();
  await settle();
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['a', 0, 2],
  ]);
  expect(coordinator.heartbeat('a', [first, sent[1].task.lease_token])).toStrictEqual({ drop: [first] });
  expect(appErrorOf(() => reportDone(coordinator, sent[0])).code).toBe('lease_not_live');
});

it('takes back everything a worker held when it registers again under the same id', async () => {
  const { coordinator, sent, clock, events } = setup({ workerTimeoutMs: 10_000 });
  await expect(registerWorker(coordinator, 'a', 2)).resolves.toBe('registered');
  const log = logs.applog('restart.log', 100);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 2) });

  await expect(registerWorker(coordinator, 'a', 2)).resolves.toBe('re-registered');
  await settle();

  expect(events.filter((e) => e.type === 'chunk_expired').map((e) => e.type === 'chunk_expired' && [e.chunk_id, e.reason])).toStrictEqual([
    [0, 'its worker re-registered'],
    [1, 'its worker re-registered'],
  ]);
  // The new process is not rested for what the old one lost: it gets both chunks again at once.
  // Both go to the front of the queue, so in no particular order between them.
  expect(sends(sent).sort((x, y) => x[2] - y[2] || x[1] - y[1])).toStrictEqual([
    ['a', 0, 1],
    ['a', 1, 1],
    ['a', 0, 2],
    ['a', 1, 2],
  ]);
  expect(coordinator.getJob(jobId).progress.chunks_reassigned).toBe(2);
});

it('treats a worker it cannot send to as lost: what it held goes to another worker', async () => {
  const { coordinator, sent, events } = setup();
  registerWorker(coordinator, 'a', 1);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('unreachable.log', 100);
  await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 3) });
  sent[0].refuse(new Error('connect ECONNREFUSED'));
  await settle();

  expect(events.find((e) => e.type === 'worker_lost')).toStrictEqual({
    type: 'worker_lost',
    worker_id: 'a',
    reason: `sending chunk 0 (${log.path}, bytes 0–${Math.ceil(log.size / 3)}) failed: connect ECONNREFUSED`,
  });
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['b', 1, 1],
  ]);
  expect(reportDone(coordinator, sent[1])).toStrictEqual({ accepted: true, reason: 'committed' });
  await settle();
  expect(sends(sent).slice(2)).toStrictEqual([['b', 0, 2]]);
});

it('answers null to a heartbeat from a worker it does not know', () => {
  const { coordinator } = setup();
  expect(coordinator.heartbeat('stranger', ['a'.repeat(32)])).toBeNull();
});

it('answers drop for a listed token that is another worker\'s, and does not renew it for the one listing it', async () => {
  const { coordinator, sent, clock, events } = setup({ leaseMs: 1000, workerTimeoutMs: 10_000 });
  registerWorker(coordinator, 'a', 1);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('theirs.log', 50);
  await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  const token = sent[0].task.lease_token;
  clock.advance(900);

  expect(coordinator.heartbeat('b', [token])).toStrictEqual({ drop: [token] });
  clock.advance(100);
  coordinator.sweep();
  expect(events.filter((e) => e.type === 'chunk_expired').map((e) => e.type === 'chunk_expired' && e.worker_id)).toStrictEqual(['a']);
});

it('skips the sweep that runs late because its own event loop was blocked, then expires silent workers at the next', async () => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
  try {
    const { coordinator, clock, events } = setup({ heartbeatIntervalMs: 1000, workerTimeoutMs: 3000 });
    coordinator.start();
    registerWorker(coordinator, 'a', 1);
    // The sweep runs every 500 ms; the clock jumping 5000 ms between two runs means the loop was blocked.
    clock.advance(5000);
    jest.advanceTimersByTime(500);
    expect(events.filter((e) => e.type === 'loop_blocked' || e.type === 'worker_lost')).toStrictEqual([{ type: 'loop_blocked', ms: 4500 }]);

    clock.advance(500);
    jest.advanceTimersByTime(500);
    expect(events.filter((e) => e.type === 'worker_lost')).toStrictEqual([{ type: 'worker_lost', worker_id: 'a', reason: 'no heartbeat for 5500 ms' }]);
    await coordinator.close();
  } finally {
    jest.useRealTimers();
  }
});
