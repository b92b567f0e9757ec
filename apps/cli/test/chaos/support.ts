// What the fault-injection suites share: seeds, a TCP proxy that can cut a worker off from its
// coordinator, a worker that takes chunks and never reports, and small waiting helpers.
import { mkdtempSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkTask, createCoordinatorClient, Job, workerContract, workerOpenApi } from '@loganalyzer/contract';
import { mulberry32 } from '@loganalyzer/core/testing';
import { createMetricsRegistry, listen, RunningServer, telemetryHandlers } from '@loganalyzer/server-kit';
import { createExpressEndpoints, initServer } from '@ts-rest/express';
import express from 'express';
import type { LocalCluster } from '../../src/local-cluster';
import { waitForJob } from '../../src/run-job';

/** `pnpm test` runs two seeds of each randomized case; `pnpm chaos` sets CHAOS_SEEDS for more. */
export function seeds(): number[] {
  const count = Math.max(1, Number(process.env.CHAOS_SEEDS ?? 2));
  const first = Number(process.env.CHAOS_FIRST_SEED ?? 1);
  return Array.from({ length: count }, (_, i) => first + i);
}

/** A seeded generator (core's mulberry32), so a failing seed can be run again. */
export const seededRandom = (seed: number): (() => number) => mulberry32(seed);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'loganalyzer-chaos-'));
}

/** Polls until the condition holds; fails naming what was awaited. */
export async function until(what: string, condition: () => Promise<boolean> | boolean, timeoutMs = 60_000, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export async function getJob(cluster: LocalCluster, jobId: string): Promise<Job> {
  const r = await cluster.client.getJob({ params: { job_id: jobId } });
  if (r.status !== 200) throw new Error(`GET /jobs/${jobId} answered ${r.status}`);
  return r.body;
}

export async function createJob(cluster: LocalCluster, inputs: string[], chunkSize?: number): Promise<string> {
  const r = await cluster.client.createJob({ body: { inputs, ...(chunkSize ? { chunk_size: chunkSize } : {}) } });
  if (r.status !== 201) throw new Error(`POST /jobs answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body.job_id;
}

export async function finish(cluster: LocalCluster, jobId: string): Promise<Job> {
  return waitForJob(cluster.client, jobId, { pollIntervalMs: 50, unreachableForMs: 60_000 });
}

export async function workerStatus(cluster: LocalCluster, id: string) {
  const r = await cluster.client.listWorkers();
  if (r.status !== 200) throw new Error(`GET /workers answered ${r.status}`);
  return r.body.workers.find((w) => w.worker_id === id);
}

/**
 * A TCP proxy on loopback. partition() cuts every connection and refuses new ones (each is closed
 * at once) until heal(): a network partition between a worker and its coordinator.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private cut = false;

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  static start(targetPort: number): Promise<TcpProxy> {
    return new Promise((resolve) => {
      let proxy: TcpProxy;
      const server = createServer((client) => {
        if (proxy.cut) {
          client.destroy();
          return;
        }
        const upstream = new Socket();
        upstream.connect(targetPort, '127.0.0.1');
        proxy.sockets.add(client).add(upstream);
        const close = () => {
          client.destroy();
          upstream.destroy();
          proxy.sockets.delete(client);
          proxy.sockets.delete(upstream);
        };
        client.on('error', close).on('close', close);
        upstream.on('error', close).on('close', close);
        client.pipe(upstream).pipe(client);
      });
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
        resolve(proxy);
      });
    });
  }

  partition(): void {
    this.cut = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  heal(): void {
    this.cut = false;
  }

  close(): Promise<void> {
    this.partition();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * A worker that registers, heartbeats and answers 202 to every chunk, but never reports a result:
 * `renews` lists the leases it was given in every heartbeat (a worker whose threads are stuck),
 * `forgets` lists none (a worker that lost them).
 */
export class SilentWorker {
  readonly received: ChunkTask[] = [];
  private timer: NodeJS.Timeout | null = null;

  private constructor(
    private readonly server: RunningServer,
    readonly id: string,
  ) {}

  static async start(cluster: LocalCluster, id: string, mode: 'renews' | 'forgets', concurrency = 2): Promise<SilentWorker> {
    const received: ChunkTask[] = [];
    const s = initServer();
    const app = express();
    app.use(express.json());
    const router = s.router(workerContract, {
      livez: async () => ({ status: 200, body: { status: 'ok' as const } }),
      ...telemetryHandlers(createMetricsRegistry({ defaultMetrics: false }), workerOpenApi),
      processChunk: async ({ body }) => {
        received.push(body);
        return { status: 202, body: { accepted: true as const } };
      },
      health: async () => ({ status: 200, body: { status: 'ok' as const, worker_id: id, chunks_in_flight: received.length, concurrency } }),
    });
    createExpressEndpoints(workerContract, router, app, { logInitialization: false });
    const server = await listen(app, { port: 0, host: '127.0.0.1' });
    const worker = new SilentWorker(server, id);
    (worker as { received: ChunkTask[] }).received = received;
    const client = createCoordinatorClient(cluster.coordinatorUrl, { token: cluster.token });
    const registered = await client.register({ body: { worker_id: id, port: server.port, host: '127.0.0.1', concurrency } });
    if (registered.status !== 200) throw new Error(`registration of ${id} answered ${registered.status}`);
    const beat = async () => {
      const leases = mode === 'renews' ? received.map((t) => t.lease_token) : [];
      await client.heartbeat({ body: { worker_id: id, leases } }).catch(() => undefined);
    };
    worker.timer = setInterval(() => void beat(), registered.body.heartbeat_interval_ms);
    return worker;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.server.close();
  }
}
