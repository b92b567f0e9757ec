// QuantileSketch.keyOf of a duration in microseconds, remembered: a log holds a few thousand distinct
// durations (whole milliseconds, mostly), and the logarithm behind each key was ~6% of an applog pass.
// Direct-mapped by the duration's low bits; a miss computes the key, so the answer is always keyOf's.
import { QuantileSketch } from './quantile-sketch';

const SLOTS = 4096;

export class SketchKeyCache {
  /** Durations held, NaN for an empty slot (no duration equals it). */
  private readonly micros = new Float64Array(SLOTS).fill(NaN);
  private readonly keys = new Float64Array(SLOTS);

  /** QuantileSketch.keyOf(us / 1000). */
  keyOfMicros(us: number): number {
    const slot = (us % SLOTS) | 0;
    if (this.micros[slot] === us) return this.keys[slot];
    const key = QuantileSketch.keyOf(us / 1000);
    this.micros[slot] = us;
    this.keys[slot] = key;
    return key;
  }
}
