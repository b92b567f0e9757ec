// Response-time percentiles with DDSketch's guarantee: every quantile returned is within 1% of the
// exact value at that rank. Bins hold integer counts, so merged sketches are identical whatever the
// chunking and order. Values are milliseconds.
//
// The value→bin mapping is @datadog/sketches-js's own (its LogarithmicMapping, taken from a DDSketch),
// so keys and quantiles are exactly the library's. The bin store is ours: the library's DenseStore
// re-centres its plain array (slice + unshift of fresh arrays) whenever a value lands outside its
// range, which cost 10–20% of a whole analysis pass in profiles with thousands of small sketches
// (one per minute and per path). Ours is a plain number array that grows by doubling; arrays of
// packed or dropped sketches go back to a small pool, so a new minute's sketch does not regrow.
//
// A sketch can be packed into its serialized text (a few hundred bytes instead of a dense array of a
// thousand bins): the timeline packs minutes it has moved past, which keeps memory proportional to
// the distinct bins rather than to the bins' range. Any change unpacks it again.
//
// The serialized form is our own: the non-zero bins as "zeroCount;key:count,Δkey:count,…". The
// library's protobuf carries the dense store's spare capacity (mostly zeros, and different for equal
// contents), which is neither compact nor canonical.
import { DDSketch } from '@datadog/sketches-js';
import { AsciiWriter, MAX_INTEGER_BYTES, writeInteger } from '../text/ascii-writer';
import { asciiBytes } from '../text/ascii-bytes';

export const SKETCH_RELATIVE_ACCURACY = 0.01;

const mapping = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping;
/** Values at or below this go to the zero bin (the library's rule). */
const MIN_POSITIVE = mapping.minPossible;
const INITIAL_BINS = 32;
/** keyOf's answer for the zero bin: no real key is this far below the smallest double's. */
const ZERO_KEY = -1e9;
/**
 * The keys of values from just above MIN_POSITIVE to the largest double (about ±35 500). A text with a
 * key outside them is forged, and unpacking it would stretch the bin array across the gap.
 */
export const MIN_SKETCH_KEY = mapping.key(MIN_POSITIVE);
export const MAX_SKETCH_KEY = mapping.key(Number.MAX_VALUE);

/** Zeroed bin arrays of released sketches, reused by the next sketch that needs bins. */
const pool: number[][] = [];
const POOL_LIMIT = 64;

const SEMICOLON = 0x3b;
const COLON = 0x3a;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_1 = 0x31;

/**
 * Writes serialize()'s text: the zero count, then the bins in key order, each key after the first as
 * its distance from the one before. Written as bytes and decoded once: a string per bin, then a join,
 * was most of the garbage of a pass, since every past minute's sketch is serialized when it is packed.
 * Shared by every sketch: one text at a time, and this thread's only.
 */
class BinTextWriter {
  private readonly out = new AsciiWriter(4096);
  private previous = 0;
  private first = true;

  start(zeroCount: number): void {
    this.out.reset();
    this.out.end = writeTextStart(this.out.room(MAX_INTEGER_BYTES + 1), 0, zeroCount);
    this.previous = 0;
    this.first = true;
  }

  /** The next bin: its key above the last one's, and a count of at least 1. */
  bin(key: number, n: number): void {
    const out = this.out;
    out.end = writeBin(out.room(BIN_BYTES), out.end, this.first, key, this.previous, n);
    this.previous = key;
    this.first = false;
  }

  text(): string {
    return this.out.text();
  }
}

/** The most bytes writeBin writes. */
const BIN_BYTES = 2 * MAX_INTEGER_BYTES + 2;

/** The text's start into buf at `at`: the zero count and a ';'. Returns the position after it. */
function writeTextStart(buf: Uint8Array, at: number, zeroCount: number): number {
  at = writeInteger(buf, at, zeroCount);
  buf[at++] = SEMICOLON;
  return at;
}

