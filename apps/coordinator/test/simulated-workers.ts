// In-process simulated workers for scale tests. Each does what a real worker's HTTP calls do, through
// the Coordinator's own methods (the ones app.ts maps the routes onto): it registers, heartbeats,
// holds the chunks the coordinator sends it, analyzes them with the real core analyzer and reports
// the results. A worker can also hang, come back with stale results, or restart.
import type { ChunkTask } from '@loganalyzer/contract';
import { analyzeRange } from '@loganalyzer/core';
import type { ChunkReportOutcome, ChunkSender, Coordinator } from '../src/coordinator';

export interface SimulatedWorker {
  readonly id: string;
  readonly url: string;
  readonly concurrency: number;
  /** A silent worker neither heartbeats nor answers, but keeps what it holds: a hung or cut-off process. */
  silent: boolean;
  /** Chunks sent to it and not answered yet. */
  held: ChunkTask[];
}

export interface ReportedChunk {
  worker_id: string;
  task: ChunkTask;
  outcome: ChunkReportOutcome;
}

export class SimulatedFleet {
  readonly coordinator: Coordinator;
  readonly workers: SimulatedWorker[] = [];
  /** Every result reported, in order, with the coordinator's answer. */
  readonly reports: ReportedChunk[] = [];
  private readonly byUrl = new Map<string, SimulatedWorker>();

  /** Accepts every send at once, as a worker answering 202 does, and holds the chunk until answered. */
  private readonly sendChunk: ChunkSender = async (workerUrl, task) => {
    const worker = this.byUrl.get(workerUrl);
    if (!worker) throw new Error(`no simulated worker listens at ${workerUrl}`);
    worker.held.push(task);
  };

  /** The fleet owns the coordinator's ChunkSender, so the coordinator is built from it. */
  constructor(createCoordinator: (sendChunk: ChunkSender) => Coordinator) {
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
    for (const worker of this.workers) {
      if (worker.silent) continue;
      answered += this.reportAll(worker);
    }
    return answered;
  }

  /** Every worker that is not silent heartbeats; one the coordinator has forgotten is a bug here. */
  heartbeat(): void {
    for (const worker of this.workers) {
      if (worker.silent) continue;
      if (!this.coordinator.heartbeat(worker.id)) throw new Error(`the coordinator does not know worker ${worker.id}`);
    }
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
    if (!this.coordinator.heartbeat(worker.id)) throw new Error(`the coordinator does not know worker ${worker.id}`);
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

  private reportAll(worker: SimulatedWorker): number {
    const tasks = worker.held;
    worker.held = [];
    for (const task of tasks) {
      const outcome = this.coordinator.reportMetrics({
        worker_id: worker.id,
        job_id: task.job_id,
        chunk_id: task.chunk_id,
        attempt: task.attempt,
        metrics: analyzeRange(task.filepath, task.start, task.size),
      });
      this.reports.push({ worker_id: worker.id, task, outcome });
    }
    return tasks.length;
  }
}
