// The minute buckets whose sketches and per-second counts may stay unpacked, up to a budget. Touching
// a bucket stamps it with a clock (one write); past the budget the least recently stamped eighth of
// the listed buckets is packed at once: each one's sketch goes to its text and its seconds to the
// timeline's per-second pages. So lines may come in any order: as long as the minutes they touch fit
// the budget, nothing is packed and unpacked again per line, a touch costs no list relinking (lines
// shuffled within an hour touch another minute on almost every line, and keeping a linked list in
// order was 11 ns of them each), and memory stays bounded by the budget however many minutes a chunk
// holds.
import type { QuantileSketch } from './quantile-sketch';

/** Seconds in a minute: a live bucket counts its requests per second in a run of the slab this long. */
export const SECONDS_PER_MINUTE = 60;

/** One minute's counts, and its standing in LiveMinutes. */
export class MinuteNode {
  requests = 0;
  errors = 0;
  timed = 0;
  duration_us = 0;
  sketch: QuantileSketch | null = null;
  /**
   * Where the requests per second of the minute not yet handed to the timeline's per-second pages
   * start in the timeline's slab of live seconds; -1 while it holds none (always, while unlisted).
   * Counting there is one array write per line, where the pages' lookup per line (which page holds the
   * second, at which index) was most of the cost of lines out of order.
   */
  secondsBase = -1;
  /** The clock at the last touch, while listed. */
  stamp = 0;
  listed = false;

  /** minute: its start, epoch ms. */
  constructor(readonly minute: number) {}
}

/** Receives a bucket leaving the live set: pack its sketch, hand on its seconds. */
export type UnlistMinute = (node: MinuteNode) => void;

export class LiveMinutes {
  private readonly listed: MinuteNode[] = [];
  private clock = 0;
  /**
   * Buckets kept listed when the budget overflows: seven eighths of it, at least the one just touched.
   * An eighth of the default budget is 64 sketches, as many bin arrays as the sketches' pool keeps
   * (quantile-sketch.ts): packing a quarter at once dropped half of them, and the new minutes' sketches
   * regrew theirs, 200 MB more garbage in a 1 GiB pass.
   */
  private readonly keep: number;

  /** budget: the most buckets listed at once, so the most sketches and second arrays held unpacked. */
  constructor(
    private readonly budget: number,
    private readonly unlist: UnlistMinute,
  ) {
    if (!Number.isSafeInteger(budget) || budget < 1) throw new Error(`the live minute budget must be a positive integer, got ${budget}`);
    this.keep = Math.max(1, budget - Math.floor(budget / 8));
  }

  /** Buckets listed now: every bucket whose sketch is unpacked is one of them. */
  get size(): number {
    return this.listed.length;
  }

  /** Marks a bucket as just used; packs the least recently used eighth when past the budget. */
  touch(node: MinuteNode): void {
    node.stamp = ++this.clock;
    if (node.listed) return;
    node.listed = true;
    this.listed.push(node);
    if (this.listed.length > this.budget) this.evictOldest();
  }

  /** Every listed bucket, in no particular order (to hand their seconds on before a read). */
  forEach(visit: (node: MinuteNode) => void): void {
    for (const node of this.listed) visit(node);
  }

  private evictOldest(): void {
    // Newest first: the ones kept stay at the front, the rest leave. The bucket just touched has the
    // highest stamp, so it always stays.
    this.listed.sort((a, b) => b.stamp - a.stamp);
    for (let i = this.keep; i < this.listed.length; i++) {
      const node = this.listed[i];
      node.listed = false;
      this.unlist(node);
    }
    this.listed.length = this.keep;
  }
}