/**
 * One bin of the text into buf at `at` (BIN_BYTES of room): a comma unless first, the key (the first
 * itself, each later one as its distance from `previous`), a ':' and the count. Returns the position after it.
 */
function writeBin(buf: Uint8Array, at: number, first: boolean, key: number, previous: number, n: number): number {
  if (!first) buf[at++] = COMMA;
  at = writeInteger(buf, at, first ? key : key - previous);
  buf[at++] = COLON;
  return writeInteger(buf, at, n);
}

const binText = new BinTextWriter();
/** textOfKeys' bytes before they are decoded, grown to the longest text. */
let keysText = Buffer.allocUnsafe(4096);

const zeros = (n: number): number[] => new Array<number>(n).fill(0);

export class QuantileSketch {
  /** Values counted (the zero bin included). */
  count = 0;
  private zeroCount = 0;
  /** bins[i] counts key offset + i; null until the first positive value, and while packed. */
  private bins: number[] | null = null;
  private offset = 0;
  /** bins[low..high] holds every non-zero bin: scans and clearing skip the rest of a big array. */
  private low = Infinity;
  private high = -1;
  /** The serialized form while packed, else null. */
  private packed: string | null = null;

  static empty(): QuantileSketch {
    return new QuantileSketch();
  }

  add(ms: number): void {
    this.addKey(QuantileSketch.keyOf(ms));
  }

  /** The bin of a value, for adding one value to several sketches with one logarithm. */
  static keyOf(ms: number): number {
    return ms > MIN_POSITIVE ? mapping.key(ms) : ZERO_KEY;
  }

  /** Adds a value by its keyOf. */
  addKey(key: number): void {
    if (this.packed !== null) this.unpack();
    this.count++;
    if (key !== ZERO_KEY) this.addToBin(key, 1);
    else this.zeroCount++;
  }

  merge(other: QuantileSketch): void {
    if (other.count === 0) return;
    if (this.packed !== null) {
      let bins = 0;
      other.forEachBin((key, n) => (bins = addMergeBin(bins, key, n)));
      return this.mergePacked(other.zeroCount, bins, other.count);
    }
    this.count += other.count;
    this.zeroCount += other.zeroCount;
    other.forEachBin((key, n) => this.addToBin(key, n));
  }

  /** Adds the values of keyOf's answers keys[0, n), sorting them in place. */
  addKeys(keys: Int32Array, n: number): void {
    if (this.packed === null) {
      for (let i = 0; i < n; i++) this.addKey(keys[i]);
      return;
    }
    sortKeys(keys, n);
    let zeros = 0;
    let bins = 0;
    for (let i = 0; i < n; ) {
      const key = keys[i];
      let count = 1;
      while (++i < n && keys[i] === key) count++;
      if (key === ZERO_KEY) zeros = count;
      else bins = addMergeBin(bins, key, count);
    }
    this.mergePacked(zeros, bins, n);
  }

  /**
   * Merges `added` values, zeros of them zero values and the rest the bins mergeKeys/mergeCounts[0,
   * bins) (in key order), into this packed sketch, writing its merged text straight from the two: a job's merged top table keeps its
   * 100,000+ sketches packed, and unpacking each into dense bins to pack it again was a third of a
   * merge's time.
   */
  private mergePacked(zeros: number, bins: number, added: number): void {
    const keys = mergeKeys;
    const counts = mergeCounts;
    const out = binText;
    out.start(this.zeroCount + zeros);
    let j = 0;
    scanPackedBins(this.packed!, (key, n) => {
      for (; j < bins && keys[j] < key; j++) out.bin(keys[j], counts[j]);
      if (j < bins && keys[j] === key) n += counts[j++];
      out.bin(key, n);
    });
    for (; j < bins; j++) out.bin(keys[j], counts[j]);
    this.packed = out.text();
    this.count += added;
    this.zeroCount += zeros;
  }

