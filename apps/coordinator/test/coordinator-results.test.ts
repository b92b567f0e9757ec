// What a chunk's report must hold to be merged, and that what is merged is exactly core's single pass:
// in any order, over several inputs, with late, duplicate, forged and undecodable reports refused
// whole, and a chunk that keeps failing failing its job by name.
import { analyzeFile, analyzeFilePartial, emptyMetrics, mergeAll, toReport } from '@loganalyzer/core';
import { generateAccessLog, writeLogFile } from '@loganalyzer/core/testing';
import type { Coordinator } from '../src/coordinator';
import { appErrorOf, iso, partialOf, registerWorker, reportDone, reportKey, SentChunk, sends, settle, setup, startJob, T0, useTempLogs } from './helpers';

const logs = useTempLogs();

/** Accepts and reports every chunk sent, as sends keep coming, until none is left unanswered. */
async function answerAll(coordinator: Coordinator, sent: SentChunk[]): Promise<void> {
  for (let next = 0; next < sent.length; next++) {
    sent[next].accept();
    reportDone(coordinator, sent[next]);
    await settle();
  }
  await coordinator.idle();
}

it('merges results reported in reverse order into exactly the single pass, and completes the job', async () => {
  const { coordinator, sent, clock } = setup();
  registerWorker(coordinator, 'a', 5);
  const log = logs.applog('reverse.log', 400);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 5) });
  clock.advance(250);
  const outcomes = [...sent].reverse().map((s) => reportDone(coordinator, s));
  await coordinator.idle();

  expect(outcomes).toStrictEqual(Array(5).fill({ accepted: true, reason: 'committed' }));
  const job = coordinator.getJob(jobId);
  expect([job.status, job.finished_at, job.progress.chunks_done, job.progress.bytes_done]).toStrictEqual(['completed', iso(T0 + 250), 5, log.size]);
  expect(job.metrics).toStrictEqual(await analyzeFile(log.path));
  expect(coordinator.listWorkers().map((w) => [w.chunks_done, w.chunks_in_flight])).toStrictEqual([[5, 0]]);
});

it('merges one-byte chunks, most of which own no line, into exactly the single pass', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 8);
  const text = '2024-01-24 10:15:32 INFO a\n\n2024-01-24 10:15:33 ERROR b\r\nno newline at the end';
  const log = logs.write('tiny.log', text);
  const jobId = await startJob(coordinator, { filepath: log, chunk_size: 1 });
  await answerAll(coordinator, sent);

  expect(sent).toHaveLength(text.length);
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(await analyzeFile(log));
});

it('answers duplicate to the committed attempt reporting again and merges it once', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('duplicate.log', 200);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 2) });

  expect(reportDone(coordinator, sent[0])).toStrictEqual({ accepted: true, reason: 'committed' });
  expect(reportDone(coordinator, sent[0])).toStrictEqual({ accepted: false, reason: 'duplicate' });
  expect(appErrorOf(() => coordinator.reportChunkFailure({ ...reportKey(sent[0]), error: 'late failure' }))).toStrictEqual({
    code: 'lease_not_live',
    message: `chunk 0 of job ${jobId} was committed by this attempt`,
  });
  expect(reportDone(coordinator, sent[1])).toStrictEqual({ accepted: true, reason: 'committed' });
  await coordinator.idle();
  expect(reportDone(coordinator, sent[1])).toStrictEqual({ accepted: false, reason: 'duplicate' });

  const job = coordinator.getJob(jobId);
  expect([job.status, job.progress.chunks_done, job.progress.results_refused]).toStrictEqual(['completed', 2, 0]);
  expect(job.metrics).toStrictEqual(await analyzeFile(log.path));
});

it('refuses a forged token, a token of another chunk and a live token from another worker, merging none of them', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('forged.log', 200);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 3) });
  const before = coordinator.getJob(jobId).metrics;
  const metrics = partialOf(sent[0].task);

  const refusals = [
    { ...reportKey(sent[0]), lease_token: '0'.repeat(32) },
    { ...reportKey(sent[0]), lease_token: sent[1].task.lease_token },
    { ...reportKey(sent[0]), worker_id: 'b' },
  ].map((report) => appErrorOf(() => coordinator.reportMetrics({ ...report, metrics })));

  const refused = `not the live lease of chunk 0 of job ${jobId}: the lease expired or was given to another attempt`;
  expect(refusals).toStrictEqual(Array(3).fill({ code: 'lease_not_live', message: refused }));
  const job = coordinator.getJob(jobId);
  expect([job.metrics, job.progress.chunks_done, job.progress.results_refused, job.progress.chunks_reassigned]).toStrictEqual([before, 0, 3, 0]);
  expect(reportDone(coordinator, sent[0])).toStrictEqual({ accepted: true, reason: 'committed' });
});

