// A coordinator that dies mid-job and a new one opened on its state: committed chunks are kept, the
// merge is rebuilt from the checkpoint plus the partials committed after it, leases still held by a
// worker are honoured, and the finished job equals the single pass with every chunk committed once.
import { copyFileSync, existsSync } from 'node:fs';
import { analyzeFile, mergeAll, toReport } from '@loganalyzer/core';
import { Coordinator } from '../src/coordinator';
import type { CoordinatorEvent } from '../src/events';
import { MemoryStore } from '../src/state/memory-store';
import { SqliteStore } from '../src/state/sqlite-store';
import type { StateStore } from '../src/state/state-store';
import { appErrorOf, fakeClock, fakeSender, partialOf, registerWorker, reportDone, SentChunk, sends, settle, urlOf, useTempLogs } from './helpers';

const logs = useTempLogs();

interface StoreUnderTest {
  store: StateStore;
  /** The state as a new process finds it after this one died without closing anything. */
  afterCrash(): StateStore;
  /** The state again, once the store afterCrash gave was closed properly. */
  afterClose(): StateStore;
  cleanup(): void;
}

function memoryStore(): StoreUnderTest {
  const store = new MemoryStore();
  return { store, afterCrash: () => store, afterClose: () => store, cleanup: () => {} };
}

function sqliteStore(): StoreUnderTest {
  const path = logs.path(`resume-${Math.random().toString(36).slice(2)}.db`);
  const crashed = `${path}.crashed`;
  const store = new SqliteStore(path);
  return {
    store,
    // The files as a killed process leaves them; the dead process's lock goes with it, its open handle here does not.
    afterCrash() {
      copyFileSync(path, crashed);
      if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, `${crashed}-wal`);
      return new SqliteStore(crashed);
    },
    afterClose: () => new SqliteStore(crashed),
    cleanup: () => store.close(),
  };
}

function coordinatorOn(store: StateStore, clock: ReturnType<typeof fakeClock>) {
  const { sendChunk, sent } = fakeSender();
  const events: CoordinatorEvent[] = [];
  // No prefetch: the test lists every chunk sent, each worker's up to its concurrency.
  const coordinator = new Coordinator({ sendChunk, store, now: clock.now, checkpointIntervalMs: 5000, heartbeatIntervalMs: 1000, workerTimeoutMs: 60_000, leaseMs: 60_000, prefetch: 0 });
  coordinator.events.on((e) => events.push(e));
  return { coordinator, sent, events };
}

const chunkOf = (sent: SentChunk[], chunkId: number): SentChunk => sent.filter((s) => s.task.chunk_id === chunkId).at(-1)!;
const committedChunks = (events: CoordinatorEvent[]): number[] => events.flatMap((e) => (e.type === 'chunk_committed' ? [e.chunk_id] : []));

beforeEach(() => {
  jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
});
afterEach(() => {
  jest.useRealTimers();
});

