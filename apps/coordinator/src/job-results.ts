// The merged metrics of each job, kept live in memory so a commit costs only its own partial, and
// checkpointed to the state store now and then so that a restart re-merges only the partials
// committed since the last checkpoint, not the whole job.
import type { MetricsReport } from '@loganalyzer/contract';
import { CheckedPartial, checkPartial, MetricsMerger, PartialMetrics, toReport } from '@loganalyzer/core';
import type { StateStore } from './state/state-store';

interface JobMerge {
  merger: MetricsMerger;
  report: { merged: number; report: MetricsReport } | null;
}

export class JobResults {
  private readonly merges = new Map<string, JobMerge>();
  /** Jobs with commits since their last checkpoint. */
  private readonly dirty = new Set<string>();

  constructor(private readonly store: StateStore) {}

  /** The job's merge, rebuilt from its checkpoint and later partials the first time it is asked for. */
  private mergeOf(jobId: string): JobMerge {
    let merge = this.merges.get(jobId);
    if (merge) return merge;
    const merger = new MetricsMerger();
    const checkpoint = this.store.checkpointOf(jobId);
    if (checkpoint !== null) merger.add(JSON.parse(checkpoint) as PartialMetrics);
    let replayed = 0;
    for (const body of this.store.partialsOf(jobId)) {
      const text = typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
      merger.add((JSON.parse(text) as { metrics: PartialMetrics }).metrics);
      replayed++;
    }
    if (replayed > 0) this.dirty.add(jobId);
    merge = { merger, report: null };
    this.merges.set(jobId, merge);
    return merge;
  }

  /** Loads a job's merge now (at start-up, for unfinished jobs), so the first commit after a restart is not slow. */
  restore(jobId: string): void {
    this.mergeOf(jobId);
  }

  add(jobId: string, checked: CheckedPartial): void {
    this.mergeOf(jobId).merger.addChecked(checked);
    this.dirty.add(jobId);
  }

  merged(jobId: string): PartialMetrics {
    return this.mergeOf(jobId).merger.result();
  }

  /** The report of what is merged so far; rebuilt only after a new merge, since polls are frequent. */
  report(jobId: string): MetricsReport {
    const merge = this.mergeOf(jobId);
    if (merge.report?.merged !== merge.merger.size) merge.report = { merged: merge.merger.size, report: toReport(merge.merger.result()) };
    return merge.report.report;
  }

  /** Writes the job's merged metrics as its checkpoint (dropping the partials it covers). */
  checkpoint(jobId: string): void {
    if (!this.dirty.has(jobId)) return;
    this.store.checkpoint(jobId, JSON.stringify(this.mergeOf(jobId).merger.result()));
    this.dirty.delete(jobId);
  }

  checkpointAll(): void {
    for (const jobId of [...this.dirty]) this.checkpoint(jobId);
  }

  /** Frees a job's merge from memory (it stays in the store); a finished job's is rebuilt on demand. */
  evict(jobId: string): void {
    this.checkpoint(jobId);
    this.merges.delete(jobId);
  }

  forget(jobId: string): void {
    this.merges.delete(jobId);
    this.dirty.delete(jobId);
  }
}

export { checkPartial };
