// The coordinator's HTTP surface: the contract's routes mapped onto a Coordinator. Never listens.
import type { IncomingMessage } from 'node:http';
import { coordinatorContract } from '@loganalyzer/contract';
import { AppError, errorHandler, notFoundHandler, respondWithValidationError } from '@loganalyzer/server-kit';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express, { Express } from 'express';
import type { Coordinator } from './coordinator';

const s = initServer();

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

/** The request's bytes as received: a committed report is stored as it came, not serialized again. */
const rawBodies = new WeakMap<IncomingMessage, Buffer>();

export function createApp(coordinator: Coordinator): Express {
  const router = s.router(coordinatorContract, {
    register: async ({ body, req }) => {
      const host = body.host !== undefined ? bracketIPv6(body.host) : urlHost(req.socket.remoteAddress);
      const status = coordinator.register({ worker_id: body.worker_id, url: `http://${host}:${body.port}`, concurrency: body.concurrency ?? 1 });
      return { status: 200, body: { worker_id: body.worker_id, status, heartbeat_interval_ms: coordinator.heartbeatIntervalMs } };
    },
    heartbeat: async ({ body }) => {
      const renewed = coordinator.heartbeat(body.worker_id, body.leases ?? []);
      if (!renewed) throw new AppError('worker_not_registered', `worker ${body.worker_id} is not registered; register again`);
      return { status: 200, body: { ok: true, heartbeat_interval_ms: coordinator.heartbeatIntervalMs, drop: renewed.drop } };
    },
    reportMetrics: async ({ body, req }) => ({ status: 200, body: coordinator.reportMetrics(body, rawBodies.get(req)) }),
    reportChunkFailure: async ({ body }) => ({ status: 200, body: coordinator.reportChunkFailure(body) }),
    getMetrics: async () => ({ status: 200, body: coordinator.totalMetrics() }),
    listWorkers: async () => ({ status: 200, body: { workers: coordinator.listWorkers() } }),
    createJob: async ({ body }) => ({ status: 201, body: { job_id: coordinator.createJob(body) } }),
    listJobs: async () => ({ status: 200, body: { jobs: coordinator.listJobs() } }),
    getJob: async ({ params }) => ({ status: 200, body: coordinator.getJob(params.job_id) }),
    deleteJob: async ({ params }) => {
      coordinator.deleteJob(params.job_id);
      return { status: 200, body: { job_id: params.job_id, deleted: true as const } };
    },
  });

  const app = express();
  app.disable('x-powered-by');
  // A chunk's partial grows with the distinct minutes and seconds it covers, not with its bytes: a
  // 1 GiB chunk of a log spanning a month reports ~35 MB. Beyond this limit the answer is 413 and the
  // worker reports the chunk as failed instead of retrying.
  app.use(
    express.json({
      limit: MAX_REPORT_BYTES,
      verify: (req, _res, buf) => {
        if (req.url === '/metrics') rawBodies.set(req, buf);
      },
    }),
  );
  createExpressEndpoints(coordinatorContract, router, app, { requestValidationErrorHandler: respondWithValidationError });
  app.use(notFoundHandler());
  app.use(errorHandler());
  return app;
}
