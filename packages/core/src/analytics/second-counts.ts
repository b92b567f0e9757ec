// Request counts per epoch second, for the peak second. Logs are mostly in time order, so counts live
// in a dense array over a growing window of seconds (an index, no hashing); a second far outside the
// window (a stray timestamp days away) goes to a small map instead of stretching the array.

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