  /** A sketch with the same contents, sharing nothing mutable with this one. */
  copy(): QuantileSketch {
    if (this.packed !== null) return QuantileSketch.packedFrom(this.count, this.zeroCount, this.packed);
    const copy = new QuantileSketch();
    copy.merge(this);
    return copy;
  }

  /** Whether only the serialized form is held (no bin array). */
  get isPacked(): boolean {
    return this.packed !== null;
  }

  /** Keeps only the serialized form, returning the bin array to the pool. */
  pack(): void {
    if (this.packed !== null) return;
    this.packed = this.serialize();
    this.release();
  }

  /** Empties the sketch, keeping its bin array (zeroed) for the values to come. */
  clear(): void {
    this.count = 0;
    this.zeroCount = 0;
    this.packed = null;
    if (this.bins !== null && this.high >= 0) this.bins.fill(0, this.low, this.high + 1);
    this.low = Infinity;
    this.high = -1;
  }

  /** The value at quantile q (0..1), or null when empty; the library's rank rule. */
  quantile(q: number): number | null {
    if (this.count === 0) return null;
    const rank = q * (this.count - 1);
    if (rank < this.zeroCount) return 0;
    const target = rank - this.zeroCount;
    let running = 0;
    let found = NaN;
    let last = NaN;
    this.forEachBin((key, n) => {
      last = key;
      if (!Number.isNaN(found)) return;
      running += n;
      if (running > target) found = key;
    });
    return mapping.value(Number.isNaN(found) ? last : found);
  }

  serialize(): string {
    if (this.packed !== null) return this.packed;
    // Written as bytes and decoded once: a string per bin (then a join) was most of the garbage of a
    // pass, since every past minute's sketch is serialized when it is packed.
    const out = binText;
    out.start(this.zeroCount);
    const bins = this.bins;
    if (bins !== null) {
      for (let i = this.low; i <= this.high; i++) if (bins[i] !== 0) out.bin(i + this.offset, bins[i]);
    }
    return out.text();
  }

  /**
   * serialize()'s text of a sketch holding the values whose keys (keyOf's answers) are keys[0, n),
   * sorting them in place: a top table writes a key's few listed values this way, since filling and
   * clearing a sketch's bins for each of 100,000 paths cost more than the text.
   */
  static textOfKeys(keys: Int32Array, n: number): string {
    const room = QuantileSketch.textOfKeysBytes(n);
    if (keysText.length < room) keysText = Buffer.allocUnsafe(room);
    return keysText.toString('latin1', 0, QuantileSketch.writeTextOfKeys(keys, n, keysText, 0));
  }

  /** The most bytes writeTextOfKeys writes for n keys: the zero count, then up to n bins. */
  static textOfKeysBytes(n: number): number {
    return MAX_INTEGER_BYTES + 1 + n * BIN_BYTES;
  }

  /**
   * textOfKeys' text written into buf at `at`, which has textOfKeysBytes(n) bytes of room; returns the
   * position after it. A top table's rows go this way straight into their JSON block.
   */
  static writeTextOfKeys(keys: Int32Array, n: number, buf: Uint8Array, at: number): number {
    sortKeys(keys, n);
    let i = 0;
    while (i < n && keys[i] === ZERO_KEY) i++;
    at = writeTextStart(buf, at, i);
    let previous = 0;
    for (let first = true; i < n; first = false) {
      const key = keys[i];
      let count = 1;
      while (++i < n && keys[i] === key) count++;
      at = writeBin(buf, at, first, key, previous, count);
      previous = key;
    }
    return at;
  }

  /** A packed sketch of serialize()'s text; throws on anything else (the text is checked, not trusted). */
  static deserialize(encoded: string): QuantileSketch {
    const count = QuantileSketch.countOfText(encoded);
    if (count < 0) throw new Error('not a serialized quantile sketch');
    return QuantileSketch.packedFrom(count, zeroCountOf(encoded), encoded);
  }

