// A stand-in coordinator for the link tests: the real contract served by @ts-rest/express on a real
// port, recording what workers say and answering as each test arranges.
import { createServer } from 'node:net';
import { coordinatorContract, coordinatorOpenApi, type ErrorBody, type ValidationErrorBody } from '@loganalyzer/contract';
import { emptyMetrics, toReport } from '@loganalyzer/core';
import { createMetricsRegistry, errorHandler, listen, requireBearerToken, respondWithValidationError, RunningServer, telemetryHandlers, type TlsFiles } from '@loganalyzer/server-kit';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express from 'express';
import type { z } from 'zod';

type Contract = typeof coordinatorContract;
export type Registration = z.infer<Contract['register']['body']>;
export type Heartbeat = z.infer<Contract['heartbeat']['body']>;
export type MetricsReport = z.infer<Contract['reportMetrics']['body']>;
export type FailureReport = z.infer<Contract['reportChunkFailure']['body']>;
/** A worker that left, and how many leases it still held then (by its last heartbeat, less what it reported since). */
export interface Deregistration {
  worker_id: string;
  released: number;
}

/** An answer of the contract that refuses a report. */
export type Refusal = { status: 409 | 413 | 422; body: ErrorBody } | { status: 400; body: ValidationErrorBody };

export class FakeCoordinator {
  readonly registrations: Registration[] = [];
  readonly heartbeats: Heartbeat[] = [];
  /** Every POST /metrics that reached the server, answered or not. */
  readonly metricsRequests: unknown[] = [];
  /** Every POST /chunk_failures that reached the server, answered or not. */
  readonly failureRequests: unknown[] = [];
  /** The reports answered 200. */
  readonly reports: MetricsReport[] = [];
  readonly failures: FailureReport[] = [];
  readonly deregistrations: Deregistration[] = [];
  /** Called as each heartbeat arrives, before it is answered. */
  onHeartbeat: (heartbeat: Heartbeat) => void = () => {};
  /** Called as each POST /metrics arrives, before it is answered. */
  onMetricsRequest: (body: unknown) => void = () => {};
  /** Answer the next this-many POST /metrics with 503. */
  unavailableReports = 0;
  /** Answer every POST /metrics with this (before validating it), as the coordinator does to a refused result. */
  refuseReports: Refusal | null = null;
  /** Leases that are no longer live: a heartbeat listing one is answered with it in `drop`, a report of one with 409. */
  readonly deadLeases = new Set<string>();
  /** Jobs whose reports are accepted; reports of any other job get 404. */
  readonly knownJobs = new Set<string>(['job-1']);
  private readonly knownWorkers = new Set<string>();
  private server: RunningServer | null = null;

  /** With a token, every route but GET /livez answers 401 unless the request carries it; with tls, it serves HTTPS. */
  constructor(
    readonly heartbeatIntervalMs = 20,
    private readonly options: { token?: string; tls?: TlsFiles } = {},
  ) {}

  /** Drops a worker, as a restarted coordinator would. */
  forget(workerId: string): void {
    this.knownWorkers.delete(workerId);
  }

