// The coordinator's HTTP surface: the contract's routes mapped onto a Coordinator, behind the cluster
// token, with a body limit per route. Never listens.
import type { IncomingMessage } from 'node:http';
import { coordinatorContract, coordinatorOpenApi, EVENT_STREAM_CONTENT_TYPE, Input } from '@loganalyzer/contract';
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
import type { Coordinator } from './coordinator';
import { EventStreamHub } from './dashboard/event-stream-hub';
import { dashboardAssets } from './dashboard/static-assets';
import { coordinatorMetrics } from './telemetry/coordinator-metrics';
import { WorkerHostPolicy } from './worker-hosts';

const s = initServer();

function bracketIPv6(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * Largest request bodies accepted. A chunk's partial grows with the distinct minutes and seconds it
 * covers, not with its bytes: a 1 GiB chunk of a log spanning a month reports ~35 MB. Beyond the limit
 * the answer is 413 and the worker reports the chunk as failed instead of retrying. Everything else is
 * small: a job of 10,000 inputs with 100-byte paths is 1 MB.
 */
export const BODY_LIMITS = {
  byPath: { '/metrics': '512mb', '/jobs': '2mb', '/health': '256kb' },
  otherwise: '16kb',
} as const;
export const MAX_REPORT_BYTES = BODY_LIMITS.byPath['/metrics'];

export interface CoordinatorAppOptions {
  /** The cluster token every route but GET /livez requires; undefined: none (a loopback-only coordinator). */
  token?: string;
  /** Where inputs may be; default unrestricted. */
  dataRoots?: DataRoots;
  /** Which worker hosts registrations may name; default: only the address each registration came from. */
  workerHosts?: Pick<WorkerHostPolicy, 'check'>;
  /** Serves GET /events; main.ts passes its own to close it on shutdown. Default: one for this app. */
  eventStream?: EventStreamHub;
  /** What GET /metrics/prometheus serves; default: coordinatorMetrics(coordinator), counting from now. */
  metrics?: Registry;
  /** Where unexpected errors are logged; default: JSON lines on stderr. */
  logger?: Logger;
}

/** The request's bytes as received: a committed report is stored as it came, not serialized again. */
const rawBodies = new WeakMap<IncomingMessage, Buffer>();

export function createApp(coordinator: Coordinator, options: CoordinatorAppOptions = {}): Express {
  const dataRoots = options.dataRoots ?? DataRoots.unrestricted();
  const workerHosts = options.workerHosts ?? new WorkerHostPolicy();
  const eventStream = options.eventStream ?? new EventStreamHub(coordinator);
  const metrics = options.metrics ?? coordinatorMetrics(coordinator);
  const logger = options.logger ?? createLogger({ name: 'coordinator' });
  const router = s.router(coordinatorContract, {
    livez: async () => ({ status: 200, body: { status: 'ok' as const } }),
    ...telemetryHandlers(metrics, coordinatorOpenApi),
    register: async ({ body, req }) => {
      const host = await workerHosts.check(body.host, req.socket.remoteAddress ?? '');
      const url = `${body.tls ? 'https' : 'http'}://${bracketIPv6(host)}:${body.port}`;
      const status = await coordinator.register({ worker_id: body.worker_id, url, concurrency: body.concurrency ?? 1 });
      return { status: 200, body: { worker_id: body.worker_id, status, heartbeat_interval_ms: coordinator.heartbeatIntervalMs } };
    },
    deregister: async ({ body }) => {
      const left = coordinator.deregister(body.worker_id);
      if (!left) throw new AppError('worker_not_registered', `worker ${body.worker_id} is not registered`);
      return { status: 200, body: { worker_id: body.worker_id, released: left.released } };
    },
    heartbeat: async ({ body }) => {
      const { worker_id, leases, ...load } = body;
      const renewed = coordinator.heartbeat(worker_id, leases ?? [], load);
      if (!renewed) throw new AppError('worker_not_registered', `worker ${body.worker_id} is not registered; register again`);
      return { status: 200, body: { ok: true, heartbeat_interval_ms: coordinator.heartbeatIntervalMs, drop: renewed.drop } };
    },
    reportMetrics: async ({ body, req }) => ({ status: 200, body: coordinator.reportMetrics(body, rawBodies.get(req)) }),
    reportChunkFailure: async ({ body }) => ({ status: 200, body: coordinator.reportChunkFailure(body) }),
    getMetrics: async () => ({ status: 200, body: coordinator.totalMetrics() }),
    events: async ({ res }) => {
      const stream = eventStream.open(res);
      res.setHeader('Cache-Control', 'no-store');
      // nginx and the like buffer responses by default, which would hold the stream back.
      res.setHeader('X-Accel-Buffering', 'no');
      res.setHeader('Content-Type', EVENT_STREAM_CONTENT_TYPE);
      // ts-rest's Express adapter pipes a Stream body; the contract types what arrives: text.
      return { status: 200, body: stream as unknown as string };
    },
    listWorkers: async () => ({ status: 200, body: { workers: coordinator.listWorkers() } }),
    createJob: async ({ body }) => {
      // Each input is confined (symlinks followed) before the job exists; the job reads the real path.
      // A bare path is a file input, whose first bytes decide at planning how it is read (input-probe.ts).
      const given = body.inputs ?? [body.filepath as string];
      const inputs: Input[] = [];
      for (const input of given) {
        const { kind, path } = typeof input === 'string' ? { kind: 'file' as const, path: input } : input;
        inputs.push({ kind, path: await dataRoots.confine(path) });
      }
      return { status: 201, body: { job_id: coordinator.createJob({ ...body, filepath: undefined, inputs }) } };
    },
    listJobs: async () => ({ status: 200, body: { jobs: coordinator.listJobs() } }),
    getJob: async ({ params }) => ({ status: 200, body: coordinator.getJob(params.job_id) }),
    getJobProgress: async ({ params }) => ({ status: 200, body: coordinator.requireJobProgress(params.job_id) }),
    deleteJob: async ({ params }) => {
      coordinator.deleteJob(params.job_id);
      return { status: 200, body: { job_id: params.job_id, deleted: true as const } };
    },
  });

  const app = express();
  app.disable('x-powered-by');
  app.use(requestLatency(metrics));
  // The page and its scripts hold no data: the one public part besides /livez (README, Security model).
  app.use(dashboardAssets());
  // Authentication before parsing: a request without the token costs no body read.
  app.use(requireBearerToken(options.token));
  app.use((req, _res, next) => {
    if (coordinator.isClosing && req.path !== '/livez') return next(new AppError('shutting_down', 'the coordinator is shutting down; retry against its next start'));
    next();
  });
  app.use(
    jsonBodies({
      ...BODY_LIMITS,
      verify: (req, buf) => {
        if (req.url === '/metrics') rawBodies.set(req, buf);
      },
    }),
  );
  createExpressEndpoints(coordinatorContract, router, app, { requestValidationErrorHandler: respondWithValidationError });
  app.use(notFoundHandler());
  app.use(errorHandler((err) => logger.error({ err }, 'unexpected error')));
  return app;
}
