// A job's life outside its chunks: planning (the chunk limit, yielding while it plans, snapshots, inputs
// that cannot be read), completion (appended bytes, coverage), deletion, pruning, and the options.
import { appendFileSync, statSync } from 'node:fs';
import type { Input, InputSnapshot } from '@loganalyzer/contract';
import { analyzeFilePartial, emptyMetrics, toReport } from '@loganalyzer/core';
import { Coordinator } from '../src/coordinator';
import { fileProbe, InputProbe } from '../src/input-probe';
import { MemoryStore } from '../src/state/memory-store';
import { appErrorOf, errorMessageOf, fakeSender, partialOf, registerWorker, reportDone, SentChunk, settle, setup, startJob, useTempLogs } from './helpers';

const logs = useTempLogs();

async function answerAll(coordinator: Coordinator, sent: SentChunk[]): Promise<void> {
  for (let next = 0; next < sent.length; next++) {
    sent[next].accept();
    reportDone(coordinator, sent[next]);
    await settle();
  }
  await coordinator.idle();
}

function snapshotOf(path: string): InputSnapshot {
  const stat = statSync(path);
  return { size: stat.size, mtime_ms: stat.mtimeMs, dev: stat.dev, ino: stat.ino };
}

/** A probe that answers only when the test releases it. */
function gatedProbe() {
  const waiting: Array<{ input: Input; release(): void; fail(err: Error): void }> = [];
  const probe: InputProbe = (input) =>
    new Promise((resolve, reject) => waiting.push({ input, release: () => void fileProbe(input).then(resolve, reject), fail: reject }));
  return { probe, waiting };
}

