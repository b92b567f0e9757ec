// Response-time percentiles from DDSketch (@datadog/sketches-js): every quantile it returns is within
// 1% of the exact value at that rank. Bins hold integer counts, so merged sketches are identical
// whatever the chunking and order. Values are milliseconds.
//
// The serialized form is our own: the non-zero bins as "zeroCount;key:count,Δkey:count,…". The
// library's protobuf carries the dense store's spare capacity (mostly zeros, and different for equal
// contents), which is neither compact nor canonical.
import { DDSketch } from '@datadog/sketches-js';

export const SKETCH_RELATIVE_ACCURACY = 0.01;

export class QuantileSketch {
  private constructor(private readonly sketch: DDSketch) {}

  static empty(): QuantileSketch {
    return new QuantileSketch(new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }));
  }

  get count(): number {
    return this.sketch.count;
  }

  add(ms: number): void {
    this.sketch.accept(ms);
  }

  merge(other: QuantileSketch): void {
    // Bin by bin, not DDSketch.merge: the library's DenseStore.merge grows its range by
    // `_extendRange(minKey, maxKey)`, which takes a maxKey of 0 (the bin of values near 1 ms) for
    // "absent", so that bin, when beyond this store's range, is written past its array as NaN.
    const { bins, offset } = other.sketch.store;
    for (let i = 0; i < bins.length; i++) if (bins[i] !== 0) this.sketch.store.add(i + offset, bins[i]);
    this.sketch.zeroCount += other.sketch.zeroCount;
    this.sketch.count += other.sketch.count;
  }

  /** The value at quantile q (0..1), or null when empty. */
  quantile(q: number): number | null {
    return this.sketch.count === 0 ? null : this.sketch.getValueAtQuantile(q);
  }

  serialize(): string {
    const { bins, offset } = this.sketch.store;
    const parts: string[] = [];
    let previous = 0;
    for (let i = 0; i < bins.length; i++) {
      if (bins[i] === 0) continue;
      const key = i + offset;
      parts.push(`${parts.length === 0 ? key : key - previous}:${bins[i]}`);
      previous = key;
    }
    return `${this.sketch.zeroCount};${parts.join(',')}`;
  }

  static deserialize(encoded: string): QuantileSketch {
    const [zero, bins] = encoded.split(';');
    const result = QuantileSketch.empty();
    const sketch = result.sketch;
    let count = Number(zero);
    if (bins === undefined || !Number.isInteger(count)) throw new Error('not a serialized quantile sketch');
    if (bins.length > 0) {
      let key = 0;
      bins.split(',').forEach((pair, i) => {
        const [k, n] = pair.split(':').map(Number);
        key = i === 0 ? k : key + k;
        sketch.store.add(key, n);
        count += n;
      });
    }
    sketch.zeroCount = Number(zero);
    sketch.count = count;
    return result;
  }
}
