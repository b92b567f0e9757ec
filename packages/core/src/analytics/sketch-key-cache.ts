// QuantileSketch.keyOf of a duration in microseconds, remembered: a log holds a few thousand distinct
// durations (whole milliseconds, mostly), and the logarithm behind each key was ~6% of an applog pass.
// Direct-mapped by a hash of the duration; a miss computes the key, so the answer is always keyOf's.
import { QuantileSketch } from './quantile-sketch';

const SLOT_BITS = 12;
const SLOTS = 1 << SLOT_BITS;

export class SketchKeyCache {
  /** Durations held, NaN for an empty slot (no duration equals it). */
  private readonly micros = new Float64Array(SLOTS).fill(NaN);
  private readonly keys = new Float64Array(SLOTS);

  /** QuantileSketch.keyOf(us / 1000). */
  keyOfMicros(us: number): number {
    // A multiplicative hash of the low 32 bits: durations are mostly whole milliseconds (multiples of
    // 1000), whose low bits alone would crowd into an eighth of the slots. Integer ops only: a double
    // modulo cost more than the lookup.
    const slot = Math.imul(us | 0, 0x9e3779b1) >>> (32 - SLOT_BITS);
    if (this.micros[slot] === us) return this.keys[slot];
    const key = QuantileSketch.keyOf(us / 1000);
    this.micros[slot] = us;
    this.keys[slot] = key;
    return key;
  }
}
