// Request counts per epoch second, for the peak second. Logs are mostly in time order, so counts live
// in a dense array over a growing window of seconds (an index, no hashing); a second far outside the
// window (a stray timestamp days away) goes to a small map instead of stretching the array.
//
// Serialized as one string of "Δsecond:count" entries, the first Δ the epoch second itself and a Δ
// of 1 left empty ("1706091332:3,:5,7:1" = 3 requests in that second, 5 in the next, 1 seven later):
// a chunk can hold millions of seconds, and a [second, count] array per second made the partial's
// largest and slowest part.

const INITIAL_WINDOW = 4096;
/** 2^20 seconds ≈ 12 days: at most 4 MiB of counts. */
const MAX_WINDOW = 1 << 20;

export class SecondCounts {
  private base = 0;
  private counts: Uint32Array | null = null;
  private readonly outliers = new Map<number, number>();

  add(second: number, n: number): void {
    let counts = this.counts;
    if (counts === null) {
      this.base = second - INITIAL_WINDOW / 2;
      counts = this.counts = new Uint32Array(INITIAL_WINDOW);
    }
    let index = second - this.base;
    if (index < 0 || index >= counts.length) {
      if (!this.grow(second)) {
        this.outliers.set(second, (this.outliers.get(second) ?? 0) + n);
        return;
      }
      counts = this.counts!;
      index = second - this.base;
    }
    counts[index] += n;
  }

  /** Widens the window to hold `second`, doubling; false when that would pass MAX_WINDOW. */
  private grow(second: number): boolean {
    const counts = this.counts!;
    const low = Math.min(this.base, second);
    const high = Math.max(this.base + counts.length, second + 1);
    if (high - low > MAX_WINDOW) return false;
    let size = counts.length;
    while (size < high - low) size *= 2;
    size = Math.min(size, MAX_WINDOW);
    // The new room goes on the side that grew, where the next seconds are likely to fall.
    const newBase = second < this.base ? high - size : low;
    const grown = new Uint32Array(size);
    grown.set(counts, this.base - newBase);
    this.base = newBase;
    this.counts = grown;
    return true;
  }

  /** Visits the non-zero seconds in time order. */
  forEach(visit: (second: number, n: number) => void): void {
    const counts = this.counts;
    if (this.outliers.size === 0) {
      if (counts) for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) visit(this.base + i, counts[i]);
      return;
    }
    for (const [second, n] of this.entries()) visit(second, n);
  }

  serialize(): string {
    const parts: string[] = [];
    let previous = NaN;
    this.forEach((second, n) => {
      const gap = second - previous;
      parts.push(Number.isNaN(gap) ? `${second}:${n}` : gap === 1 ? `:${n}` : `${gap}:${n}`);
      previous = second;
    });
    return parts.join(',');
  }

  /** Adds the counts of a serialized SecondCounts. */
  addSerialized(encoded: string): void {
    forEachSerialized(encoded, (second, n) => this.add(second, n));
  }

  /** Non-zero [second, count] pairs in time order. */
  entries(): Array<[number, number]> {
    const dense: Array<[number, number]> = [];
    const counts = this.counts;
    if (counts) for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) dense.push([this.base + i, counts[i]]);
    if (this.outliers.size === 0) return dense; // already in time order
    // Outliers lie outside the window, so they never share a second with the dense part.
    return [...dense, ...this.outliers.entries()].sort((a, b) => a[0] - b[0]);
  }
}

/** The shape serialize() writes; the first second may be negative, gaps are positive. */
export const SERIALIZED_SECONDS = /^(?:-?\d+:[1-9]\d*(?:,(?:[1-9]\d*)?:[1-9]\d*)*)?$/;

/** Visits the seconds of a serialized SecondCounts, which must match SERIALIZED_SECONDS. */
export function forEachSerialized(encoded: string, visit: (second: number, n: number) => void): void {
  if (!SERIALIZED_SECONDS.test(encoded)) throw new Error('not serialized per-second counts');
  let i = 0;
  let second = NaN;
  while (i < encoded.length) {
    const colon = encoded.indexOf(':', i);
    let comma = encoded.indexOf(',', colon);
    if (comma === -1) comma = encoded.length;
    const gap = colon === i ? 1 : Number(encoded.slice(i, colon));
    second = Number.isNaN(second) ? gap : second + gap;
    visit(second, Number(encoded.slice(colon + 1, comma)));
    i = comma + 1;
  }
}
