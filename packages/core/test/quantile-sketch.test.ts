// The response-time sketch: percentiles within 1% of the exact ones on skewed data, serialization that
// round-trips and stays compact, and merges that give the single-pass sketch in any order.
import { DDSketch } from '@datadog/sketches-js';
import { MAX_SKETCH_KEY, MIN_SKETCH_KEY, QuantileSketch, SKETCH_RELATIVE_ACCURACY } from '../src/analytics/quantile-sketch';
import { mulberry32, Random, randomInt, shuffled, thrownBy } from './helpers';

const VALUE_COUNT = 100_000;
const QUANTILES = [0, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Skewed millisecond distributions, the shapes response times take. */
const DISTRIBUTIONS: Record<string, (random: Random) => number> = {
  lognormal: (random) => Math.exp(Math.log(40) + 1.2 * gaussian(random)),
  'bimodal, ~1 ms cache hits and ~1000 ms misses': (random) => (random() < 0.8 ? Math.exp(0.15 * gaussian(random)) : 1000 * Math.exp(0.3 * gaussian(random))),
  'heavy ties: zeros, whole milliseconds and one repeated value': (random) => {
    const roll = random();
    return roll < 0.45 ? 0 : roll < 0.75 ? Math.floor(random() * 5) : roll < 0.995 ? 250 : 60_000;
  },
  'log-uniform from 1 µs to 1000 s': (random) => 10 ** (random() * 9 - 3),
};

function sample(name: string, seed: number): number[] {
  const random = mulberry32(seed);
  return Array.from({ length: VALUE_COUNT }, () => DISTRIBUTIONS[name](random));
}

function sketchOf(values: readonly number[]): QuantileSketch {
  const sketch = QuantileSketch.empty();
  for (const value of values) sketch.add(value);
  return sketch;
}

/**
 * The exact quantile by the sketch's own rank definition. DDSketch's getValueAtQuantile takes the rank
 * q·(n−1) and returns the bin holding the value at index ⌊q·(n−1)⌋ of the sorted values (counting from
 * 0: the first bin whose running count exceeds the rank), so the reference takes the floor too.
 */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

const quantilesOf = (sketch: QuantileSketch): Array<number | null> => QUANTILES.map((q) => sketch.quantile(q));

it.each(Object.keys(DISTRIBUTIONS))('reports every percentile within 1%% of the exact one: %s', (name) => {
  const values = sample(name, name.length);
  const sorted = [...values].sort((a, b) => a - b);
  const sketch = sketchOf(values);
  expect(sketch.count).toBe(VALUE_COUNT);
  for (const q of QUANTILES) {
    const exact = exactQuantile(sorted, q);
    const reported = sketch.quantile(q) as number;
    // An exact zero must come back as exactly zero.
    expect({ q, exact, reported, withinBound: Math.abs(reported - exact) <= SKETCH_RELATIVE_ACCURACY * exact }).toStrictEqual({ q, exact, reported, withinBound: true });
  }
});

it('takes the lower value at a fractional rank, as the reference does', () => {
  // Two values: p50 has rank 0.5, between 1 ms and 1000 ms; the floor picks 1 ms.
  const sketch = sketchOf([1000, 1]);
  expect(Math.abs((sketch.quantile(0.5) as number) - 1) <= SKETCH_RELATIVE_ACCURACY).toBe(true);
  expect(Math.abs((sketch.quantile(1) as number) - 1000) <= 1000 * SKETCH_RELATIVE_ACCURACY).toBe(true);
});

it('reports exactly zero for a percentile that falls on the zeros', () => {
  const sketch = sketchOf([0, 0, 0, 5]);
  expect([sketch.quantile(0), sketch.quantile(0.5), sketch.quantile(0.99)]).toStrictEqual([0, 0, 0]);
  expect(Math.abs((sketch.quantile(1) as number) - 5) <= 5 * SKETCH_RELATIVE_ACCURACY).toBe(true);
});

it.each(Object.keys(DISTRIBUTIONS))('gives exactly the quantiles of the library DDSketch it replaces the store of: %s', (name) => {
  const values = sample(name, 50 + name.length);
  const library = new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });
  for (const value of values) library.accept(value);
  expect(quantilesOf(sketchOf(values))).toStrictEqual(QUANTILES.map((q) => library.getValueAtQuantile(q)));
});

it('reports null for every percentile of an empty sketch, which serializes to "0;"', () => {
  const sketch = QuantileSketch.empty();
  expect(quantilesOf(sketch)).toStrictEqual(QUANTILES.map(() => null));
  expect(sketch.serialize()).toBe('0;');
  expect(QuantileSketch.deserialize('0;').count).toBe(0);
});

