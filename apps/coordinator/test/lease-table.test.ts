// The lease table on its own: every chunk transition, what it writes to the store, and what a
// report's token must be to count.
import { EventBus, CoordinatorEvent } from '../src/events';
import type { JobState } from '../src/job-state';
import { LeaseTable, LeaseTableOptions } from '../src/lease-table';
import { MemoryStore } from '../src/state/memory-store';
import type { ChunkRecord, InputRecord } from '../src/state/records';
import { appErrorOf, T0 } from './helpers';

const OPTIONS: LeaseTableOptions = { leaseMs: 3000, deadlineMs: (bytes) => 10_000 + bytes, maxAttempts: 3, unlistedGraceMs: 1500 };
const TOKEN = /^[0-9a-f]{32}$/;

function chunk(jobId: string, chunkId: number, start: number, size: number): ChunkRecord {
  return { job_id: jobId, chunk_id: chunkId, input_id: 0, start, size, state: 'pending', attempts: 0, failures: 0, last_error: null, committed_token: null, owned_bytes: null };
}

/** A table on a MemoryStore with one planned job of three 100-byte chunks of /logs/a.log. */
function table(options: Partial<LeaseTableOptions> = {}) {
  const store = new MemoryStore();
  const bus = new EventBus();
  const events: CoordinatorEvent[] = [];
  bus.on((e) => events.push(e));
  const leases = new LeaseTable(store, bus, { ...OPTIONS, ...options });
  const input: InputRecord = { job_id: 'job-1', input_id: 0, input: { kind: 'file', path: '/logs/a.log' }, snapshot: { size: 300, mtime_ms: 1, dev: 2, ino: 3 }, appended_bytes: null };
  const job = leases.createJob({ job_id: 'job-1', created_at: T0, parsing: {}, requested_chunk_size: 100 }, [input]);
  leases.addPlannedChunks(job, [chunk('job-1', 0, 0, 100), chunk('job-1', 1, 100, 100), chunk('job-1', 2, 200, 100)]);
  leases.finishPlan(job, 100);
  return { store, leases, job, events };
}

const reportOf = (lease: { worker_id: string; job_id: string; chunk_id: number; token: string }) => ({
  worker_id: lease.worker_id,
  job_id: lease.job_id,
  chunk_id: lease.chunk_id,
  lease_token: lease.token,
});

it('grants a lease with a fresh 32-hex token, the next attempt number, an expiry and a deadline from the chunk size', () => {
  const { leases, job, store } = table();
  const first = leases.claim(job, job.chunks[1], 'w1', T0);

  expect(first).toStrictEqual({
    token: expect.stringMatching(TOKEN),
    job_id: 'job-1',
    chunk_id: 1,
    attempt: 1,
    worker_id: 'w1',
    granted_at: T0,
    expires_at: T0 + 3000,
    deadline_at: T0 + 10_100,
    backup: false,
    acknowledged_at: null,
  });
  expect(job.record.status).toBe('running');
  expect(store.load().leases).toStrictEqual([first]);

  leases.endAttempt(first, 'failed', 'boom', T0 + 5);
  const second = leases.claim(job, job.chunks[1], 'w2', T0 + 10);
  expect([second.attempt, second.token === first.token, second.token]).toStrictEqual([2, false, expect.stringMatching(TOKEN)]);
});

it('renews a listed lease of the worker to now + leaseMs and answers drop for listed tokens that are not its live ones', () => {
  const { leases, job } = table();
  const mine = leases.claim(job, job.chunks[0], 'w1', T0);
  const theirs = leases.claim(job, job.chunks[1], 'w2', T0);
  const unknown = 'f'.repeat(32);

  expect(leases.renew('w1', [mine.token, theirs.token, unknown], T0 + 2000)).toStrictEqual([theirs.token, unknown]);
  expect([mine.expires_at, theirs.expires_at]).toStrictEqual([T0 + 5000, T0 + 3000]);
});

it('never shortens a lease when a heartbeat composed earlier arrives late', () => {
  const { leases, job } = table();
  const lease = leases.claim(job, job.chunks[0], 'w1', T0);
  leases.renew('w1', [lease.token], T0 + 2000);
  leases.renew('w1', [lease.token], T0 + 1000);

  expect(lease.expires_at).toBe(T0 + 5000);
});