describe('planning', () => {
  let big = { path: '', size: 0 };
  beforeAll(() => {
    big = logs.applog('multi-megabyte.log', 60_000, 3);
  });

  it('raises a one-byte chunk size on a multi-megabyte input to the smallest size within maxChunksPerJob', async () => {
    const { coordinator, events } = setup({ maxChunksPerJob: 5000 });
    expect(big.size).toBeGreaterThan(3_000_000);
    const jobId = await startJob(coordinator, { filepath: big.path, chunk_size: 1 });

    const chunkSize = Math.ceil(big.size / 5000);
    const chunks = Math.ceil(big.size / chunkSize);
    const job = coordinator.getJob(jobId);
    expect([job.chunk_size, job.progress.chunks_total, job.progress.bytes_total]).toStrictEqual([chunkSize, chunks, big.size]);
    expect(chunks).toBeLessThanOrEqual(5000);
    expect(events.filter((e) => e.type === 'job_planned')).toStrictEqual([
      { type: 'job_planned', job_id: jobId, inputs: 1, chunks, bytes: big.size, chunk_size: chunkSize, raised_from: 1 },
    ]);
  });

  it('plans in batches and answers heartbeats between them, sending nothing before the plan is whole', async () => {
    const { coordinator, sent, events } = setup({ maxChunksPerJob: 7000 });
    registerWorker(coordinator, 'a', 1);
    const jobId = coordinator.createJob({ filepath: big.path, chunk_size: 1 });
    const seenWhilePlanning: number[] = [];
    const heartbeats: Array<{ drop: string[] } | null> = [];
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (events.some((e) => e.type === 'job_planned')) break;
      const total = coordinator.getJob(jobId).progress.chunks_total;
      if (total > 0) {
        heartbeats.push(coordinator.heartbeat('a', []));
        expect(sent).toHaveLength(0);
      }
      if (total > 0 && seenWhilePlanning.at(-1) !== total) seenWhilePlanning.push(total);
    }
    await coordinator.idle();
    await settle();

    expect(seenWhilePlanning.slice(0, 3)).toStrictEqual([2000, 4000, 6000]);
    expect(heartbeats.length).toBeGreaterThanOrEqual(3);
    expect(heartbeats.every((h) => h?.drop.length === 0)).toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('refuses a job with more inputs than maxChunksPerJob before creating it', () => {
    const { coordinator } = setup({ maxChunksPerJob: 2 });
    expect(appErrorOf(() => coordinator.createJob({ inputs: ['/a', '/b', '/c'] }))).toStrictEqual({
      code: 'too_many_chunks',
      message: '3 inputs need at least as many chunks; this coordinator allows 2 per job',
    });
    expect(coordinator.listJobs()).toStrictEqual([]);
  });

  it('refuses an nginx log_format that does not compile, naming the field', () => {
    const { coordinator } = setup();
    expect(appErrorOf(() => coordinator.createJob({ filepath: '/a', log_format: '$remote_addr$remote_user' }))).toStrictEqual({
      code: 'validation_failed',
      message: 'body.log_format: invalid nginx log_format: $remote_addr and $remote_user are adjacent, so where one ends is ambiguous; put a literal between them',
    });
  });

  it('records each input\'s size and identity at planning and sends them with every chunk', async () => {
    const { coordinator, sent } = setup();
    registerWorker(coordinator, 'a', 4);
    const first = logs.applog('snap-1.log', 100, 1);
    const second = logs.applog('snap-2.log', 100, 2);
    const jobId = await startJob(coordinator, { inputs: [first.path, second.path], chunk_size: 2000 });

    const job = coordinator.getJob(jobId);
    expect(job.input_progress.map((i) => i.snapshot)).toStrictEqual([snapshotOf(first.path), snapshotOf(second.path)]);
    const paths = [...Array(Math.ceil(first.size / 2000)).fill(first.path), ...Array(Math.ceil(second.size / 2000)).fill(second.path)];
    expect(sent.map((s) => [s.task.input.path, s.task.snapshot])).toStrictEqual(paths.slice(0, 4).map((path) => [path, snapshotOf(path)]));
    expect(paths.slice(0, 4)).toContain(second.path);
  });

  it('fails a job whose input is missing or a directory, naming it, and sends nothing', async () => {
    const { coordinator, sent } = setup();
    registerWorker(coordinator, 'a', 1);
    const ok = logs.applog('fine.log', 10);
    const missing = logs.path('missing.log');
    const dir = logs.dir('a-directory');
    const missingJob = await startJob(coordinator, { inputs: [ok.path, missing] });
    const dirJob = await startJob(coordinator, { filepath: dir });

    expect([coordinator.getJob(missingJob).status, coordinator.getJob(missingJob).error]).toStrictEqual(['failed', `log file not found: ${missing}`]);
    expect(coordinator.getJob(dirJob).error).toBe(`cannot read log file ${dir}: not a regular file`);
    expect(sent).toHaveLength(0);
  });

  it('completes a job over an empty file at once, with no chunks and zero metrics', async () => {
    const { coordinator, sent } = setup();
    registerWorker(coordinator, 'a', 1);
    const jobId = await startJob(coordinator, { filepath: logs.write('empty.log', '') });

    const job = coordinator.getJob(jobId);
    expect([job.status, job.progress.chunks_total, job.metrics, sent.length]).toStrictEqual(['completed', 0, toReport(emptyMetrics()), 0]);
  });
});

describe('completion', () => {
  it('counts bytes appended during the job, and analyzes only the planned ones', async () => {
    const { coordinator, sent, events } = setup();
    registerWorker(coordinator, 'a', 2);
    const log = logs.applog('growing.log', 300);
    const planned = snapshotOf(log.path);
    const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 3) });
    const appended = '2024-01-24 12:00:00 ERROR written after planning\n';
    appendFileSync(log.path, appended);
    await answerAll(coordinator, sent);

    const job = coordinator.getJob(jobId);
    expect([job.status, job.progress.appended_bytes, job.input_progress[0].appended_bytes, job.progress.bytes_total]).toStrictEqual(['completed', appended.length, appended.length, log.size]);
    expect(job.metrics).toStrictEqual(toReport(analyzeFilePartial(log.path, { snapshot: planned })));
    expect(events.find((e) => e.type === 'job_completed')).toStrictEqual({ type: 'job_completed', job_id: jobId, chunks: 3, reassigned: 0, appended_bytes: appended.length });
  });

  it('fails a job whose committed chunks do not cover its input\'s planned bytes', async () => {
    const { coordinator, sent } = setup();
    registerWorker(coordinator, 'a', 2);
    const log = logs.applog('short-cover.log', 100);
    const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 2) });
    reportDone(coordinator, sent[0]);
    const short = partialOf(sent[1].task);
    reportDone(coordinator, sent[1], { ...short, bytes: short.bytes - 1 });
    await coordinator.idle();

    const job = coordinator.getJob(jobId);
    expect([job.status, job.error]).toStrictEqual([
      'failed',
      `the chunks of ${log.path} cover ${log.size - 1} bytes, but ${log.size} were planned: the input changed during the job, or a worker read the wrong bytes`,
    ]);
  });
});

