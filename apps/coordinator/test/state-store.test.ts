// Both state stores hold the same records the same way: what one gives back after a sequence of
// transitions, the other does too. SQLite's own guarantees (one coordinator per file, the schema
// version) are checked after.
import { copyFileSync, existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { MemoryStore } from '../src/state/memory-store';
import type { ChunkRecord, InputRecord, JobRecord, LeaseRecord } from '../src/state/records';
import { SqliteStore } from '../src/state/sqlite-store';
import type { StateStore } from '../src/state/state-store';
import { errorMessageOf, T0, useTempLogs } from './helpers';

const logs = useTempLogs();

const job = (jobId: string, seq: number): JobRecord => ({
  job_id: jobId,
  seq,
  status: 'queued',
  planned: false,
  created_at: T0 + seq,
  finished_at: null,
  error: null,
  parsing: { format: 'applog', log_format: '$remote_addr' },
  requested_chunk_size: 10,
  chunk_size: null,
  chunks_reassigned: 0,
  backup_attempts: 0,
  results_refused: 0,
});

const input = (jobId: string, inputId: number): InputRecord => ({
  job_id: jobId,
  input_id: inputId,
  input: { kind: 'file', path: `/logs/${jobId}-${inputId}.log` },
  snapshot: null,
  appended_bytes: null,
});

const chunk = (jobId: string, chunkId: number): ChunkRecord => ({
  job_id: jobId,
  chunk_id: chunkId,
  input_id: 0,
  start: chunkId * 10,
  size: 10,
  state: 'pending',
  attempts: 0,
  failures: 0,
  last_error: null,
  committed_token: null,
  owned_bytes: null,
});

const lease = (jobId: string, chunkId: number, token: string): LeaseRecord => ({
  token,
  job_id: jobId,
  chunk_id: chunkId,
  attempt: 1,
  worker_id: 'w1',
  granted_at: T0,
  expires_at: T0 + 3000,
  deadline_at: T0 + 60_000,
  backup: chunkId === 1,
  acknowledged_at: T0 + 5,
});

const tokenA = 'a'.repeat(32);
const tokenB = 'b'.repeat(32);
const tokenC = 'c'.repeat(32);

/** Plans job-1 (3 chunks) and job-2 (1 chunk), leases, commits, fails and checkpoints some of it. */
function runTransitions(store: StateStore): void {
  const j1 = job('job-1', 1);
  store.createJob(j1, [input('job-1', 0), input('job-1', 1)]);
  store.addChunks([chunk('job-1', 0), chunk('job-1', 1)]);
  store.addChunks([chunk('job-1', 2)]);
  const snapshot = { size: 30, mtime_ms: 1.5, dev: 7, ino: 8 };
  store.finishPlan({ ...j1, planned: true, chunk_size: 10 }, [{ ...input('job-1', 0), snapshot }, input('job-1', 1)]);
  const running = { ...j1, planned: true, chunk_size: 10, status: 'running' as const };
  store.grantLease(lease('job-1', 0, tokenA), { ...chunk('job-1', 0), state: 'leased', attempts: 1 }, running);
  store.grantLease(lease('job-1', 1, tokenB), { ...chunk('job-1', 1), state: 'leased', attempts: 1 }, running);
  store.grantLease(lease('job-1', 2, tokenC), { ...chunk('job-1', 2), state: 'leased', attempts: 1 }, running);
  store.commit({ ...chunk('job-1', 0), state: 'committed', attempts: 1, committed_token: tokenA, owned_bytes: 9 }, running, [tokenA], '{"metrics":"zero"}');
  store.checkpoint('job-1', '{"merged":"zero"}');
  store.commit({ ...chunk('job-1', 1), state: 'committed', attempts: 1, committed_token: tokenB, owned_bytes: 11 }, running, [tokenB], Buffer.from('{"metrics":"one"}'));
  store.endLease(tokenC, { ...chunk('job-1', 2), attempts: 1, failures: 1, last_error: 'boom' }, { ...running, chunks_reassigned: 1 });

  store.createJob(job('job-2', 2), [input('job-2', 0)]);
  store.addChunks([chunk('job-2', 0)]);
}

const expectedState = {
  jobs: [
    { ...job('job-1', 1), planned: true, chunk_size: 10, status: 'running', chunks_reassigned: 1 },
    job('job-2', 2),
  ],
  inputs: [{ ...input('job-1', 0), snapshot: { size: 30, mtime_ms: 1.5, dev: 7, ino: 8 } }, input('job-1', 1), input('job-2', 0)],
  chunks: [
    { ...chunk('job-1', 0), state: 'committed', attempts: 1, committed_token: tokenA, owned_bytes: 9 },
    { ...chunk('job-1', 1), state: 'committed', attempts: 1, committed_token: tokenB, owned_bytes: 11 },
    { ...chunk('job-1', 2), attempts: 1, failures: 1, last_error: 'boom' },
    chunk('job-2', 0),
  ],
  leases: [],
};

const text = (body: string | Uint8Array): string => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

describe.each([
  ['MemoryStore', () => new MemoryStore()],
  ['SqliteStore', () => new SqliteStore(logs.path(`state-${Math.random().toString(36).slice(2)}.db`))],
])('%s', (_name, open: () => StateStore) => {
  it('gives back every record as last written, leases and partials ended by commits and checkpoints', () => {
    const store = open();
    runTransitions(store);

    expect(store.load()).toStrictEqual(expectedState);
    expect(store.checkpointOf('job-1')).toBe('{"merged":"zero"}');
    expect([...store.partialsOf('job-1')].map(text)).toStrictEqual(['{"metrics":"one"}']);
    expect([store.checkpointOf('job-2'), [...store.partialsOf('job-2')]]).toStrictEqual([null, []]);
    store.close();
  });

  it('gives back a live lease without its acknowledgement time, which is not stored', () => {
    const store = open();
    store.createJob(job('job-1', 1), [input('job-1', 0)]);
    store.addChunks([chunk('job-1', 0)]);
    store.grantLease(lease('job-1', 0, tokenA), { ...chunk('job-1', 0), state: 'leased', attempts: 1 }, job('job-1', 1));

    expect(store.load().leases).toStrictEqual([{ ...lease('job-1', 0, tokenA), acknowledged_at: null }]);
    store.close();
  });

  it('removes the remaining leases of a job saved as finished', () => {
    const store = open();
    store.createJob(job('job-1', 1), [input('job-1', 0)]);
    store.addChunks([chunk('job-1', 0)]);
    store.grantLease(lease('job-1', 0, tokenA), { ...chunk('job-1', 0), state: 'leased', attempts: 1 }, job('job-1', 1));
    store.saveJob({ ...job('job-1', 1), status: 'failed', error: 'x', finished_at: T0 + 9 }, [{ ...input('job-1', 0), appended_bytes: 4 }], [tokenA]);

    const state = store.load();
    expect([state.jobs, state.inputs, state.leases]).toStrictEqual([[{ ...job('job-1', 1), status: 'failed', error: 'x', finished_at: T0 + 9 }], [{ ...input('job-1', 0), appended_bytes: 4 }], []]);
    store.close();
  });

  it('deletes a job with its inputs, chunks, leases, partials and checkpoint, and nothing of another job', () => {
    const store = open();
    runTransitions(store);
    store.grantLease(lease('job-2', 0, tokenC), { ...chunk('job-2', 0), state: 'leased', attempts: 1 }, job('job-2', 2));
    store.deleteJob('job-1');

    expect(store.load()).toStrictEqual({
      jobs: [job('job-2', 2)],
      inputs: [input('job-2', 0)],
      chunks: [{ ...chunk('job-2', 0), state: 'leased', attempts: 1 }],
      leases: [{ ...lease('job-2', 0, tokenC), acknowledged_at: null }],
    });
    expect([store.checkpointOf('job-1'), [...store.partialsOf('job-1')]]).toStrictEqual([null, []]);
    store.close();
  });

  it('discards the chunks and leases of an interrupted plan, keeping the job', () => {
    const store = open();
    store.createJob(job('job-1', 1), [input('job-1', 0)]);
    store.addChunks([chunk('job-1', 0), chunk('job-1', 1)]);
    store.discardPlan('job-1');

    expect(store.load()).toStrictEqual({ jobs: [job('job-1', 1)], inputs: [input('job-1', 0)], chunks: [], leases: [] });
    store.close();
  });
});

describe('SqliteStore on a file', () => {
  it('keeps every committed transition in the files a crash leaves behind', () => {
    const path = logs.path('crash.db');
    const live = new SqliteStore(path);
    runTransitions(live);
    // A copy of the files while the store is still open is what a killed process leaves on disk.
    copyFileSync(path, logs.path('crash-copy.db'));
    if (existsSync(`${path}-wal`)) copyFileSync(`${path}-wal`, logs.path('crash-copy.db-wal'));

    const reopened = new SqliteStore(logs.path('crash-copy.db'));
    expect(reopened.load()).toStrictEqual(expectedState);
    expect([...reopened.partialsOf('job-1')].map(text)).toStrictEqual(['{"metrics":"one"}']);
    reopened.close();
    live.close();
  });

  it('holds its file locked until closed, so a second coordinator cannot interleave its writes', () => {
    const path = logs.path('locked.db');
    const first = new SqliteStore(path);
    first.createJob(job('job-1', 1), []);
    // A second SqliteStore would wait out better-sqlite3's 5 s busy timeout before failing the same way.
    const reader = new Database(path, { timeout: 0 });

    expect(errorMessageOf(() => reader.prepare('SELECT count(*) FROM jobs').get())).toBe('database is locked');
    first.close();
    expect(reader.prepare('SELECT job_id FROM jobs').pluck().all()).toStrictEqual(['job-1']);
    reader.close();
  });

  it('refuses a state file of another schema version, naming both versions', () => {
    const path = logs.path('future.db');
    const db = new Database(path);
    db.pragma('user_version = 7');
    db.close();

    expect(errorMessageOf(() => new SqliteStore(path))).toBe(`state file ${path} has schema version 7; this coordinator reads version 3`);
  });

  it('closes idempotently', () => {
    const store = new SqliteStore(logs.path('close-twice.db'));
    store.close();
    expect(() => store.close()).not.toThrow();
  });
});
