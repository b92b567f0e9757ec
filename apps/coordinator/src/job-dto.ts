// The coordinator's records as the contract shows them.
import { describeInput, type Job, type JobProgressUpdate, type JobSummary, type MetricsReport, type WorkerInfo } from '@loganalyzer/contract';
import type { JobState } from './job-state';
import type { WorkerEntry } from './worker-registry';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function formatName(job: JobState): string {
  const parsing = job.record.parsing;
  return parsing.log_format !== undefined ? 'custom' : (parsing.format ?? 'auto');
}

export function jobSummary(job: JobState): JobSummary {
  const r = job.record;
  return {
    job_id: r.job_id,
    filepath: job.inputs.length > 0 ? describeInput(job.inputs[0].input) : '',
    inputs: job.inputs.length,
    status: r.status,
    created_at: iso(r.created_at) as string,
    finished_at: iso(r.finished_at),
  };
}

export function jobProgressUpdate(job: JobState): JobProgressUpdate {
  return {
    job_id: job.record.job_id,
    status: job.record.status,
    chunks_total: job.chunks.length,
    chunks_done: job.chunksDone,
    bytes_total: job.bytesTotal,
    bytes_done: job.bytesDone,
  };
}

export function jobBody(job: JobState, metrics: MetricsReport): Job {
  const r = job.record;
  const appended = job.inputs.reduce((sum, i) => sum + (i.appended_bytes ?? 0), 0);
  return {
    ...jobSummary(job),
    format: formatName(job),
    chunk_size: r.chunk_size,
    progress: {
      chunks_total: job.chunks.length,
      chunks_done: job.chunksDone,
      bytes_total: job.bytesTotal,
      bytes_done: job.bytesDone,
      chunks_reassigned: r.chunks_reassigned,
      backup_attempts: r.backup_attempts,
      results_refused: r.results_refused,
      appended_bytes: appended,
    },
    input_progress: job.inputs.map((i) => ({
      input: i.input,
      snapshot: i.snapshot,
      chunks_total: job.inputChunksTotal[i.input_id],
      chunks_done: job.inputChunksDone[i.input_id],
      bytes_total: i.snapshot?.size ?? 0,
      bytes_done: job.inputBytesDone[i.input_id],
      appended_bytes: i.appended_bytes,
    })),
    metrics,
    ...(r.error !== null ? { error: r.error } : {}),
  };
}

export function workerInfo(w: WorkerEntry, chunksInFlight: number): WorkerInfo {
  return {
    worker_id: w.worker_id,
    url: w.url,
    status: w.status,
    last_heartbeat: iso(w.last_heartbeat) as string,
    registered_at: iso(w.registered_at) as string,
    concurrency: w.concurrency,
    chunks_in_flight: chunksInFlight,
    chunks_done: w.chunks_done,
    ...w.load,
    ...(w.bytes_per_second !== undefined ? { bytes_per_second: w.bytes_per_second } : {}),
  };
}
