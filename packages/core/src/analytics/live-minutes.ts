// The minute buckets whose sketches may stay unpacked, in the order they were last touched. Touching a
// bucket moves it to the front in O(1) (a list threaded through the buckets themselves); past the
// budget the least recently touched one is packed to its text and leaves the list. So lines may come
// in any order: as long as the minutes they touch fit the budget, no sketch is packed and unpacked
// again per line, and memory stays bounded by the budget however many minutes a chunk holds.
import type { QuantileSketch } from './quantile-sketch';

/** One minute's counts, and its place in LiveMinutes' list. */
export class MinuteNode {
  requests = 0;
  errors = 0;
  timed = 0;
  duration_us = 0;
  sketch: QuantileSketch | null = null;
  /** Neighbours in the list: newer toward the front. Both null when it is not listed (or alone). */
  newer: MinuteNode | null = null;
  older: MinuteNode | null = null;
  listed = false;

  /** minute: its start, epoch ms. */
  constructor(readonly minute: number) {}
}

export class LiveMinutes {
  private newest: MinuteNode | null = null;
  private oldest: MinuteNode | null = null;
  private listedCount = 0;

  /** budget: the most buckets listed at once, so the most sketches held unpacked. */
  constructor(private readonly budget: number) {
    if (!Number.isSafeInteger(budget) || budget < 1) throw new Error(`the live minute budget must be a positive integer, got ${budget}`);
  }

  /** Buckets listed now: every bucket whose sketch is unpacked is one of them. */
  get size(): number {
    return this.listedCount;
  }

  /** Marks a bucket as just used; packs the least recently used one's sketch when past the budget. */
  touch(node: MinuteNode): void {
    if (node === this.newest) return;
    if (node.listed) {
      this.unlink(node);
    } else {
      node.listed = true;
      this.listedCount++;
    }
    node.older = this.newest;
    node.newer = null;
    if (this.newest !== null) this.newest.newer = node;
    else this.oldest = node;
    this.newest = node;
    if (this.listedCount > this.budget) this.evictOldest();
  }

  private evictOldest(): void {
    const node = this.oldest!;
    this.unlink(node);
    node.listed = false;
    this.listedCount--;
    node.sketch?.pack();
  }

  private unlink(node: MinuteNode): void {
    if (node.newer !== null) node.newer.older = node.older;
    else this.newest = node.older;
    if (node.older !== null) node.older.newer = node.newer;
    else this.oldest = node.newer;
    node.newer = null;
    node.older = null;
  }
}
