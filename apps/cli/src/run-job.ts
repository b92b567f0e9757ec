// Submits a job to a coordinator and follows it to the end, riding out a coordinator that restarts
// (its jobs survive a restart; the connection does not). A refused token ends it at once: waiting does
// not make a token right.
import type { CoordinatorClient, Job, JobProgressUpdate, LogFormat } from '@loganalyzer/contract';

export interface RunJobOptions {
  chunkSize?: number;
  format?: LogFormat;
  /** An nginx log_format string; overrides format. */
  logFormat?: string;
  /** Only lines at or after this time (epoch ms); sent only when given. */
  sinceMs?: number;
  /** Only lines before this time (epoch ms); sent only when given. */
  untilMs?: number;
  pollIntervalMs?: number;
  /** How long the coordinator may be unreachable while a job is followed; default 60 s. */
  unreachableForMs?: number;
  /** For messages: where the coordinator is. */
  coordinatorUrl?: string;
  /** For messages: whether the client sends a cluster token (a 401 then means the wrong one). */
  sendsToken?: boolean;
  /** Each poll's counters while the job runs. */
  onProgress?: (progress: JobProgressUpdate) => void;
}

export class JobRequestError extends Error {}

/** The coordinator answered 401: the client sent no token, or not the cluster's. */
export class UnauthorizedError extends JobRequestError {}

/** The coordinator could not be reached to submit the job, or was lost for too long while following it. */
export class CoordinatorUnreachableError extends JobRequestError {}

function unauthorized(options: RunJobOptions): UnauthorizedError {
  const at = options.coordinatorUrl ? ` at ${options.coordinatorUrl}` : '';
  return new UnauthorizedError(
    options.sendsToken
      ? `the coordinator${at} refused the token: pass its cluster token with --token, --token-file or LOGANALYZER_TOKEN`
      : `the coordinator${at} needs a token: pass --token, --token-file or LOGANALYZER_TOKEN`,
  );
}

/** TLS verification failures that trusting the coordinator's certificate (--ca) fixes. */
const UNTRUSTED_CERTIFICATE = new Set(['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY']);

export function unreachableReason(err: unknown): string {
  const { message, code } = err as NodeJS.ErrnoException;
  return code !== undefined && UNTRUSTED_CERTIFICATE.has(code) ? `${message} (pass the certificate to trust with --ca)` : message;
}

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
        // Only when given: a coordinator without time windows refuses fields it does not know.
        ...(options.sinceMs !== undefined ? { since_ms: options.sinceMs } : {}),
        ...(options.untilMs !== undefined ? { until_ms: options.untilMs } : {}),
      },
    });
  } catch (err) {
    throw new CoordinatorUnreachableError(`cannot reach the coordinator${where} to submit the job: ${unreachableReason(err)}`);
  }
  if (created.status === 401) throw unauthorized(options);
  if (created.status !== 201) throw new JobRequestError(`the coordinator${where} refused the job: ${created.body.message}`);
  return waitForJob(client, created.body.job_id, options);
}

/**
 * Follows the job on GET /jobs/:job_id/progress (counters only) until it ends, then fetches it whole
 * once. Polling the whole job, whose report is megabytes on a large input, kept the coordinator
 * serializing and this process parsing it ten times a second on the cores the workers analyze on:
 * on 1 GiB of applog (a ~6 MB job), `pnpm analyze` took 1.09× the time it takes now (8 pairs).
 */
export async function waitForJob(client: CoordinatorClient, jobId: string, options: RunJobOptions = {}): Promise<Job> {
  const pollMs = options.pollIntervalMs ?? 100;
  const patienceMs = options.unreachableForMs ?? 60_000;
  const where = options.coordinatorUrl ? ` at ${options.coordinatorUrl}` : '';
  let unreachableSince: number | null = null;
  /** The coordinator's answer, or null after a failed attempt that may be retried (it was waited for). */
  const ask = async <T extends { status: number; body: unknown }>(request: () => Promise<T>): Promise<T | null> => {
    try {
      const r = await request();
      unreachableSince = null;
      if (r.status === 401) throw unauthorized(options);
      if (r.status !== 200) throw new JobRequestError(`cannot follow job ${jobId} on the coordinator${where}: ${(r.body as { message?: string }).message}`);
      return r;
    } catch (err) {
      if (err instanceof JobRequestError) throw err;
      unreachableSince ??= Date.now();
      if (Date.now() - unreachableSince > patienceMs) {
        throw new CoordinatorUnreachableError(`lost the coordinator${where} while following job ${jobId}: ${(err as Error).message} for ${Math.round((Date.now() - unreachableSince) / 1000)} s`);
      }
      await sleep(Math.max(pollMs, 250));
      return null;
    }
  };
  for (;;) {
    const r = await ask(() => client.getJobProgress({ params: { job_id: jobId } }));
    if (r === null) continue;
    const progress = r.body as JobProgressUpdate;
    options.onProgress?.(progress);
    if (progress.status === 'completed' || progress.status === 'failed') break;
    await sleep(pollMs);
  }
  for (;;) {
    const r = await ask(() => client.getJob({ params: { job_id: jobId } }));
    if (r !== null) return r.body as Job;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