  /** deserialize() of a text countOfText has already accepted, with its answer: the text is not scanned again. */
  static ofCheckedText(encoded: string, count: number): QuantileSketch {
    return QuantileSketch.packedFrom(count, zeroCountOf(encoded), encoded);
  }

  /** How many values serialize()'s text holds, or -1 when the text is anything else; makes no sketch. */
  static countOfText(encoded: string): number {
    return scanPackedBins(encoded, null);
  }

  /** forEachKey of the sketch a text countOfText has accepted, read from the text. */
  static forEachKeyOfText(encoded: string, visit: (key: number, n: number) => void): void {
    const zeroCount = zeroCountOf(encoded);
    if (zeroCount > 0) visit(ZERO_KEY, zeroCount);
    scanPackedBins(encoded, visit);
  }

  private static packedFrom(count: number, zeroCount: number, packed: string): QuantileSketch {
    const sketch = new QuantileSketch();
    sketch.count = count;
    sketch.zeroCount = zeroCount;
    sketch.packed = packed;
    return sketch;
  }

  /** Every value's key (keyOf's answer) with its count: the zero bin's first, then the bins in key order. */
  forEachKey(visit: (key: number, n: number) => void): void {
    if (this.zeroCount > 0) visit(ZERO_KEY, this.zeroCount);
    this.forEachBin(visit);
  }

  /** The non-zero bins in key order. */
  private forEachBin(visit: (key: number, n: number) => void): void {
    if (this.packed !== null) {
      scanPackedBins(this.packed, visit);
      return;
    }
    const bins = this.bins;
    if (bins === null) return;
    for (let i = this.low; i <= this.high; i++) if (bins[i] !== 0) visit(i + this.offset, bins[i]);
  }

  private unpack(): void {
    const packed = this.packed!;
    this.packed = null;
    scanPackedBins(packed, (key, n) => this.addToBin(key, n));
  }

  private release(): void {
    const bins = this.bins;
    this.bins = null;
    if (bins !== null && pool.length < POOL_LIMIT) pool.push(this.high < 0 ? bins : bins.fill(0, this.low, this.high + 1));
    this.low = Infinity;
    this.high = -1;
  }

  private addToBin(key: number, n: number): void {
    let bins = this.bins;
    if (bins === null) {
      bins = this.bins = pool.pop() ?? zeros(INITIAL_BINS);
      this.offset = key - (bins.length >> 1);
    }
    let index = key - this.offset;
    if (index < 0 || index >= bins.length) {
      if (this.high < 0) {
        // Empty (cleared for a new key): move the window rather than grow it.
        this.offset = key - (bins.length >> 1);
      } else {
        bins = this.grow(key);
      }
      index = key - this.offset;
    }
    bins[index] += n;
    if (index < this.low) this.low = index;
    if (index > this.high) this.high = index;
  }

  /** Doubles the bins until key fits, the new room on the side that grew. */
  private grow(key: number): number[] {
    const old = this.bins!;
    const lowKey = Math.min(this.offset, key);
    const endKey = Math.max(this.offset + old.length, key + 1);
    let size = old.length * 2;
    while (size < endKey - lowKey) size *= 2;
    const newOffset = key < this.offset ? endKey - size : lowKey;
    const grown = zeros(size);
    const shift = this.offset - newOffset;
    for (let i = this.low; i <= this.high; i++) grown[i + shift] = old[i];
    if (this.high >= 0) {
      this.low += shift;
      this.high += shift;
    }
    this.bins = grown;
    this.offset = newOffset;
    return grown;
  }
}

/** The zero count that starts a text countOfText has accepted: its digits before the ';'. */
function zeroCountOf(text: string): number {
  let value = 0;
  for (let i = 0; ; i++) {
    const c = text.charCodeAt(i) - DIGIT_0;
    if (!(c >= 0 && c <= 9)) return value;
    value = value * 10 + c;
  }
}

/** Insertion sort: a key's listed values are at most a few dozen. */
function sortKeys(keys: Int32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const key = keys[i];
    let at = i;
    for (; at > 0 && keys[at - 1] > key; at--) keys[at] = keys[at - 1];
    keys[at] = key;
  }
}

