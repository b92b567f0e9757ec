// A stand-in coordinator for the link tests: the real contract served by @ts-rest/express on a real
// port, recording what workers say and answering as each test arranges.
import { createServer } from 'node:net';
import { coordinatorContract } from '@loganalyzer/contract';
import { emptyMetrics, toReport } from '@loganalyzer/core';
import { listen, respondWithValidationError, RunningServer } from '@loganalyzer/server-kit';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express from 'express';
import type { z } from 'zod';

type Contract = typeof coordinatorContract;
export type Registration = z.infer<Contract['register']['body']>;
export type MetricsReport = z.infer<Contract['reportMetrics']['body']>;
export type FailureReport = z.infer<Contract['reportChunkFailure']['body']>;

export class FakeCoordinator {
  readonly registrations: Registration[] = [];
  readonly heartbeats: string[] = [];
  /** Every POST /metrics that reached the server, answered or not. */
  readonly metricsRequests: unknown[] = [];
  /** The reports answered 200. */
  readonly reports: MetricsReport[] = [];
  readonly failures: FailureReport[] = [];
  /** Called as each heartbeat arrives, before it is answered. */
  onHeartbeat: (workerId: string) => void = () => {};
  /** Answer the next this-many POST /metrics with 503. */
  unavailableReports = 0;
  /** Answer every POST /metrics with 413, as a coordinator does to a body over its limit. */
  refuseReportsAsTooLarge = false;
  /** Jobs whose reports are accepted; reports of any other job get 404. */
  readonly knownJobs = new Set<string>(['job-1']);
  private readonly knownWorkers = new Set<string>();
  private server: RunningServer | null = null;

  constructor(readonly heartbeatIntervalMs = 20) {}

  /** Drops a worker, as a restarted coordinator would. */
  forget(workerId: string): void {
    this.knownWorkers.delete(workerId);
  }

  async start(port = 0): Promise<number> {
    this.server = await listen(this.app(), port, '127.0.0.1');
    return this.server.port;
  }

  async stop(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }

  private app(): express.Express {
    const s = initServer();
    const router = s.router(coordinatorContract, {
      register: async ({ body }) => {
        this.registrations.push(body);
        const status = this.knownWorkers.has(body.worker_id) ? 're-registered' : 'registered';
        this.knownWorkers.add(body.worker_id);
        return { status: 200, body: { worker_id: body.worker_id, status, heartbeat_interval_ms: this.heartbeatIntervalMs } };
      },
      heartbeat: async ({ body }) => {
        this.heartbeats.push(body.worker_id);
        this.onHeartbeat(body.worker_id);
        if (!this.knownWorkers.has(body.worker_id)) {
          return { status: 404, body: { error: 'worker_not_registered', message: `worker ${body.worker_id} is not registered; register again` } };
        }
        return { status: 200, body: { ok: true, heartbeat_interval_ms: this.heartbeatIntervalMs } };
      },
      reportMetrics: async ({ body }) => {
        if (!this.knownJobs.has(body.job_id)) return { status: 404, body: { error: 'job_not_found', message: `no job ${body.job_id}` } };
        this.reports.push(body);
        return { status: 200, body: { accepted: true, reason: 'merged' } };
      },
      reportChunkFailure: async ({ body }) => {
        if (!this.knownJobs.has(body.job_id)) return { status: 404, body: { error: 'job_not_found', message: `no job ${body.job_id}` } };
        this.failures.push(body);
        return { status: 200, body: { accepted: true, reason: 'recorded' } };
      },
      getMetrics: async () => ({ status: 200, body: toReport(emptyMetrics()) }),
      listWorkers: async () => ({ status: 200, body: { workers: [] } }),
      createJob: async () => ({ status: 201, body: { job_id: 'job-1' } }),
      listJobs: async () => ({ status: 200, body: { jobs: [] } }),
      getJob: async ({ params }) => ({ status: 404, body: { error: 'job_not_found', message: `no job ${params.job_id}` } }),
    });

    const app = express();
    app.use(express.json());
    app.post('/metrics', (req, res, next) => {
      this.metricsRequests.push(req.body);
      if (this.refuseReportsAsTooLarge) return res.status(413).json({ error: 'body_too_large', message: 'request entity too large' });
      if (this.unavailableReports <= 0) return next();
      this.unavailableReports--;
      // Not a status of the contract: the client sees it as an unknown status, as with a proxy in between.
      res.status(503).json({ error: 'unavailable', message: 'coordinator is restarting' });
    });
    createExpressEndpoints(coordinatorContract, router, app, { requestValidationErrorHandler: respondWithValidationError });
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