it('expires a lease at exactly its expiry, not a millisecond before, naming how long it went unrenewed', () => {
  const { leases, job, events } = table();
  const lease = leases.claim(job, job.chunks[0], 'w1', T0);

  expect(leases.sweep(T0 + 2999)).toBe(0);
  expect(leases.sweep(T0 + 3000)).toBe(1);
  expect(events.at(-1)).toStrictEqual({ type: 'chunk_expired', job_id: 'job-1', chunk_id: 0, attempt: 1, worker_id: 'w1', reason: 'lease not renewed for 3000 ms' });
  expect(leases.lease(lease.token)).toBeUndefined();
  expect(job.chunks[0]).toMatchObject({ state: 'pending', failures: 1, last_error: 'lease not renewed for 3000 ms' });
  expect(job.takePending()).toBe(job.chunks[0]);
});

it('takes an attempt back at its deadline even though every heartbeat renewed it', () => {
  const { leases, job, events } = table();
  const lease = leases.claim(job, job.chunks[0], 'w1', T0);
  for (let t = T0 + 1000; t < T0 + 10_100; t += 1000) {
    expect(leases.renew('w1', [lease.token], t)).toStrictEqual([]);
    expect(leases.sweep(t)).toBe(0);
  }

  expect(leases.sweep(T0 + 10_100)).toBe(1);
  expect(events.at(-1)).toMatchObject({ type: 'chunk_expired', reason: 'attempt passed its deadline of 10100 ms' });
  expect(leases.renew('w1', [lease.token], T0 + 10_200)).toStrictEqual([lease.token]);
});

it('does not renew a lease once its deadline has passed', () => {
  const { leases, job } = table();
  const lease = leases.claim(job, job.chunks[0], 'w1', T0);
  leases.renew('w1', [lease.token], T0 + 9000);
  leases.renew('w1', [lease.token], T0 + 10_100);

  expect(lease.expires_at).toBe(T0 + 12_000);
});

it('expires an accepted lease that heartbeats no longer list once the grace has passed, but never one still being sent', () => {
  const { leases, job, events } = table();
  const accepted = leases.claim(job, job.chunks[0], 'w1', T0);
  const inFlight = leases.claim(job, job.chunks[1], 'w1', T0);
  leases.acknowledge(accepted.token, T0 + 100);

  leases.renew('w1', [], T0 + 1600);
  expect([leases.lease(accepted.token), leases.lease(inFlight.token)]).toStrictEqual([accepted, inFlight]);

  leases.renew('w1', [], T0 + 1601);
  expect([leases.lease(accepted.token), leases.lease(inFlight.token)]).toStrictEqual([undefined, inFlight]);
  expect(events.at(-1)).toMatchObject({ type: 'chunk_expired', chunk_id: 0, reason: 'worker w1 no longer holds it' });
});

it('commits a chunk in one store write that ends its backup lease too, then answers duplicate only for the committed token', () => {
  const { leases, job, store } = table();
  const original = leases.claim(job, job.chunks[0], 'w1', T0);
  const backup = leases.claim(job, job.chunks[0], 'w2', T0 + 50, true);
  expect(backup).toMatchObject({ attempt: 2, backup: true });
  expect(job.record.backup_attempts).toBe(1);

  const live = leases.liveLease(reportOf(backup));
  expect(live).toStrictEqual({ job, chunk: job.chunks[0], lease: backup });
  expect(leases.commit(job, job.chunks[0], backup, { bytes: 90, lines: 9 }, '{"metrics":{}}', T0 + 150)).toBe(false);

  expect(store.load().leases).toStrictEqual([]);
  expect(store.load().chunks[0]).toStrictEqual({ ...chunk('job-1', 0, 0, 100), state: 'committed', attempts: 2, committed_token: backup.token, owned_bytes: 90 });
  expect([...store.partialsOf('job-1')]).toStrictEqual(['{"metrics":{}}']);
  expect(leases.liveLease(reportOf(backup))).toBe('duplicate');
  expect(appErrorOf(() => leases.liveLease(reportOf(original)))).toStrictEqual({
    code: 'lease_not_live',
    message: 'not the live lease of chunk 0 of job job-1: the chunk was committed by another attempt',
  });
  expect([job.chunksDone, job.bytesDone, job.record.chunks_reassigned]).toStrictEqual([1, 100, 0]);
});

it('answers true from the commit of the last chunk', () => {
  const { leases, job } = table();
  const commits = job.chunks.map((c) => leases.commit(job, c, leases.claim(job, c, 'w1', T0), { bytes: c.size, lines: 1 }, '{}', T0 + 1));

  expect(commits).toStrictEqual([false, false, true]);
});

