// Submits a job to a coordinator and follows it to the end.
import type { CoordinatorClient, Job, LogFormat } from '@loganalyzer/contract';

export interface RunJobOptions {
  chunkSize?: number;
  format?: LogFormat;
  /** An nginx log_format string; overrides format. */
  logFormat?: string;
  pollIntervalMs?: number;
  onProgress?: (job: Job) => void;
}

export class JobRequestError extends Error {}

export async function runJob(client: CoordinatorClient, filepath: string, options: RunJobOptions = {}): Promise<Job> {
  const created = await client.createJob({
    body: {
      filepath,
      ...(options.chunkSize ? { chunk_size: options.chunkSize } : {}),
      ...(options.format ? { format: options.format } : {}),
      ...(options.logFormat ? { log_format: options.logFormat } : {}),
    },
  });
  if (created.status !== 201) throw new JobRequestError(`the coordinator refused the job: ${created.body.message}`);
  return waitForJob(client, created.body.job_id, options);
}

export async function waitForJob(client: CoordinatorClient, jobId: string, options: RunJobOptions = {}): Promise<Job> {
  const pollMs = options.pollIntervalMs ?? 100;
  for (;;) {
    const r = await client.getJob({ params: { job_id: jobId } });
    if (r.status !== 200) throw new JobRequestError(`cannot follow job ${jobId}: ${r.body.message}`);
    options.onProgress?.(r.body);
    if (r.body.status === 'completed' || r.body.status === 'failed') return r.body;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
