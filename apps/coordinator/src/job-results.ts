// The merged metrics of each job, kept live in memory so a commit costs only its own partial, and
// checkpointed to the state store now and then so that a restart re-merges only the partials
// committed since the last checkpoint, not the whole job. A checkpoint rewrites the whole merge (for a
// 1 GiB job, hundreds of ms on the event loop), so it is taken when it pays: a running job after
// enough commits or time, a finished one once the coordinator is idle. Until then the stored partials
// are the durable record, and a restart replays them.
import type { MetricsReport } from '@loganalyzer/contract';
import { CheckedPartial, checkPartial, MetricsMerger, PartialMetrics, TimeWindow } from '@loganalyzer/core';
import { utf8Text } from '@loganalyzer/server-kit';
import type { StateStore } from './state/state-store';

interface JobMerge {
  merger: MetricsMerger;
  report: { merged: number; report: MetricsReport } | null;
}

export interface CheckpointPolicy {
  /** A running job is checkpointed after this many commits since its last checkpoint... */
  everyCommits: number;
  /** ...or when its oldest uncheckpointed commit is this old. */
  maxAgeMs: number;
  /** A finished job is checkpointed (and its merge freed) once no commit has arrived for this long. */
  idleMs: number;
}

interface Pending {
  commits: number;
  since: number;
}

export class JobResults {
  private readonly merges = new Map<string, JobMerge>();
  /** Jobs with commits since their last checkpoint: how many, since when. */
  private readonly dirty = new Map<string, Pending>();
  /** Finished jobs whose merge is still in memory. */
  private readonly finished = new Set<string>();
  private lastCommitAt = 0;

  constructor(
    private readonly store: StateStore,
    private readonly policy: CheckpointPolicy,
    private readonly now: () => number,
  ) {}

  private noteCommits(jobId: string, commits: number): void {
    const pending = this.dirty.get(jobId);
    if (pending) pending.commits += commits;
    else this.dirty.set(jobId, { commits, since: this.now() });
  }

  /** The job's merge, rebuilt from its checkpoint and later partials the first time it is asked for. */
  private mergeOf(jobId: string): JobMerge {
    let merge = this.merges.get(jobId);
    if (merge) return merge;
    const merger = new MetricsMerger();
    const checkpoint = this.store.checkpointOf(jobId);
    if (checkpoint !== null) merger.add(JSON.parse(checkpoint) as PartialMetrics);
    let replayed = 0;
    for (const body of this.store.partialsOf(jobId)) {
      const text = typeof body === 'string' ? body : utf8Text(body);
      merger.add((JSON.parse(text) as { metrics: PartialMetrics }).metrics);
      replayed++;
    }
    if (replayed > 0) this.noteCommits(jobId, replayed);
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
    this.noteCommits(jobId, 1);
    this.lastCommitAt = this.now();
  }

  merged(jobId: string): PartialMetrics {
    return this.mergeOf(jobId).merger.result();
  }

  /**
   * The report of what is merged so far, showing the job's time window if it has one; rebuilt only
   * after a new merge, since polls are frequent.
   */
  report(jobId: string, window?: TimeWindow): MetricsReport {
    const merge = this.mergeOf(jobId);
    if (merge.report?.merged !== merge.merger.size) merge.report = { merged: merge.merger.size, report: merge.merger.report(window) };
    return merge.report.report;
  }

  /** Writes the job's merged metrics as its checkpoint (dropping the partials it covers). */
  checkpoint(jobId: string): void {
    if (!this.dirty.has(jobId)) return;
    this.store.checkpoint(jobId, JSON.stringify(this.mergeOf(jobId).merger.result()));
    this.dirty.delete(jobId);
  }

  checkpointAll(): void {
    for (const jobId of [...this.dirty.keys()]) this.checkpoint(jobId);
  }

  /** The job has ended: its merge is checkpointed and freed at the next idle moment (see checkpointDue). */
  finish(jobId: string): void {
    this.finished.add(jobId);
  }

  /** Takes the checkpoints the policy calls for now; run on a timer. */
  checkpointDue(): void {
    const now = this.now();
    const idle = now - this.lastCommitAt >= this.policy.idleMs;
    for (const [jobId, pending] of [...this.dirty]) {
      if (this.finished.has(jobId)) continue;
      if (pending.commits >= this.policy.everyCommits || now - pending.since >= this.policy.maxAgeMs) this.checkpoint(jobId);
    }
    if (!idle) return;
    for (const jobId of [...this.finished]) {
      this.checkpoint(jobId);
      this.merges.delete(jobId);
      this.finished.delete(jobId);
    }
  }

  forget(jobId: string): void {
    this.merges.delete(jobId);
    this.dirty.delete(jobId);
    this.finished.delete(jobId);
  }
}

export { checkPartial };