it.each(Object.keys(DISTRIBUTIONS))('round-trips serialize and deserialize with identical quantiles: %s', (name) => {
  const sketch = sketchOf(sample(name, 100 + name.length));
  const encoded = sketch.serialize();
  const decoded = QuantileSketch.deserialize(encoded);
  expect(decoded.count).toBe(VALUE_COUNT);
  expect(quantilesOf(decoded)).toStrictEqual(quantilesOf(sketch));
  expect(decoded.serialize()).toBe(encoded);
});

it('rejects text that is not a serialized sketch, or whose keys no value maps to', () => {
  expect([MIN_SKETCH_KEY, MAX_SKETCH_KEY]).toStrictEqual([-35452, 35488]);
  // Values past 2^53 in all, though each number is within it: the count would not be exact.
  const tooMany = [`${Number.MAX_SAFE_INTEGER};0:1`, `0;0:${Number.MAX_SAFE_INTEGER},1:1`];
  const outOfRange = [...tooMany, `0;${MIN_SKETCH_KEY - 1}:1`, `0;${MAX_SKETCH_KEY + 1}:1`, `0;${MIN_SKETCH_KEY}:1,${MAX_SKETCH_KEY - MIN_SKETCH_KEY + 1}:1`, '0;0:1,9007199254740991:1'];
  // Characters whose code's low byte is a digit or separator ('İ' is 0x130, 'ĺ' 0x13a): a scanner that read
  // each character's low byte would take them for '0' and ':'.
  const notAscii = ['0;1:1\u0130', '0;1\u013a1', '\u0130;1:1', '0;1:１'];
  for (const encoded of ['', 'abc', 'x;1:1', '1.5;0:1', '1;0:x', '1;0:1,y:2', '0;3:0', '0;3:-1', '0;1:1,', '0;1:1\u0000', ...outOfRange, ...notAscii]) {
    expect({ encoded, message: (thrownBy(() => QuantileSketch.deserialize(encoded)) as Error).message }).toStrictEqual({ encoded, message: 'not a serialized quantile sketch' });
  }
});

it.each(Object.keys(DISTRIBUTIONS))('merges shards in any order or tree into exactly the single-pass sketch: %s', (name) => {
  const values = sample(name, 200 + name.length);
  const single = sketchOf(values);
  const random = mulberry32(300 + name.length);
  for (let round = 0; round < 5; round++) {
    // Random cuts, an empty shard among them; shards travel serialized, as partial metrics do.
    const cuts = [0, ...Array.from({ length: randomInt(random, 1, 12) }, () => randomInt(random, 0, VALUE_COUNT)), VALUE_COUNT].sort((a, b) => a - b);
    const shards = cuts.slice(1).map((end, i) => sketchOf(values.slice(cuts[i], end)).serialize());
    const merged = QuantileSketch.empty();
    for (const shard of shuffled(random, shards)) merged.merge(QuantileSketch.deserialize(shard));
    const tree = shuffled(random, shards).map((s) => QuantileSketch.deserialize(s));
    while (tree.length > 1) {
      const [a, b] = tree.splice(randomInt(random, 0, tree.length - 2), 2);
      a.merge(b);
      tree.push(a);
    }
    expect({ round, merged: merged.serialize(), tree: tree[0].serialize() }).toStrictEqual({ round, merged: single.serialize(), tree: single.serialize() });
    expect(quantilesOf(merged)).toStrictEqual(quantilesOf(single));
  }
});

it('merges a sketch of values far below 1 ms with one whose largest value is exactly 1 ms', () => {
  // The 1 ms bin (key 0) lies beyond the first sketch's bins; the merge must grow them to reach it.
  const low = sketchOf([0.1]);
  const high = sketchOf([0.5, 1]);
  const expected = sketchOf([0.1, 0.5, 1]).serialize();
  expect(expected).toBe('0;-115:1,81:1,34:1');
  low.merge(high);
  expect(low.serialize()).toBe(expected);
  expect(Math.abs((low.quantile(1) as number) - 1) <= SKETCH_RELATIVE_ACCURACY).toBe(true);
  high.merge(sketchOf([0.1]));
  expect(high.serialize()).toBe(expected);
});

it('leaves the merged-in sketch unchanged', () => {
  const a = sketchOf([1, 2, 3]);
  const b = sketchOf([0, 4000]);
  const before = b.serialize();
  a.merge(b);
  a.add(7);
  expect(b.serialize()).toBe(before);
});

