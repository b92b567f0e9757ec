// In-process simulated workers for scale tests. Each does what a real worker's HTTP calls do, through
// the Coordinator's own methods (the ones app.ts maps the routes onto): it registers, heartbeats with
// the lease tokens it holds, analyzes what it is sent with the real core analyzer and reports it. A
// worker can also hang, come back with stale results, or restart.
import type { ChunkTask } from '@loganalyzer/contract';
import type { PartialMetrics } from '@loganalyzer/core';
import { AppError } from '@loganalyzer/server-kit';
import type { ChunkSender, Coordinator } from '../src/coordinator';
import { partialOf } from './helpers';

export interface SimulatedWorker {
  readonly id: string;
  readonly url: string;
  readonly concurrency: number;
  /** A silent worker neither heartbeats nor answers, but keeps what it holds: a hung or cut-off process. */
  silent: boolean;
  /** Chunks sent to it and not answered yet. */
  held: ChunkTask[];
}

export type ReportOutcome = 'committed' | 'duplicate' | 'refused';

export interface ReportedChunk {
  worker_id: string;
  task: ChunkTask;
  outcome: ReportOutcome;
}

export class SimulatedFleet {
  readonly coordinator: Coordinator;
  readonly workers: SimulatedWorker[] = [];
  /** Every result reported, in order, with the coordinator's answer. */
  readonly reports: ReportedChunk[] = [];
  /** Reports answered committed. */
  committed = 0;
  /** Tasks heartbeats were told to drop. */
  dropped = 0;
  /** Runs before each report, so a test can tell a report's own work from what follows it. */
  beforeReport: () => void = () => {};
  private readonly byUrl = new Map<string, SimulatedWorker>();

  /** Accepts every send at once, as a worker answering 202 does, and holds the chunk until answered. */
  private readonly sendChunk: ChunkSender = async (workerUrl, task) => {
    const worker = this.byUrl.get(workerUrl);
    if (!worker) throw new Error(`no simulated worker listens at ${workerUrl}`);
    worker.held.push(task);
  };

  /**
   * The fleet owns the coordinator's ChunkSender, so the coordinator is built from it. `analyze` is
   * what a worker computes for a task (a test may reuse the partials of an earlier run).
   */
  constructor(
    createCoordinator: (sendChunk: ChunkSender) => Coordinator,
    private readonly analyze: (task: ChunkTask) => PartialMetrics = partialOf,
  ) {
    this.coordinator = createCoordinator(this.sendChunk);
  }

  add(id: string, concurrency: number): SimulatedWorker {
    const worker: SimulatedWorker = { id, url: `http://${id}.test:8001`, concurrency, silent: false, held: [] };
    this.workers.push(worker);
    this.byUrl.set(worker.url, worker);
    this.coordinator.register({ worker_id: id, url: worker.url, concurrency });
    return worker;
  }

  get(id: string): SimulatedWorker {
    const worker = this.workers.find((w) => w.id === id);
    if (!worker) throw new Error(`no simulated worker ${id}`);
    return worker;
  }

  /** Every worker that is not silent analyzes and reports all it holds; returns how many it answered. */
  answerHeld(): number {
    let answered = 0;
    for (const worker of this.workers) if (!worker.silent) answered += this.reportAll(worker);
    return answered;
  }

  /** Every worker that is not silent heartbeats, listing what it holds, and drops what it is told to. */
  heartbeat(): void {
    for (const worker of this.workers) if (!worker.silent) this.heartbeatOf(worker);
  }

  /** The worker hangs: no heartbeats, no results, chunks kept. Returns how many chunks it holds. */
  silence(worker: SimulatedWorker): number {
    worker.silent = true;
    return worker.held.length;
  }

  /** A silent worker wakes up: reports what it held (stale by now), then heartbeats and works again. */
  wakeUp(worker: SimulatedWorker): ReportedChunk[] {
    const from = this.reports.length;
    this.reportAll(worker);
    worker.silent = false;
    this.heartbeatOf(worker);
    return this.reports.slice(from);
  }

  /** The worker's process restarts: what it held is lost and it registers again under the same id. */
  restart(worker: SimulatedWorker): number {
    const lost = worker.held.length;
    worker.held = [];
    worker.silent = false;
    this.coordinator.register({ worker_id: worker.id, url: worker.url, concurrency: worker.concurrency });
    return lost;
  }

  private heartbeatOf(worker: SimulatedWorker): void {
    const answer = this.coordinator.heartbeat(worker.id, worker.held.map((t) => t.lease_token));
    if (!answer) throw new Error(`the coordinator does not know worker ${worker.id}`);
    const drop = new Set(answer.drop);
    this.dropped += drop.size;
    worker.held = worker.held.filter((t) => !drop.has(t.lease_token));
  }

  private reportAll(worker: SimulatedWorker): number {
    const tasks = worker.held;
    worker.held = [];
    for (const task of tasks) {
      const key = { worker_id: worker.id, job_id: task.job_id, chunk_id: task.chunk_id, attempt: task.attempt, lease_token: task.lease_token };
      const metrics = this.analyze(task);
      this.beforeReport();
      let outcome: ReportOutcome;
      try {
        outcome = this.coordinator.reportMetrics({ ...key, metrics }).accepted ? 'committed' : 'duplicate';
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'lease_not_live') throw err;
        outcome = 'refused';
      }
      if (outcome === 'committed') this.committed++;
      this.reports.push({ worker_id: worker.id, task, outcome });
    }
    return tasks.length;
  }
}
