// The coordinator's HTTP surface: the contract's routes mapped onto a Coordinator. Never listens.
import { coordinatorContract } from '@loganalyzer/contract';
import { errorHandler, notFoundHandler, respondWithValidationError } from '@loganalyzer/server-kit';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express, { Express } from 'express';
import { Coordinator, InvalidJobError, NotFoundError } from './coordinator';

const s = initServer();

function notFound(err: unknown): { status: 404; body: { error: string; message: string } } {
  if (err instanceof NotFoundError) return { status: 404, body: { error: err.code, message: err.message } };
  throw err;
}

/** The peer address as a host a URL can hold ("::ffff:127.0.0.1" → "127.0.0.1", IPv6 bracketed). */
function urlHost(address: string | undefined): string {
  if (!address) return '127.0.0.1';
  return bracketIPv6(address.replace(/^::ffff:/, ''));
}

function bracketIPv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Largest request body accepted (chunk results are the large ones). */
export const MAX_REPORT_BYTES = '512mb';

export function createApp(coordinator: Coordinator): Express {
  const router = s.router(coordinatorContract, {
    register: async ({ body, req }) => {
      const host = body.host !== undefined ? bracketIPv6(body.host) : urlHost(req.socket.remoteAddress);
      const status = coordinator.register({
        worker_id: body.worker_id,
        url: `http://${host}:${body.port}`,
        concurrency: body.concurrency ?? 1,
      });
      return { status: 200, body: { worker_id: body.worker_id, status, heartbeat_interval_ms: coordinator.heartbeatIntervalMs } };
    },
    heartbeat: async ({ body }) => {
      if (!coordinator.heartbeat(body.worker_id)) {
        return { status: 404, body: { error: 'worker_not_registered', message: `worker ${body.worker_id} is not registered; register again` } };
      }
      return { status: 200, body: { ok: true, heartbeat_interval_ms: coordinator.heartbeatIntervalMs } };
    },
    reportMetrics: async ({ body }) => {
      try {
        return { status: 200, body: coordinator.reportMetrics(body) };
      } catch (err) {
        return notFound(err);
      }
    },
    reportChunkFailure: async ({ body }) => {
      try {
        return { status: 200, body: coordinator.reportChunkFailure(body) };
      } catch (err) {
        return notFound(err);
      }
    },
    getMetrics: async () => ({ status: 200, body: coordinator.totalMetrics() }),
    listWorkers: async () => ({ status: 200, body: { workers: coordinator.listWorkers() } }),
    createJob: async ({ body }) => {
      try {
        const parsing = { ...(body.format ? { format: body.format } : {}), ...(body.log_format ? { log_format: body.log_format } : {}) };
        return { status: 201, body: { job_id: coordinator.createJob(body.filepath, body.chunk_size, parsing) } };
      } catch (err) {
        if (!(err instanceof InvalidJobError)) throw err;
        return {
          status: 400,
          body: {
            error: 'validation_failed' as const,
            message: `body.${err.field}: ${err.message}`,
            issues: [{ location: 'body' as const, path: [err.field], code: 'custom', message: err.message }],
          },
        };
      }
    },
    listJobs: async () => ({ status: 200, body: { jobs: coordinator.listJobs() } }),
    getJob: async ({ params }) => {
      try {
        return { status: 200, body: coordinator.getJob(params.job_id) };
      } catch (err) {
        return notFound(err);
      }
    },
  });

  const app = express();
  app.disable('x-powered-by');
  // A chunk's partial grows with the distinct minutes and seconds it covers, not with its bytes: a
  // 1 GiB chunk of a log spanning a month reports ~35 MB. Beyond this limit the answer is 413 and the
  // worker reports the chunk as failed instead of retrying.
  app.use(express.json({ limit: MAX_REPORT_BYTES }));
  createExpressEndpoints(coordinatorContract, router, app, {
    requestValidationErrorHandler: respondWithValidationError,
  });
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}