it('refuses an undecodable partial whole: nothing of it is merged, the attempt counts as failed, and the chunk is sent again', async () => {
  const { coordinator, sent, events } = setup();
  registerWorker(coordinator, 'a', 1);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('undecodable.log', 200);
  const chunkSize = Math.ceil(log.size / 2);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: chunkSize });
  reportDone(coordinator, sent[0]);
  const before = coordinator.getJob(jobId).metrics;
  // The counters come before the sketch in the check: a merge that applied fields as it went would count these lines.
  const bad = { ...partialOf(sent[1].task), lines: 1_000_000, latency: 'not a sketch' };

  expect(appErrorOf(() => reportDone(coordinator, sent[1], bad))).toStrictEqual({
    code: 'invalid_partial',
    message: `invalid partial for chunk 1 (${log.path}, bytes ${chunkSize}–${log.size}): latency: latency sketch does not decode: not a serialized quantile sketch`,
  });
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(before);
  expect(coordinator.getJob(jobId).progress).toMatchObject({ chunks_done: 1, chunks_reassigned: 1 });
  expect(events.filter((e) => e.type === 'chunk_failed').map((e) => e.type === 'chunk_failed' && [e.chunk_id, e.attempt, e.worker_id])).toStrictEqual([[1, 1, 'b']]);
  await settle();
  // It goes to a worker that has not failed it.
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['b', 1, 1],
    ['a', 1, 2],
  ]);
  expect(appErrorOf(() => reportDone(coordinator, sent[1])).code).toBe('lease_not_live');
  expect(reportDone(coordinator, sent[2])).toStrictEqual({ accepted: true, reason: 'committed' });
  await coordinator.idle();
  expect(coordinator.getJob(jobId).metrics).toStrictEqual(await analyzeFile(log.path));
});

it('refuses a partial that owns more bytes than its input has from the chunk\'s start', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('overclaimed.log', 100);
  const chunkSize = Math.ceil(log.size / 2);
  await startJob(coordinator, { filepath: log.path, chunk_size: chunkSize });
  const available = log.size - chunkSize;

  expect(appErrorOf(() => reportDone(coordinator, sent[1], { ...partialOf(sent[1].task), bytes: available + 1 }))).toStrictEqual({
    code: 'invalid_partial',
    message: `invalid partial for chunk 1 (${log.path}, bytes ${chunkSize}–${log.size}): it owns ${available + 1} bytes, but its input has only ${available} from the chunk's start`,
  });
  expect(reportDone(coordinator, sent[0], { ...partialOf(sent[0].task), bytes: log.size })).toStrictEqual({ accepted: true, reason: 'committed' });
});

it('fails the job once one chunk has failed 4 times, naming its input and byte range, and tells workers to drop the rest', async () => {
  const { coordinator, sent, events } = setup();
  registerWorker(coordinator, 'a', 2);
  const log = logs.applog('four-failures.log', 200);
  const chunkSize = Math.ceil(log.size / 2);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: chunkSize });
  const other = sent[1];
  for (let attempt = 1; attempt <= 4; attempt++) {
    const latest = sent.filter((s) => s.task.chunk_id === 0).at(-1)!;
    expect(latest.task.attempt).toBe(attempt);
    expect(coordinator.reportChunkFailure({ ...reportKey(latest), error: `disk on fire ${attempt}` })).toStrictEqual({ accepted: true, reason: 'recorded' });
    await settle();
  }

  const error = `chunk 0 (${log.path}, bytes 0–${chunkSize}) failed 4 time(s); last error: disk on fire 4`;
  const job = coordinator.getJob(jobId);
  expect([job.status, job.error, job.progress.chunks_reassigned]).toStrictEqual(['failed', error, 4]);
  expect(events.filter((e) => e.type === 'job_failed')).toStrictEqual([{ type: 'job_failed', job_id: jobId, error }]);
  expect(sends(sent).filter(([, chunk]) => chunk === 0).map(([, , attempt]) => attempt)).toStrictEqual([1, 2, 3, 4]);
  expect(coordinator.heartbeat('a', [other.task.lease_token])).toStrictEqual({ drop: [other.task.lease_token] });
  expect(appErrorOf(() => reportDone(coordinator, other))).toStrictEqual({
    code: 'lease_not_live',
    message: `not the live lease of chunk 1 of job ${jobId}: the job has failed`,
  });
  expect(coordinator.listWorkers()[0].chunks_in_flight).toBe(0);
});

it('counts expired attempts toward the limit like failed ones', async () => {
  const { coordinator, sent, clock } = setup({ maxAttempts: 2, workerTimeoutMs: 60_000 });
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('expiring.log', 50);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  registerWorker(coordinator, 'a', 1);
  clock.advance(1000);
  coordinator.sweep();
  await settle();
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['a', 0, 2],
  ]);
  registerWorker(coordinator, 'a', 1);

  expect(coordinator.getJob(jobId).error).toBe(`chunk 0 (${log.path}, bytes 0–${log.size}) failed 2 time(s); last error: its worker re-registered`);
});

