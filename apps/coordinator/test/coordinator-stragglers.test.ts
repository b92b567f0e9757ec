// Backup attempts: once a job has nothing left to hand out, a chunk running far longer than the job's
// median commit gets one more attempt on another worker, and whichever commits first wins.
import { analyzeFile } from '@loganalyzer/core';
import { appErrorOf, registerWorker, reportDone, Setup, sends, settle, setup, startJob, useTempLogs } from './helpers';

const logs = useTempLogs();

/**
 * Worker a (4 slots) takes all 4 chunks of a job, b (1 slot) joins afterwards; a commits chunks 0–2
 * after commitMs, and chunk 3 keeps running. Heartbeats keep both workers and chunk 3's lease alive.
 */
async function straggling(commitMs: number, options = {}) {
  const s = setup({ stragglerMinMs: 1000, stragglerFactor: 4, workerTimeoutMs: 60_000, leaseMs: 60_000, ...options });
  registerWorker(s.coordinator, 'a', 4);
  const log = logs.applog(`straggler-${commitMs}.log`, 400);
  const jobId = await startJob(s.coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 4) });
  registerWorker(s.coordinator, 'b', 1);
  s.sent.forEach((c) => c.accept());
  s.clock.advance(commitMs);
  for (const chunk of s.sent.slice(0, 3)) reportDone(s.coordinator, chunk);
  await settle();
  return { ...s, log, jobId, straggler: s.sent[3] };
}

/** Moves the clock to `ms` after the job's start, heartbeats both workers, sweeps. */
async function at(s: Setup & { straggler: Setup['sent'][number] }, ms: number, start: number): Promise<void> {
  s.clock.advance(start + ms - s.clock.now());
  s.coordinator.heartbeat('a', [s.straggler.task.lease_token]);
  s.coordinator.heartbeat('b', s.sent.slice(4).map((c) => c.task.lease_token));
  s.coordinator.sweep();
  await settle();
}

it('starts one backup on another worker once a chunk has run max(stragglerMinMs, factor × median), and the first commit wins', async () => {
  const s = await straggling(100);
  const start = s.clock.now() - 100;
  // Median 100 ms × 4 is below the 1000 ms minimum.
  await at(s, 999, start);
  expect(sends(s.sent)).toHaveLength(4);
  await at(s, 1000, start);
  await at(s, 1500, start);

  expect(sends(s.sent).slice(3)).toStrictEqual([
    ['a', 3, 1],
    ['b', 3, 2],
  ]);
  expect(s.events.filter((e) => e.type === 'chunk_dispatched' && e.backup).map((e) => e.type === 'chunk_dispatched' && [e.chunk_id, e.worker_id])).toStrictEqual([[3, 'b']]);
  expect(reportDone(s.coordinator, s.sent[4])).toStrictEqual({ accepted: true, reason: 'committed' });
  expect(appErrorOf(() => reportDone(s.coordinator, s.straggler))).toStrictEqual({
    code: 'lease_not_live',
    message: `not the live lease of chunk 3 of job ${s.jobId}: the chunk was committed by another attempt`,
  });
  expect(s.coordinator.heartbeat('a', [s.straggler.task.lease_token])).toStrictEqual({ drop: [s.straggler.task.lease_token] });
  await s.coordinator.idle();

  const job = s.coordinator.getJob(s.jobId);
  expect([job.status, job.progress.backup_attempts, job.progress.chunks_reassigned, job.progress.results_refused]).toStrictEqual(['completed', 1, 0, 1]);
  expect(job.metrics).toStrictEqual(await analyzeFile(s.log.path));
});

it('waits factor × median when that is longer than the minimum', async () => {
  const s = await straggling(500);
  const start = s.clock.now() - 500;
  await at(s, 1999, start);
  expect(sends(s.sent)).toHaveLength(4);
  await at(s, 2000, start);

  expect(sends(s.sent).slice(4)).toStrictEqual([['b', 3, 2]]);
});

it('refuses the backup\'s result when the original attempt commits first', async () => {
  const s = await straggling(100);
  await at(s, 1000, s.clock.now() - 100);
  const backup = s.sent[4];

  expect(reportDone(s.coordinator, s.straggler)).toStrictEqual({ accepted: true, reason: 'committed' });
  expect(appErrorOf(() => reportDone(s.coordinator, backup)).code).toBe('lease_not_live');
  expect(s.coordinator.heartbeat('b', [backup.task.lease_token])).toStrictEqual({ drop: [backup.task.lease_token] });
  await s.coordinator.idle();
  expect(s.coordinator.getJob(s.jobId).metrics).toStrictEqual(await analyzeFile(s.log.path));
});

it('starts backups for at most a tenth of the job\'s chunks', async () => {
  const { coordinator, sent, clock, events } = setup({ stragglerMinMs: 1000, workerTimeoutMs: 60_000, leaseMs: 60_000 });
  registerWorker(coordinator, 'a', 20);
  const log = logs.applog('many-stragglers.log', 400);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 20) });
  registerWorker(coordinator, 'b', 5);
  sent.forEach((c) => c.accept());
  clock.advance(100);
  for (const chunk of sent.slice(0, 17)) reportDone(coordinator, chunk);
  clock.advance(5000);
  coordinator.heartbeat('a', sent.slice(17).map((c) => c.task.lease_token));
  coordinator.heartbeat('b', []);
  coordinator.sweep();
  coordinator.sweep();
  await settle();

  expect(sends(sent).slice(20)).toStrictEqual([
    ['b', 17, 2],
    ['b', 18, 2],
  ]);
  expect(events.filter((e) => e.type === 'chunk_dispatched' && e.backup)).toHaveLength(2);
  expect(coordinator.getJob(jobId).progress.backup_attempts).toBe(2);
});

it('starts no backup before any chunk of the job has committed', async () => {
  const { coordinator, sent, clock } = setup({ stragglerMinMs: 1000, workerTimeoutMs: 60_000, leaseMs: 60_000 });
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('no-median.log', 100);
  await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 2) });
  registerWorker(coordinator, 'b', 2);
  sent.forEach((c) => c.accept());
  clock.advance(30_000);
  coordinator.heartbeat('a', sent.map((c) => c.task.lease_token));
  coordinator.heartbeat('b', []);
  coordinator.sweep();
  await settle();

  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['a', 1, 1],
  ]);
});
