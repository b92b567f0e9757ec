// A coordinator and N workers as child processes on free loopback ports: the embedded cluster of
// `pnpm analyze` and of the end-to-end tests. Loopback keeps other machines out; a token of its own
// keeps out the other users of this one.
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createCoordinatorClient, CoordinatorClient } from '@loganalyzer/contract';
import { startChild, stopChild } from './child-process';
import { mallocEnv } from './malloc-env';
import { MAIN_THREAD_NODE_FLAGS } from '@loganalyzer/worker/dist/young-generation';

export const coordinatorScript = require.resolve('@loganalyzer/coordinator/dist/main.js');
export const workerScript = require.resolve('@loganalyzer/worker/dist/main.js');

const DEFAULT_WORKERS = 2;

export interface LocalClusterOptions {
  workers?: number;
  /** Threads per worker; default: sharedConcurrency(workers). */
  concurrency?: number;
  heartbeatIntervalMs?: number;
  workerTimeoutMs?: number;
  /** The coordinator's state file; default ":memory:" (an embedded cluster's jobs end with it). */
  state?: string;
  /** More coordinator flags (lease and deadline times, limits). */
  coordinatorArgs?: string[];
  /** More worker flags. */
  workerArgs?: string[];
  /** Show the children's event logs on our stderr. */
  verbose?: boolean;
}

/**
 * Threads per worker when a cluster on this machine is not told: its cores shared among its workers,
 * at least one each. A worker alone takes every core (its own default), so two of them on two cores
 * ran four analysis threads that contended for the cores and the caches their top tables live in. One
 * thread each against two, 1 GiB jobs, 2 workers on 2 cores, 4 interleaved pairs, whole-process medians:
 * nginx combined 11.3 vs 12.0 s wall (0.93×), CPU 0.91×; JSON lines 8.7 vs 9.2 s (0.94×), CPU 0.92×.
 */
export function sharedConcurrency(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

/** A fresh cluster token: 32 random bytes as hex. */
function newClusterToken(): string {
  return randomBytes(32).toString('hex');
}

export interface LocalWorker {
  id: string;
  process: ChildProcess;
  url: string;
}

export class LocalCluster {
  readonly workers = new Map<string, LocalWorker>();
  private stopping: Promise<void> | null = null;

  private constructor(
    readonly coordinatorUrl: string,
    public coordinatorProcess: ChildProcess,
    /** The cluster token: every request to the coordinator or a worker must carry it. */
    readonly token: string,
    /** A client of the coordinator that sends the token. */
    readonly client: CoordinatorClient,
    private readonly options: LocalClusterOptions,
  ) {}

  /**
   * The children get the token in their environment, not their argv: argv is public in `ps`. They
   * also get the allocator setting that hands freed large blocks back (malloc-env.ts).
   */
  private static childEnv(token: string): NodeJS.ProcessEnv {
    return { LOGANALYZER_TOKEN: token, ...mallocEnv() };
  }

  private static coordinatorArgs(options: LocalClusterOptions, port: number): string[] {
    const args = ['--port', String(port), '--host', '127.0.0.1', '--exit-with-pid', String(process.pid), '--state', options.state ?? ':memory:'];
    if (options.heartbeatIntervalMs !== undefined) args.push('--heartbeat-interval', String(options.heartbeatIntervalMs));
    if (options.workerTimeoutMs !== undefined) args.push('--worker-timeout', String(options.workerTimeoutMs));
    // Shown on a terminal (--verbose), the children's logs are pino-pretty's lines, not JSON.
    args.push(...(options.verbose ? ['--log-style', 'pretty'] : ['--quiet']));
    return [...args, ...(options.coordinatorArgs ?? [])];
  }

  static async start(options: LocalClusterOptions = {}): Promise<LocalCluster> {
    const token = newClusterToken();
    const coordinator = await startChild(coordinatorScript, LocalCluster.coordinatorArgs(options, 0), { inheritStderr: options.verbose, env: LocalCluster.childEnv(token) });
    const cluster = new LocalCluster(coordinator.url, coordinator.process, token, createCoordinatorClient(coordinator.url, { token }), options);
    try {
      const count = options.workers ?? DEFAULT_WORKERS;
      await Promise.all(Array.from({ length: count }, (_, i) => cluster.startWorker(`local-${i + 1}`)));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    return cluster;
  }

  /** Starts a worker process (again, after a kill) and waits until the coordinator lists it active. */
  startWorker(id: string): Promise<LocalWorker> {
    return this.startWorkerVia(id, this.coordinatorUrl);
  }

  /** A worker that reaches the coordinator at another URL (through a proxy, say). */
  async startWorkerVia(id: string, coordinatorUrl: string): Promise<LocalWorker> {
    const args = ['--id', id, '--port', '0', '--host', '127.0.0.1', '--coordinator', coordinatorUrl, '--advertise-host', '127.0.0.1', '--exit-with-pid', String(process.pid)];
    if (!(this.options.workerArgs ?? []).includes('--concurrency')) {
      args.push('--concurrency', String(this.options.concurrency ?? sharedConcurrency(this.options.workers ?? DEFAULT_WORKERS)));
    }
    args.push(...(this.options.verbose ? ['--log-style', 'pretty'] : ['--quiet']));
    // stop() waits 5 s before SIGKILL: a worker stopped mid-job hands its chunks back well before that.
    if (!(this.options.workerArgs ?? []).includes('--shutdown-grace')) args.push('--shutdown-grace', '3000');
    args.push(...(this.options.workerArgs ?? []));
    const started = await startChild(workerScript, args, { inheritStderr: this.options.verbose, env: LocalCluster.childEnv(this.token), nodeArgs: MAIN_THREAD_NODE_FLAGS });
    const worker = { id, process: started.process, url: started.url };
    this.workers.set(id, worker);
    await this.waitForActiveWorker(id, started.url);
    return worker;
  }

  killWorker(id: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const worker = this.workers.get(id);
    if (!worker) throw new Error(`no local worker ${id}`);
    return stopChild(worker.process, signal);
  }

  /** Kills the coordinator (SIGKILL by default) and resolves when it is gone. */
  killCoordinator(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    return stopChild(this.coordinatorProcess, signal);
  }

  /** Starts the coordinator again on the same port and state, as an operator restarting it would. */
  async restartCoordinator(): Promise<void> {
    const port = Number(new URL(this.coordinatorUrl).port);
    const started = await startChild(coordinatorScript, LocalCluster.coordinatorArgs(this.options, port), { inheritStderr: this.options.verbose, env: LocalCluster.childEnv(this.token) });
    this.coordinatorProcess = started.process;
  }

  private async waitForActiveWorker(id: string, url: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const r = await this.client.listWorkers();
      if (r.status === 200 && r.body.workers.some((w) => w.worker_id === id && w.url === url && w.status === 'active')) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`worker ${id} did not register with the coordinator within ${timeoutMs} ms`);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await Promise.all([...this.workers.values()].map((w) => stopChild(w.process)));
      await stopChild(this.coordinatorProcess);
    })();
    return this.stopping;
  }
}