it('ignores a failure report from a superseded attempt: it neither counts nor frees the chunk', async () => {
  const { coordinator, sent } = setup({ maxAttempts: 2 });
  registerWorker(coordinator, 'a', 1);
  registerWorker(coordinator, 'b', 1);
  const log = logs.applog('superseded-failure.log', 50);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  registerWorker(coordinator, 'a', 1);
  await settle();
  expect(sends(sent)).toStrictEqual([
    ['a', 0, 1],
    ['b', 0, 2],
  ]);

  expect(appErrorOf(() => coordinator.reportChunkFailure({ ...reportKey(sent[0]), error: 'too late' })).code).toBe('lease_not_live');
  expect(coordinator.getJob(jobId).progress.chunks_reassigned).toBe(1);
  expect(reportDone(coordinator, sent[1])).toStrictEqual({ accepted: true, reason: 'committed' });
  await coordinator.idle();
  expect(coordinator.getJob(jobId).status).toBe('completed');
});

it('merges a job over several inputs (paths, tagged inputs, an empty file) into exactly the merge of their single passes', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 3);
  const app = logs.applog('multi-app.log', 300, 5);
  const access = logs.path('multi-access.log');
  const accessSize = writeLogFile(access, generateAccessLog(200, { seed: 6, withRequestTime: true }));
  const empty = logs.write('multi-empty.log', '');
  const chunkSize = 2000;
  const jobId = await startJob(coordinator, { inputs: [app.path, { kind: 'file', path: access }, empty], chunk_size: chunkSize });
  await answerAll(coordinator, sent);

  const job = coordinator.getJob(jobId);
  expect(job.metrics).toStrictEqual(toReport(mergeAll([analyzeFilePartial(app.path), analyzeFilePartial(access), analyzeFilePartial(empty)])));
  expect([job.status, job.filepath, job.inputs]).toStrictEqual(['completed', app.path, 3]);
  const chunksOf = (size: number) => Math.ceil(size / chunkSize);
  expect(job.input_progress.map((i) => [i.input, i.chunks_total, i.chunks_done, i.bytes_total, i.bytes_done, i.appended_bytes])).toStrictEqual([
    [{ kind: 'file', path: app.path }, chunksOf(app.size), chunksOf(app.size), app.size, app.size, 0],
    [{ kind: 'file', path: access }, chunksOf(accessSize), chunksOf(accessSize), accessSize, accessSize, 0],
    [{ kind: 'file', path: empty }, 0, 0, 0, 0, 0],
  ]);
  expect(job.progress.chunks_total).toBe(chunksOf(app.size) + chunksOf(accessSize));
});

it('reports totals over every job committed so far, and zero before any, keeping each job\'s malformed samples to that job', async () => {
  const { coordinator, sent } = setup();
  expect(coordinator.totalMetrics()).toStrictEqual(toReport(emptyMetrics()));
  registerWorker(coordinator, 'a', 4);
  const first = logs.applog('total-1.log', 100, 1);
  const second = logs.applog('total-2.log', 100, 2);
  await startJob(coordinator, { filepath: first.path, chunk_size: Math.ceil(first.size / 2) });
  await startJob(coordinator, { filepath: second.path, chunk_size: Math.ceil(second.size / 2) });
  await answerAll(coordinator, sent);

  const exact = toReport(mergeAll([analyzeFilePartial(first.path), analyzeFilePartial(second.path)]));
  expect(exact.malformed.samples.length).toBe(2);
  expect(coordinator.totalMetrics()).toStrictEqual({ ...exact, malformed: { ...exact.malformed, samples: [] } });
  const jobs = coordinator.listJobs().map((j) => coordinator.getJob(j.job_id).metrics.malformed.samples.map((sample) => sample.file));
  expect(jobs).toStrictEqual([[first.path], [second.path]]);
});

it('answers job_not_found and chunk_not_found for reports it cannot place', async () => {
  const { coordinator, sent } = setup();
  registerWorker(coordinator, 'a', 1);
  const log = logs.applog('not-found.log', 20);
  const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: log.size });
  const metrics = partialOf(sent[0].task);

  expect(appErrorOf(() => coordinator.reportMetrics({ ...reportKey(sent[0]), job_id: 'nope', metrics }))).toStrictEqual({ code: 'job_not_found', message: 'no job nope' });
  expect(appErrorOf(() => coordinator.reportMetrics({ ...reportKey(sent[0]), chunk_id: 1, metrics }))).toStrictEqual({ code: 'chunk_not_found', message: `job ${jobId} has no chunk 1` });
  expect(appErrorOf(() => coordinator.reportChunkFailure({ ...reportKey(sent[0]), job_id: 'nope', error: 'x' })).code).toBe('job_not_found');
});
