// The worker's HTTP surface, behind the cluster token: accept chunks (202 at once) of files inside its
// data roots, and answer liveness and health checks. Never listens.
import { ChunkTask, isCompressed, workerContract, workerOpenApi } from '@loganalyzer/contract';
import {
  AppError,
  createLogger,
  DataRoots,
  errorHandler,
  jsonBodies,
  Logger,
  notFoundHandler,
  requestLatency,
  requireBearerToken,
  respondWithValidationError,
  telemetryHandlers,
} from '@loganalyzer/server-kit';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express, { Express } from 'express';
import type { Registry } from 'prom-client';
import type { ChunkWorker } from './chunk-worker';
import { WorkerMetrics } from './telemetry/worker-metrics';

const s = initServer();

/**
 * Largest request bodies accepted. A chunk task is a few hundred bytes; its two free-text fields (a
 * path and a log_format, 4096 characters each) stay far below 64 kB even with every character escaped.
 * No other route takes a body.
 */
export const BODY_LIMITS = {
  byPath: { '/process_chunk': '64kb' },
  otherwise: '1kb',
} as const;

export interface WorkerAppOptions {
  /** The cluster token every route but GET /livez requires; undefined: none (a loopback-only worker). */
  token?: string;
  /** Where the files named in tasks may be; default unrestricted. */
  dataRoots?: DataRoots;
  /** What GET /metrics/prometheus serves; default: a WorkerMetrics registry of this worker's chunks in flight. */
  metrics?: Registry;
  /** Where unexpected errors are logged; default: JSON lines on stderr. */
  logger?: Logger;
}

export function createApp(worker: ChunkWorker, options: WorkerAppOptions = {}): Express {
  const dataRoots = options.dataRoots ?? DataRoots.unrestricted();
  const metrics = options.metrics ?? new WorkerMetrics({ chunksInFlight: () => worker.chunksInFlight }).registry;
  const logger = options.logger ?? createLogger({ name: 'worker' });
  const router = s.router(workerContract, {
    livez: async () => ({ status: 200, body: { status: 'ok' as const } }),
    ...telemetryHandlers(metrics, workerOpenApi),
    processChunk: async ({ body }) => {
      const confined = await confineTask(body, dataRoots);
      // Checked after the await: a shutdown that began meanwhile has stopped waiting for new chunks.
      if (!worker.isAccepting) throw new AppError('shutting_down', `worker ${worker.workerId} is shutting down`);
      worker.accept(confined);
      return { status: 202, body: { accepted: true as const } };
    },
    health: async () => ({
      status: 200,
      body: { status: 'ok' as const, worker_id: worker.workerId, chunks_in_flight: worker.chunksInFlight, concurrency: worker.concurrency },
    }),
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLatency(metrics));
  // Authentication before parsing: a request without the token costs no body read.
  app.use(requireBearerToken(options.token));
  app.use(jsonBodies(BODY_LIMITS));
  createExpressEndpoints(workerContract, router, app, { requestValidationErrorHandler: respondWithValidationError });
  app.use(notFoundHandler());
  app.use(errorHandler((err) => logger.error({ err }, 'unexpected error')));
  return app;
}

/**
 * The task as it will be run: its input resolved to the real path it may read (403 outside the data
 * roots, 400 for anything but a regular file), so the thread opens the file that was checked and not
 * whatever a symlink points to by then. The ids and lease token, which its reports carry, are the task's own.
 */
async function confineTask(task: ChunkTask, dataRoots: DataRoots): Promise<ChunkTask> {
  const path = await dataRoots.confine(task.input.path);
  if (task.start + task.size > task.snapshot.size) {
    throw new AppError(
      'chunk_out_of_range',
      `chunk ${task.chunk_id} of job ${task.job_id}: bytes ${task.start}–${task.start + task.size} end past its input as planned (${task.snapshot.size} bytes)`,
    );
  }
  if (isCompressed(task.input) && (task.start !== 0 || task.size !== task.snapshot.size)) {
    throw new AppError(
      'chunk_out_of_range',
      `chunk ${task.chunk_id} of job ${task.job_id}: a ${task.input.kind} input is read whole (bytes 0–${task.snapshot.size}), not bytes ${task.start}–${task.start + task.size}`,
    );
  }
  // A file now shorter than planned is not refused here: its read fails with input_changed, naming both
  // sizes, and that is reported as a failed attempt of the chunk (a refusal would make the coordinator
  // give up on this worker instead of on the input).
  return { ...task, input: { ...task.input, path } };
}