it('serializes only the non-empty bins, in a few bytes each', () => {
  // 1 µs and 1000 s are 1036 bins apart: a dense encoding would spend bytes on every one between.
  expect(sketchOf([0, 0, 0.001, 1_000_000]).serialize()).toBe('2;-345:1,1036:1');
  for (const name of Object.keys(DISTRIBUTIONS)) {
    const encoded = sketchOf(sample(name, 400 + name.length)).serialize();
    const nonEmptyBins = encoded
      .split(';')[1]
      .split(',')
      .filter((pair) => Number(pair.split(':')[1]) > 0).length;
    expect({ name, compact: encoded.length < 20 * nonEmptyBins + 10 }).toStrictEqual({ name, compact: true });
  }
});

it('accepts the keys of the smallest and the largest value it can hold', () => {
  const sketch = QuantileSketch.empty();
  // The smallest value above the zero bin's limit, and the largest double.
  sketch.add(new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY }).mapping.minPossible * (1 + Number.EPSILON));
  sketch.add(Number.MAX_VALUE);
  const encoded = sketch.serialize();
  expect(encoded).toBe(`0;${MIN_SKETCH_KEY}:1,${MAX_SKETCH_KEY - MIN_SKETCH_KEY}:1`);
  expect(QuantileSketch.deserialize(encoded).serialize()).toBe(encoded);
});

it("writes a few values' keys as the text of the sketch holding them, zeros, ties, negative keys and the extreme keys included", () => {
  const random = mulberry32(61);
  const pick = (): number => {
    const roll = random();
    if (roll < 0.15) return 0;
    if (roll < 0.25) return Number.MAX_VALUE;
    if (roll < 0.4) return 0.001 * randomInt(random, 1, 999);
    return Math.floor(random() * 60_000) / 10;
  };
  for (let round = 0; round < 500; round++) {
    const values = Array.from({ length: randomInt(random, 0, 32) }, pick);
    const keys = Int32Array.from(values, (ms) => QuantileSketch.keyOf(ms));
    const text = QuantileSketch.textOfKeys(keys, keys.length);
    expect({ values, text }).toStrictEqual({ values, text: sketchOf(values).serialize() });
  }
  // Only keys[0, n) count.
  expect(QuantileSketch.textOfKeys(Int32Array.from([5, 3, 3, 9]), 3)).toBe('0;3:2,2:1');
});

it('merges into a packed sketch, from its text, exactly what the unpacked merge gives', () => {
  const random = mulberry32(71);
  const valueOf = (): number => (random() < 0.1 ? 0 : random() < 0.5 ? random() * 20 : random() * 5000);
  /** A sketch with dense bins holding the values of those given (merging into an empty sketch unpacks). */
  const unpackedOf = (...sketches: QuantileSketch[]): QuantileSketch => {
    const sum = QuantileSketch.empty();
    for (const sketch of sketches) sum.merge(sketch);
    expect(sum.isPacked).toBe(false);
    return sum;
  };
  let packedMerges = 0;
  for (let run = 0; run < 300; run++) {
    const make = (n: number): QuantileSketch => {
      const sketch = QuantileSketch.empty();
      for (let i = 0; i < n; i++) sketch.add(valueOf());
      return sketch;
    };
    const mine = make(Math.floor(random() * 200));
    const theirs = make(1 + Math.floor(random() * 200));
    if (random() < 0.5) theirs.pack();
    const reference = unpackedOf(mine, theirs);
    mine.pack();
    mine.merge(theirs);
    if (mine.isPacked) packedMerges++;
    expect([mine.count, mine.serialize()]).toStrictEqual([reference.count, reference.serialize()]);
    // Keys added to a packed sketch in any order, repeats and zero values among them.
    const keys = Int32Array.from({ length: Math.floor(random() * 40) }, () => QuantileSketch.keyOf(random() < 0.2 ? 0 : valueOf()));
    const byOne = unpackedOf(mine);
    for (const key of keys) byOne.addKey(key);
    mine.pack();
    mine.addKeys(keys, keys.length);
    expect([mine.count, mine.serialize()]).toStrictEqual([byOne.count, byOne.serialize()]);
    // Into itself: every value twice.
    const twice = unpackedOf(mine, mine);
    mine.pack();
    mine.merge(mine);
    expect([mine.count, mine.serialize()]).toStrictEqual([twice.count, twice.serialize()]);
  }
  expect(packedMerges).toBe(300);
});