/** The bins merged into a packed sketch (mergePacked's), grown to the most bins one sketch had. */
let mergeKeys = new Int32Array(1024);
let mergeCounts = new Float64Array(1024);

/** Appends a bin at index `bins` of mergeKeys/mergeCounts; the new bin count. */
function addMergeBin(bins: number, key: number, n: number): number {
  if (bins === mergeKeys.length) {
    const keys = new Int32Array(2 * bins);
    keys.set(mergeKeys);
    mergeKeys = keys;
    const counts = new Float64Array(2 * bins);
    counts.set(mergeCounts);
    mergeCounts = counts;
  }
  mergeKeys[bins] = key;
  mergeCounts[bins] = n;
  return bins + 1;
}

/**
 * Walks the bins of "zeroCount;key:n,Δkey:n,…" (the first key may be negative; deltas and counts are at
 * least 1) and returns how many values it holds (the zero count and the bins' counts), or -1 as soon
 * as the text departs from that grammar, a number or the sum passes 2^53 or a key leaves
 * [MIN_SKETCH_KEY, MAX_SKETCH_KEY]. Visits happen as it goes, so only
 * text already checked (a packed sketch's own) is visited; a visit must not scan another text (the
 * bytes are asciiBytes' scratch).
 */
function scanPackedBins(packed: string, visit: ((key: number, n: number) => void) | null): number {
  const bytes = asciiBytes(packed);
  if (bytes === null) return -1;
  const end = packed.length;
  let i = 0;
  let c = 0;
  let zeroCount = 0;
  while ((c = bytes[i] - DIGIT_0) >= 0 && c <= 9) (zeroCount = zeroCount * 10 + c), i++;
  if (i === 0 || zeroCount > Number.MAX_SAFE_INTEGER || bytes[i] !== SEMICOLON) return -1;
  if (++i === end) return zeroCount;
  const negative = bytes[i] === MINUS;
  if (negative) i++;
  const keyStart = i;
  let firstKey = 0;
  while ((c = bytes[i] - DIGIT_0) >= 0 && c <= 9) (firstKey = firstKey * 10 + c), i++;
  if (i === keyStart || firstKey > Number.MAX_SAFE_INTEGER) return -1;
  let key = negative ? -firstKey : firstKey;
  let total = zeroCount;
  // Locals: the compiled module reads an exported constant as a property of its exports on every use.
  const maxSafe = Number.MAX_SAFE_INTEGER;
  // Gaps are at least 1, so keys only grow: the first key and the last decide whether all are in range.
  if (key < MIN_SKETCH_KEY || key > MAX_SKETCH_KEY) return -1;
  // Most counts and gaps are one digit, read without a loop (20% faster over a chunk's minute
  // sketches), and a one-digit count needs no test against 2^53. The sentinel after the text is no
  // digit, colon or comma, so every loop stops at the end.
  for (;;) {
    if (bytes[i] !== COLON || (c = bytes[++i] - DIGIT_1) < 0 || c > 8) return -1;
    let n = c + 1;
    if ((c = bytes[++i] - DIGIT_0) >= 0 && c <= 9) {
      do n = n * 10 + c;
      while ((c = bytes[++i] - DIGIT_0) >= 0 && c <= 9);
      if (n > maxSafe) return -1;
    }
    if (visit !== null) visit(key, n);
    total += n;
    if (i === end) return key <= MAX_SKETCH_KEY && total <= maxSafe ? total : -1;
    if (bytes[i] !== COMMA || (c = bytes[++i] - DIGIT_1) < 0 || c > 8) return -1;
    let delta = c + 1;
    if ((c = bytes[++i] - DIGIT_0) >= 0 && c <= 9) {
      do delta = delta * 10 + c;
      while ((c = bytes[++i] - DIGIT_0) >= 0 && c <= 9);
    }
    key += delta;
  }
}
