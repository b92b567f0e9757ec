// The coordinator's Prometheus metrics. Counters are fed by its typed events, so they count exactly
// the transitions the lease table made; gauges are read from its state at each scrape.
import { JobStatusSchema } from '@loganalyzer/contract';
import { createMetricsRegistry } from '@loganalyzer/server-kit';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Coordinator } from '../coordinator';
import type { CoordinatorEvent } from '../events';

type Source = Pick<Coordinator, 'events' | 'listJobs' | 'listWorkers'>;

/** A registry with the coordinator's metrics, counting from now on, and the process's default metrics. */
export function coordinatorMetrics(coordinator: Source, registry: Registry = createMetricsRegistry()): Registry {
  const registers = [registry];
  const counter = (name: string, help: string) => new Counter({ name: `loganalyzer_${name}`, help, registers });
  const counters = {
    dispatched: counter('chunks_dispatched_total', 'Chunk attempts sent to a worker, backups and retries included'),
    retried: counter('chunks_retried_total', 'Chunk attempts sent after an earlier attempt of the chunk ended without a commit'),
    backups: counter('chunks_backup_total', 'Backup attempts started for straggling chunks'),
    committed: counter('chunks_committed_total', 'Chunks whose result was committed'),
    expired: counter('chunks_expired_total', 'Chunk attempts taken back (lease not renewed, deadline passed, worker lost)'),
    failed: counter('chunks_failed_total', 'Chunk attempts that failed (reported by the worker, or an invalid partial)'),
    released: counter('chunks_released_total', 'Chunk attempts handed back by a worker shutting down (not counted as failures)'),
    refused: counter('results_refused_total', 'Chunk results refused because their lease was no longer live'),
    bytes: counter('committed_bytes_total', 'Bytes of the lines of committed chunks'),
    lines: counter('committed_lines_total', 'Lines of committed chunks'),
  };
  const commitSeconds = new Histogram({
    name: 'loganalyzer_chunk_commit_seconds',
    help: 'Time from a chunk attempt being granted to its result being committed',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300],
    registers,
  });
  new Gauge({
    name: 'loganalyzer_jobs',
    help: 'Jobs the coordinator holds, by status',
    labelNames: ['status'] as const,
    registers,
    collect() {
      const counts = new Map<string, number>(JobStatusSchema.options.map((s) => [s, 0]));
      for (const job of coordinator.listJobs()) counts.set(job.status, (counts.get(job.status) ?? 0) + 1);
      for (const [status, n] of counts) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'loganalyzer_workers',
    help: 'Registered workers, by state',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const workers = coordinator.listWorkers();
      for (const state of ['active', 'inactive'] as const) this.set({ state }, workers.filter((w) => w.status === state).length);
    },
  });
  const count = (event: CoordinatorEvent): void => {
    switch (event.type) {
      case 'chunk_dispatched':
        counters.dispatched.inc();
        if (event.backup) counters.backups.inc();
        else if (event.attempt > 1) counters.retried.inc();
        return;
      case 'chunk_committed':
        counters.committed.inc();
        counters.bytes.inc(event.bytes);
        counters.lines.inc(event.lines);
        commitSeconds.observe(event.duration_ms / 1000);
        return;
      case 'chunk_expired':
        return counters.expired.inc();
      case 'chunk_failed':
        return counters.failed.inc();
      case 'chunk_released':
        return counters.released.inc();
      case 'result_refused':
        return counters.refused.inc();
      default:
        return;
    }
  };
  coordinator.events.on(count);
  return registry;
}