describe.each([
  ['MemoryStore', memoryStore],
  ['SqliteStore on a temp file', sqliteStore],
])('resuming on %s', (_name, open: () => StoreUnderTest) => {
  it('keeps the committed chunks, merges checkpoint and later partials, honours held leases, and finishes with the single pass', async () => {
    const state = open();
    const clock = fakeClock();
    const log = logs.applog('resumed.log', 1000, 9);
    const first = coordinatorOn(state.store, clock);
    first.coordinator.start();
    registerWorker(first.coordinator, 'a', 3);
    const jobId = first.coordinator.createJob({ filepath: log.path, chunk_size: Math.ceil(log.size / 10) });
    await first.coordinator.idle();
    await settle();
    reportDone(first.coordinator, chunkOf(first.sent, 1));
    reportDone(first.coordinator, chunkOf(first.sent, 0));
    await settle();
    // Two commits, fewer than a checkpoint's 64: it is their age (checkpointIntervalMs) that calls for one.
    clock.advance(5000);
    jest.advanceTimersByTime(1000);
    expect([state.store.checkpointOf(jobId) !== null, [...state.store.partialsOf(jobId)].length]).toStrictEqual([true, 0]);
    reportDone(first.coordinator, chunkOf(first.sent, 3));
    await settle();
    expect([...state.store.partialsOf(jobId)].length).toBe(1);
    expect(sends(first.sent)).toStrictEqual([
      ['a', 0, 1],
      ['a', 1, 1],
      ['a', 2, 1],
      ['a', 3, 1],
      ['a', 4, 1],
      ['a', 5, 1],
    ]);
    // The process dies: its timers stop, nothing is closed or checkpointed.
    jest.clearAllTimers();

    const second = coordinatorOn(state.afterCrash(), clock);
    second.coordinator.start();
    const resumed = second.coordinator.getJob(jobId);
    expect(second.events.filter((e) => e.type === 'job_resumed')).toStrictEqual([{ type: 'job_resumed', job_id: jobId, chunks_done: 3, chunks_total: 10 }]);
    expect([resumed.status, resumed.progress.chunks_done]).toStrictEqual(['running', 3]);
    expect(resumed.metrics).toStrictEqual(toReport(mergeAll([0, 1, 3].map((id) => partialOf(chunkOf(first.sent, id).task)))));

    // The worker outlived the coordinator and still holds chunks 2 and 5 (4 it has lost).
    await expect(registerWorker(second.coordinator, 'a', 3)).resolves.toBe('registered');
    const held = [chunkOf(first.sent, 2), chunkOf(first.sent, 5)];
    expect(second.coordinator.heartbeat('a', held.map((s) => s.task.lease_token))).toStrictEqual({ drop: [] });
    expect(reportDone(second.coordinator, held[0])).toStrictEqual({ accepted: true, reason: 'committed' });
    clock.advance(1501);
    expect(second.coordinator.heartbeat('a', [held[1].task.lease_token])).toStrictEqual({ drop: [] });
    expect(second.events.filter((e) => e.type === 'chunk_expired').map((e) => e.type === 'chunk_expired' && [e.chunk_id, e.reason])).toStrictEqual([[4, 'worker a no longer holds it']]);
    expect(reportDone(second.coordinator, held[1])).toStrictEqual({ accepted: true, reason: 'committed' });
    expect(reportDone(second.coordinator, chunkOf(first.sent, 0))).toStrictEqual({ accepted: false, reason: 'duplicate' });
    expect(appErrorOf(() => reportDone(second.coordinator, chunkOf(first.sent, 4))).code).toBe('lease_not_live');

    await settle();
    for (let next = 0; next < second.sent.length; next++) {
      second.sent[next].accept();
      reportDone(second.coordinator, second.sent[next]);
      await settle();
    }
    await second.coordinator.idle();

    expect(sends(second.sent).sort((x, y) => x[1] - y[1])).toStrictEqual([
      ['a', 4, 2],
      ['a', 6, 1],
      ['a', 7, 1],
      ['a', 8, 1],
      ['a', 9, 1],
    ]);
    const finished = second.coordinator.getJob(jobId);
    expect([finished.status, finished.progress.chunks_done, finished.progress.chunks_reassigned]).toStrictEqual(['completed', 10, 1]);
    expect(finished.metrics).toStrictEqual(await analyzeFile(log.path));
    const commits = [...committedChunks(first.events), ...committedChunks(second.events)].sort((x, y) => x - y);
    expect(commits).toStrictEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(second.coordinator.listWorkers().map((w) => [w.url, w.chunks_done])).toStrictEqual([[urlOf('a'), 7]]);

    await second.coordinator.close();
    const third = coordinatorOn(state.afterClose(), clock);
    third.coordinator.start();
    expect(third.events.filter((e) => e.type === 'job_resumed')).toStrictEqual([]);
    expect([third.coordinator.getJob(jobId).status, third.coordinator.getJob(jobId).metrics]).toStrictEqual(['completed', await analyzeFile(log.path)]);
    await third.coordinator.close();
    state.cleanup();
  });

  it('plans again a job whose planning the crash interrupted', async () => {
    const state = open();
    const clock = fakeClock();
    const log = logs.applog('replanned.log', 200, 4);
    const first = coordinatorOn(state.store, clock);
    // 5000 one-byte-ish chunks: three batches, and the crash comes after the first.
    const jobId = first.coordinator.createJob({ filepath: log.path, chunk_size: Math.ceil(log.size / 5000) });
    while (first.coordinator.getJob(jobId).progress.chunks_total === 0) await new Promise((resolve) => setImmediate(resolve));
    expect(state.store.load().chunks).toHaveLength(2000);
    // The process dies. Closing without waiting is the nearest thing here: its planning stops at the next
    // batch and writes nothing more (a real crash writes nothing at all).
    const dying = first.coordinator.close();

    const second = coordinatorOn(state.afterCrash(), clock);
    second.coordinator.start();
    await second.coordinator.idle();
    const job = second.coordinator.getJob(jobId);
    expect([job.status, job.progress.chunks_total, job.chunk_size]).toStrictEqual(['queued', Math.ceil(log.size / Math.ceil(log.size / 5000)), Math.ceil(log.size / 5000)]);
    await second.coordinator.close();
    await dying;
    state.cleanup();
  });
});
