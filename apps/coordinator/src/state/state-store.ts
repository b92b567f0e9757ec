// Where the coordinator's records survive a restart. Every transition the lease table makes is one call
// here, and each call is one transaction: a crash leaves the state before or after it, never between.
import type { ChunkRecord, InputRecord, JobRecord, LeaseRecord } from './records';

export interface StoredState {
  jobs: JobRecord[];
  inputs: InputRecord[];
  chunks: ChunkRecord[];
  leases: LeaseRecord[];
}

export interface StateStore {
  /** Everything but the metrics, for resuming. */
  load(): StoredState;
  /** The merged metrics of a job's last checkpoint (JSON text), or null. */
  checkpointOf(jobId: string): string | null;
  /** The report bodies (JSON text) of chunks committed since the job's last checkpoint. */
  partialsOf(jobId: string): Iterable<string | Uint8Array>;

  createJob(job: JobRecord, inputs: InputRecord[]): void;
  /** Stores one batch of a job's chunks (planning writes many batches, then finishPlan). */
  addChunks(chunks: ChunkRecord[]): void;
  finishPlan(job: JobRecord, inputs: InputRecord[]): void;
  /** Drops the chunks of a job whose planning a crash interrupted. */
  discardPlan(jobId: string): void;

  grantLease(lease: LeaseRecord, chunk: ChunkRecord, job: JobRecord): void;
  /** A lease that ended without a commit: its chunk's new state and counters, and the job's. */
  endLease(token: string, chunk: ChunkRecord, job: JobRecord): void;
  /** One transaction: the chunk is committed, its partial stored, every lease of it removed. */
  commit(chunk: ChunkRecord, job: JobRecord, tokens: string[], reportBody: string | Uint8Array): void;
  /** A job's status, counters and inputs (at its end); its remaining leases removed when it finished. */
  saveJob(job: JobRecord, inputs: InputRecord[], endedTokens: string[]): void;
  /** One transaction: the merged metrics replace the checkpoint, and the partials they include are dropped. */
  checkpoint(jobId: string, metricsJson: string): void;
  deleteJob(jobId: string): void;
  close(): void;
}
