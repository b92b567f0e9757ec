// Counts per key for keys that repeat line after line (a format, a level, an HTTP method): a run of
// equal keys is counted in a field and reaches the map only when the key changes, so the common line
// costs one identity comparison instead of a map lookup and store.

export class RunCounter<K> {
  private readonly counts = new Map<K, number>();
  private runKey: K | undefined = undefined;
  private runLength = 0;

  add(key: K): void {
    if (key === this.runKey) {
      this.runLength++;
      return;
    }
    this.flush();
    this.runKey = key;
    this.runLength = 1;
  }

  /** The counts so far, keyed by key. */
  entries(): Map<K, number> {
    this.flush();
    return this.counts;
  }

  private flush(): void {
    if (this.runLength > 0) this.counts.set(this.runKey as K, (this.counts.get(this.runKey as K) ?? 0) + this.runLength);
    this.runLength = 0;
  }
}
