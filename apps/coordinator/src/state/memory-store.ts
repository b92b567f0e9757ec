// A StateStore in this process's memory: what `--state :memory:` would give, without SQLite. Records
// are copied in and out, so a second coordinator opened on the same store sees exactly what was
// stored, as it would after a restart (tests use that to resume without a database file).
import type { StateStore, StoredState } from './state-store';
import type { ChunkRecord, InputRecord, JobRecord, LeaseRecord } from './records';

const copy = <T extends object>(record: T): T => structuredClone(record);
const chunkKey = (jobId: string, chunkId: number): string => `${jobId}\u0000${chunkId}`;

export class MemoryStore implements StateStore {
  private readonly jobs = new Map<string, JobRecord>();
  private readonly inputs = new Map<string, InputRecord[]>();
  private readonly chunks = new Map<string, ChunkRecord>();
  private readonly leases = new Map<string, LeaseRecord>();
  private readonly checkpoints = new Map<string, string>();
  private readonly partials = new Map<string, Map<number, string | Uint8Array>>();

  load(): StoredState {
    return {
      jobs: [...this.jobs.values()].map(copy),
      inputs: [...this.inputs.values()].flat().map(copy),
      chunks: [...this.chunks.values()].map(copy),
      leases: [...this.leases.values()].map(copy),
    };
  }

  checkpointOf(jobId: string): string | null {
    return this.checkpoints.get(jobId) ?? null;
  }

  partialsOf(jobId: string): Iterable<string | Uint8Array> {
    return [...(this.partials.get(jobId)?.values() ?? [])];
  }

  createJob(job: JobRecord, inputs: InputRecord[]): void {
    this.jobs.set(job.job_id, copy(job));
    this.inputs.set(job.job_id, inputs.map(copy));
  }

  addChunks(chunks: ChunkRecord[]): void {
    for (const c of chunks) this.chunks.set(chunkKey(c.job_id, c.chunk_id), copy(c));
  }

  finishPlan(job: JobRecord, inputs: InputRecord[]): void {
    this.createJob(job, inputs);
  }

  discardPlan(jobId: string): void {
    for (const [key, c] of this.chunks) if (c.job_id === jobId) this.chunks.delete(key);
  }

  grantLease(lease: LeaseRecord, chunk: ChunkRecord, job: JobRecord): void {
    this.leases.set(lease.token, copy({ ...lease, acknowledged_at: null }));
    this.chunks.set(chunkKey(chunk.job_id, chunk.chunk_id), copy(chunk));
    this.jobs.set(job.job_id, copy(job));
  }

  endLease(token: string, chunk: ChunkRecord, job: JobRecord): void {
    this.leases.delete(token);
    this.chunks.set(chunkKey(chunk.job_id, chunk.chunk_id), copy(chunk));
    this.jobs.set(job.job_id, copy(job));
  }

  commit(chunk: ChunkRecord, job: JobRecord, tokens: string[], reportBody: string | Uint8Array): void {
    for (const token of tokens) this.leases.delete(token);
    this.chunks.set(chunkKey(chunk.job_id, chunk.chunk_id), copy(chunk));
    this.jobs.set(job.job_id, copy(job));
    let partials = this.partials.get(job.job_id);
    if (!partials) this.partials.set(job.job_id, (partials = new Map()));
    partials.set(chunk.chunk_id, reportBody);
  }

  saveJob(job: JobRecord, inputs: InputRecord[], endedTokens: string[]): void {
    for (const token of endedTokens) this.leases.delete(token);
    this.createJob(job, inputs);
  }

  checkpoint(jobId: string, metricsJson: string): void {
    this.checkpoints.set(jobId, metricsJson);
    this.partials.delete(jobId);
  }

  deleteJob(jobId: string): void {
    this.jobs.delete(jobId);
    this.inputs.delete(jobId);
    this.discardPlan(jobId);
    for (const [token, lease] of this.leases) if (lease.job_id === jobId) this.leases.delete(token);
    this.checkpoints.delete(jobId);
    this.partials.delete(jobId);
  }

  close(): void {}
}
