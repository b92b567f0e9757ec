// Deterministic counts of the coordinator's work, for tests that must show it stays cheap at scale
// without timing anything (speed is measured in benchmarks, never asserted in tests).
import { MetricsMerger } from '@loganalyzer/core';
import type { Coordinator } from '../src/coordinator';

export interface WorkCounter {
  readonly count: number;
}

/**
 * Counts partials merged (MetricsMerger.addChecked, which add goes through too) until restored. A merge
 * costs the incoming partial only, so the count is the merge work: one per chunk, unless something
 * merges twice or re-merges old results.
 */
export function countMerges(): WorkCounter & { restore(): void } {
  const addChecked = MetricsMerger.prototype.addChecked;
  let count = 0;
  MetricsMerger.prototype.addChecked = function (this: MetricsMerger, checked) {
    count++;
    return addChecked.call(this, checked);
  };
  return {
    get count() {
      return count;
    },
    restore() {
      MetricsMerger.prototype.addChecked = addChecked;
    },
  };
}

/**
 * Puts a counter in front of a job's chunk table (reached into on purpose). Whatever the coordinator
 * does, looking at a chunk reads this array, so the count is its real work per chunk, not a tally of
 * calls to methods this test happened to pick: a scan of the table shows up in full.
 */
export function countChunkTableReads(coordinator: Coordinator, jobId: string): WorkCounter {
  const job = coordinator['leases'].job(jobId);
  if (!job) throw new Error(`no job ${jobId}`);
  let count = 0;
  job.chunks = new Proxy(job.chunks, {
    get(target, key, receiver) {
      count++;
      return Reflect.get(target, key, receiver);
    },
  });
  return {
    get count() {
      return count;
    },
  };
}