it('refuses a report for an unknown job, an unknown chunk, another chunk, or another worker', () => {
  const { leases, job } = table();
  const lease = leases.claim(job, job.chunks[0], 'w1', T0);

  expect(appErrorOf(() => leases.liveLease({ ...reportOf(lease), job_id: 'job-2' }))).toStrictEqual({ code: 'job_not_found', message: 'no job job-2' });
  expect(appErrorOf(() => leases.liveLease({ ...reportOf(lease), chunk_id: 3 }))).toStrictEqual({ code: 'chunk_not_found', message: 'job job-1 has no chunk 3' });
  const refused = 'not the live lease of chunk 1 of job job-1: the lease expired or was given to another attempt';
  expect(appErrorOf(() => leases.liveLease({ ...reportOf(lease), chunk_id: 1 }))).toStrictEqual({ code: 'lease_not_live', message: refused });
  expect(appErrorOf(() => leases.liveLease({ ...reportOf(lease), worker_id: 'w2' })).code).toBe('lease_not_live');
  expect(job.record.results_refused).toBe(2);
});

it('fails the job at the attempt limit naming the chunk, its input and byte range, and ends its other leases uncounted', () => {
  const { leases, job, events, store } = table();
  const other = leases.claim(job, job.chunks[2], 'w2', T0);
  for (let attempt = 1; attempt <= 3; attempt++) leases.endAttempt(leases.claim(job, job.chunks[1], 'w1', T0), 'failed', `boom ${attempt}`, T0 + attempt);

  const error = 'chunk 1 (/logs/a.log, bytes 100–200) failed 3 time(s); last error: boom 3';
  expect(job.record).toMatchObject({ status: 'failed', error, finished_at: T0 + 3, chunks_reassigned: 3 });
  expect(events.at(-1)).toStrictEqual({ type: 'job_failed', job_id: 'job-1', error });
  expect(leases.lease(other.token)).toBeUndefined();
  expect(leases.leaseCount('w2')).toBe(0);
  expect(store.load().leases).toStrictEqual([]);
  expect(store.load().jobs[0]).toMatchObject({ status: 'failed', error });
  expect(leases.unfinishedJobs()).toStrictEqual([]);
});

it('keeps a chunk off the queue while its backup still runs after the original ended', () => {
  const { leases, job } = table();
  job.takePending();
  const original = leases.claim(job, job.chunks[0], 'w1', T0);
  leases.claim(job, job.chunks[0], 'w2', T0, true);
  leases.endAttempt(original, 'expired', 'gone', T0 + 1);

  expect(job.chunks[0].state).toBe('leased');
  expect(job.takePending()).toBe(job.chunks[1]);
});

it('expires every lease of a worker at once and answers how many', () => {
  const { leases, job } = table();
  leases.claim(job, job.chunks[0], 'w1', T0);
  leases.claim(job, job.chunks[1], 'w1', T0);
  leases.claim(job, job.chunks[2], 'w2', T0);

  expect(leases.expireWorker('w1', 'restarted', T0 + 1)).toBe(2);
  expect([leases.leaseCount('w1'), leases.leaseCount('w2'), job.record.chunks_reassigned]).toStrictEqual([0, 1, 2]);
});

it('restores leases from the store with a fresh expiry and acknowledged, and their chunks as leased', () => {
  const { leases, job, store } = table();
  const lease = leases.claim(job, job.chunks[1], 'w1', T0);
  leases.commit(job, job.chunks[0], leases.claim(job, job.chunks[0], 'w1', T0), { bytes: 100, lines: 1 }, '{}', T0 + 1);

  const restored = new LeaseTable(store, new EventBus(), OPTIONS);
  expect(restored.load(T0 + 60_000)).toStrictEqual([]);
  const again = restored.job('job-1') as JobState;

  expect(restored.lease(lease.token)).toStrictEqual({ ...lease, expires_at: T0 + 63_000, acknowledged_at: T0 + 60_000 });
  expect(again.chunks.map((c) => c.state)).toStrictEqual(['committed', 'leased', 'pending']);
  expect([again.chunksDone, again.takePending()?.chunk_id, again.takePending()]).toStrictEqual([1, 2, undefined]);
});

it('discards the chunks of a job whose planning was interrupted and answers it for planning again', () => {
  const store = new MemoryStore();
  const leases = new LeaseTable(store, new EventBus(), OPTIONS);
  const job = leases.createJob({ job_id: 'job-1', created_at: T0, parsing: {}, requested_chunk_size: null }, []);
  leases.addPlannedChunks(job, [chunk('job-1', 0, 0, 10)]);

  const restored = new LeaseTable(store, new EventBus(), OPTIONS);
  expect(restored.load(T0).map((j) => j.id)).toStrictEqual(['job-1']);
  expect(store.load().chunks).toStrictEqual([]);
  expect(restored.job('job-1')?.chunks).toStrictEqual([]);
});
