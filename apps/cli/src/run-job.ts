// Submits a job to a coordinator and follows it to the end, riding out a coordinator that restarts
// (its jobs survive a restart; the connection does not).
import type { CoordinatorClient, Job, LogFormat } from '@loganalyzer/contract';

export interface RunJobOptions {
  chunkSize?: number;
  format?: LogFormat;
  /** An nginx log_format string; overrides format. */
  logFormat?: string;
  pollIntervalMs?: number;
  /** How long the coordinator may be unreachable while a job is followed; default 60 s. */
  unreachableForMs?: number;
  /** For messages: where the coordinator is. */
  coordinatorUrl?: string;
  onProgress?: (job: Job) => void;
}

export class JobRequestError extends Error {}

export async function runJob(client: CoordinatorClient, inputs: string[], options: RunJobOptions = {}): Promise<Job> {
  const where = options.coordinatorUrl ? ` at ${options.coordinatorUrl}` : '';
  let created;
  try {
    created = await client.createJob({
      body: {
        inputs,
        ...(options.chunkSize ? { chunk_size: options.chunkSize } : {}),
        ...(options.format ? { format: options.format } : {}),
        ...(options.logFormat ? { log_format: options.logFormat } : {}),
      },
    });
  } catch (err) {
    throw new JobRequestError(`cannot reach the coordinator${where} to submit the job: ${(err as Error).message}`);
  }
  if (created.status !== 201) throw new JobRequestError(`the coordinator${where} refused the job: ${created.body.message}`);
  return waitForJob(client, created.body.job_id, options);
}

export async function waitForJob(client: CoordinatorClient, jobId: string, options: RunJobOptions = {}): Promise<Job> {
  const pollMs = options.pollIntervalMs ?? 100;
  const patienceMs = options.unreachableForMs ?? 60_000;
  const where = options.coordinatorUrl ? ` at ${options.coordinatorUrl}` : '';
  let unreachableSince: number | null = null;
  for (;;) {
    let r;
    try {
      r = await client.getJob({ params: { job_id: jobId } });
      unreachableSince = null;
    } catch (err) {
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince > patienceMs) {
        throw new JobRequestError(`lost the coordinator${where} while following job ${jobId}: ${(err as Error).message} for ${Math.round((Date.now() - unreachableSince) / 1000)} s`);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(pollMs, 250)));
      continue;
    }
    if (r.status !== 200) throw new JobRequestError(`cannot follow job ${jobId} on the coordinator${where}: ${r.body.message}`);
    options.onProgress?.(r.body);
    if (r.body.status === 'completed' || r.body.status === 'failed') return r.body;
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
