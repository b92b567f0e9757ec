// The records the coordinator keeps, in memory and in its state store: one per job, input, chunk and
// live lease. The lease table (lease-table.ts) is the only code that changes them.
import type { Input, InputSnapshot, JobStatus, LogFormat } from '@loganalyzer/contract';

/** How a job reads its lines; every chunk task carries these fields as they are. */
export interface JobParsing {
  format?: LogFormat;
  log_format?: string;
  /** The time window, epoch ms: lines timestamped outside [since_ms, until_ms) count only as outside_window. */
  since_ms?: number;
  until_ms?: number;
}

export interface JobRecord {
  job_id: string;
  /** Creation order: dispatch serves older jobs first, and listings keep this order. */
  seq: number;
  status: JobStatus;
  /** False until every chunk is stored; a job found unplanned after a restart is planned again. */
  planned: boolean;
  created_at: number;
  finished_at: number | null;
  error: string | null;
  parsing: JobParsing;
  requested_chunk_size: number | null;
  chunk_size: number | null;
  chunks_reassigned: number;
  backup_attempts: number;
  /** Reports refused because their lease was not live (late, superseded, forged). */
  results_refused: number;
}

export interface InputRecord {
  job_id: string;
  input_id: number;
  input: Input;
  snapshot: InputSnapshot | null;
  /** Bytes the input grew by after planning, measured when the job ended. */
  appended_bytes: number | null;
}

export type ChunkStateName = 'pending' | 'leased' | 'committed';

export interface ChunkRecord {
  job_id: string;
  chunk_id: number;
  input_id: number;
  /** Byte range within its input. */
  start: number;
  size: number;
  state: ChunkStateName;
  /** Attempts handed out so far; the next attempt's number is attempts + 1. */
  attempts: number;
  /** Attempts that failed or expired; at the limit the job fails. */
  failures: number;
  last_error: string | null;
  /** The lease token of the attempt that committed: a retried report of it is a duplicate, anything else is refused. */
  committed_token: string | null;
  /** Bytes of the lines the committed partial says it owned; over an input they must add up to its planned size. */
  owned_bytes: number | null;
}

export interface LeaseRecord {
  token: string;
  job_id: string;
  chunk_id: number;
  attempt: number;
  worker_id: string;
  granted_at: number;
  /** Renewed by heartbeats that list the token. */
  expires_at: number;
  /** Never renewed: past it the attempt is taken back even from a worker that keeps renewing. */
  deadline_at: number;
  /** A second attempt started for a straggler. */
  backup: boolean;
  /** When the worker accepted the task; null while the send is in flight. Not stored. */
  acknowledged_at: number | null;
}

export const isFinished = (status: JobStatus): boolean => status === 'completed' || status === 'failed';