describe('deleting and pruning', () => {
  it('deletes a running job: its workers are told to drop it, its reports are not found, the store forgets it', async () => {
    const store = new MemoryStore();
    const { coordinator, sent } = setup({ store });
    registerWorker(coordinator, 'a', 2);
    const log = logs.applog('deleted.log', 100);
    const jobId = await startJob(coordinator, { filepath: log.path, chunk_size: Math.ceil(log.size / 3) });
    reportDone(coordinator, sent[0]);
    coordinator.deleteJob(jobId);

    expect(coordinator.heartbeat('a', [sent[1].task.lease_token])).toStrictEqual({ drop: [sent[1].task.lease_token] });
    expect(appErrorOf(() => reportDone(coordinator, sent[1]))).toStrictEqual({ code: 'job_not_found', message: `no job ${jobId}` });
    expect(appErrorOf(() => coordinator.getJob(jobId))).toStrictEqual({ code: 'job_not_found', message: `no job ${jobId}` });
    expect(appErrorOf(() => coordinator.deleteJob(jobId)).code).toBe('job_not_found');
    expect([coordinator.listJobs(), coordinator.listWorkers()[0].chunks_in_flight]).toStrictEqual([[], 0]);
    expect(store.load()).toStrictEqual({ jobs: [], inputs: [], chunks: [], leases: [] });
    expect([store.checkpointOf(jobId), [...store.partialsOf(jobId)]]).toStrictEqual([null, []]);
  });

  it('leaves nothing in the store of a job deleted while its input was probed, even when the probe then fails', async () => {
    const store = new MemoryStore();
    const gate = gatedProbe();
    const { coordinator, events } = setup({ store, probe: gate.probe });
    const jobId = coordinator.createJob({ filepath: logs.path('never-there.log') });
    coordinator.deleteJob(jobId);
    gate.waiting[0].fail(new Error('log file not found'));
    await coordinator.idle();

    expect(store.load().jobs).toStrictEqual([]);
    expect(coordinator.listJobs()).toStrictEqual([]);
    expect(events.filter((e) => e.type === 'job_failed')).toStrictEqual([]);
  });

  it('leaves nothing in the store of a job deleted while its completion was being checked', async () => {
    const store = new MemoryStore();
    const gate = gatedProbe();
    const { coordinator, sent } = setup({ store, probe: gate.probe });
    registerWorker(coordinator, 'a', 1);
    const log = logs.applog('deleted-at-the-end.log', 20);
    const jobId = coordinator.createJob({ filepath: log.path, chunk_size: log.size });
    gate.waiting[0].release();
    await coordinator.idle();
    await settle();
    reportDone(coordinator, sent[0]);
    expect(gate.waiting).toHaveLength(2);
    coordinator.deleteJob(jobId);
    gate.waiting[1].release();
    await coordinator.idle();

    expect(store.load().jobs).toStrictEqual([]);
    expect(new Coordinator({ sendChunk: fakeSender().sendChunk, store }).listJobs()).toStrictEqual([]);
  });

  it('keeps only the newest retainFinishedJobs finished jobs when a job is created', async () => {
    const store = new MemoryStore();
    const { coordinator } = setup({ store, retainFinishedJobs: 1 });
    const ids: string[] = [];
    for (const name of ['gone-1.log', 'gone-2.log', 'gone-3.log']) {
      ids.push(coordinator.createJob({ filepath: logs.path(name) }));
      await coordinator.idle();
    }

    // Pruning runs as a job is created: the third saw two finished jobs and kept the newer.
    expect(coordinator.listJobs().map((j) => [j.job_id, j.status])).toStrictEqual([
      [ids[1], 'failed'],
      [ids[2], 'failed'],
    ]);
    expect(store.load().jobs.map((j) => j.job_id)).toStrictEqual([ids[1], ids[2]]);
  });

  it('lists jobs oldest first as summaries', async () => {
    const { coordinator } = setup();
    const log = logs.applog('listed.log', 10);
    const first = coordinator.createJob({ filepath: log.path });
    const second = coordinator.createJob({ inputs: [{ kind: 'file', path: log.path }, log.path] });

    expect(coordinator.listJobs()).toStrictEqual([
      { job_id: first, filepath: log.path, inputs: 1, status: 'queued', created_at: '2024-01-24T10:00:00.000Z', finished_at: null },
      { job_id: second, filepath: log.path, inputs: 2, status: 'queued', created_at: '2024-01-24T10:00:00.000Z', finished_at: null },
    ]);
    await coordinator.idle();
  });
});

it('refuses options that cannot work, naming them', () => {
  const { sendChunk } = fakeSender();
  const cases: Array<[object, string]> = [
    [{ heartbeatIntervalMs: 0 }, 'heartbeat interval must be a positive number, got 0'],
    [{ workerTimeoutMs: -1 }, 'worker timeout must be a positive number, got -1'],
    [{ leaseMs: NaN }, 'lease time must be a positive number, got NaN'],
    [{ deadlineBaseMs: Infinity }, 'deadline base must be a positive number, got Infinity'],
    [{ deadlineBytesPerSecond: 0 }, 'deadline rate must be a positive number, got 0'],
    [{ maxAttempts: 1.5 }, 'max attempts must be a positive integer, got 1.5'],
    [{ maxAttempts: 0 }, 'max attempts must be a positive integer, got 0'],
    [{ maxChunksPerJob: 0 }, 'max chunks per job must be a positive integer, got 0'],
    [{ maxChunksPerJob: 2.5 }, 'max chunks per job must be a positive integer, got 2.5'],
    [{ stragglerFactor: -2 }, 'straggler factor must be a positive number, got -2'],
    [{ retainFinishedJobs: -1 }, 'retained jobs must be a non-negative integer, got -1'],
    [{ forgetInactiveAfterMs: 0 }, 'forget-inactive delay must be a positive number, got 0'],
    [{ prefetch: -1 }, 'prefetch must be a non-negative integer, got -1'],
    [{ prefetch: 0.5 }, 'prefetch must be a non-negative integer, got 0.5'],
  ];
  expect(cases.map(([options]) => errorMessageOf(() => new Coordinator({ sendChunk, ...options })))).toStrictEqual(cases.map(([, message]) => message));
});