  async start(port = 0): Promise<number> {
    this.server = await listen(this.app(), { port, host: '127.0.0.1', tls: this.options.tls });
    return this.server.port;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  private leaseNotLive(token: string) {
    return { status: 409 as const, body: { error: 'lease_not_live' as const, message: `lease ${token} is not live` } };
  }

  /** The leases a worker listed in its last heartbeat that no report or failure has ended since. */
  private leasesStillHeld(workerId: string): string[] {
    const last = this.heartbeats.filter((h) => h.worker_id === workerId).at(-1);
    const reported = new Set([...this.reports, ...this.failures].map((r) => r.lease_token));
    return (last?.leases ?? []).filter((token) => !reported.has(token));
  }

  private app(): express.Express {
    const s = initServer();
    const router = s.router(coordinatorContract, {
      livez: async () => ({ status: 200, body: { status: 'ok' as const } }),
      ...telemetryHandlers(createMetricsRegistry({ defaultMetrics: false }), coordinatorOpenApi),
      deregister: async ({ body }) => {
        if (!this.knownWorkers.has(body.worker_id)) {
          return { status: 404, body: { error: 'worker_not_registered', message: `worker ${body.worker_id} is not registered` } };
        }
        this.knownWorkers.delete(body.worker_id);
        const released = this.leasesStillHeld(body.worker_id).length;
        this.deregistrations.push({ worker_id: body.worker_id, released });
        return { status: 200, body: { worker_id: body.worker_id, released } };
      },
      register: async ({ body }) => {
        this.registrations.push(body);
        const status = this.knownWorkers.has(body.worker_id) ? 're-registered' : 'registered';
        this.knownWorkers.add(body.worker_id);
        return { status: 200, body: { worker_id: body.worker_id, status, heartbeat_interval_ms: this.heartbeatIntervalMs } };
      },
      heartbeat: async ({ body }) => {
        this.heartbeats.push(body);
        this.onHeartbeat(body);
        if (!this.knownWorkers.has(body.worker_id)) {
          return { status: 404, body: { error: 'worker_not_registered', message: `worker ${body.worker_id} is not registered; register again` } };
        }
        const drop = (body.leases ?? []).filter((token) => this.deadLeases.has(token));
        return { status: 200, body: { ok: true, heartbeat_interval_ms: this.heartbeatIntervalMs, drop } };
      },
      reportMetrics: async ({ body }) => {
        if (!this.knownJobs.has(body.job_id)) return { status: 404, body: { error: 'job_not_found', message: `no job ${body.job_id}` } };
        if (this.deadLeases.has(body.lease_token)) return this.leaseNotLive(body.lease_token);
        this.reports.push(body);
        return { status: 200, body: { accepted: true, reason: 'committed' } };
      },
      reportChunkFailure: async ({ body }) => {
        if (!this.knownJobs.has(body.job_id)) return { status: 404, body: { error: 'job_not_found', message: `no job ${body.job_id}` } };
        if (this.deadLeases.has(body.lease_token)) return this.leaseNotLive(body.lease_token);
        this.failures.push(body);
        return { status: 200, body: { accepted: true, reason: 'recorded' } };
      },
      getMetrics: async () => ({ status: 200, body: toReport(emptyMetrics()) }),
      listWorkers: async () => ({ status: 200, body: { workers: [] } }),
      events: async () => ({ status: 503, body: { error: 'too_many_streams', message: 'the fake coordinator serves no event stream' } }),
      createJob: async () => ({ status: 201, body: { job_id: 'job-1' } }),
      listJobs: async () => ({ status: 200, body: { jobs: [] } }),
      getJob: async ({ params }) => ({ status: 404, body: { error: 'job_not_found', message: `no job ${params.job_id}` } }),
      getJobProgress: async ({ params }) => ({ status: 404, body: { error: 'job_not_found', message: `no job ${params.job_id}` } }),
      deleteJob: async ({ params }) => ({ status: 404, body: { error: 'job_not_found', message: `no job ${params.job_id}` } }),
    });

    const app = express();
    app.use(requireBearerToken(this.options.token));
    app.use(express.json());
    app.post('/metrics', (req, res, next) => {
      this.metricsRequests.push(req.body);
      this.onMetricsRequest(req.body);
      if (this.refuseReports) return res.status(this.refuseReports.status).json(this.refuseReports.body);
      if (this.unavailableReports <= 0) return next();
      this.unavailableReports--;
      // Not a status of the contract: the client sees it as an unknown status, as with a proxy in between.
      res.status(503).json({ error: 'unavailable', message: 'coordinator is restarting' });
    });
    app.post('/chunk_failures', (req, _res, next) => {
      this.failureRequests.push(req.body);
      next();
    });
    createExpressEndpoints(coordinatorContract, router, app, { requestValidationErrorHandler: respondWithValidationError });
    app.use(errorHandler());
    return app;
  }
}

/** A port nothing listens on right now (it was free a moment ago). */
export async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** Waits until `condition` holds; fails with `what` if it does not within limitMs. */
export async function until(condition: () => boolean, what: string, limitMs = 5000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
