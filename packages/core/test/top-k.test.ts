// Top-k counting: exact while the keys fit, then Space-Saving with every count in [true, true + error]
// and error ≤ total / capacity (total / maxRows through partials that list only their largest
// counts), through merges and serialization; keys meet whether added as bytes or as strings, and keys
// whose hashes collide stay apart.
import { hashString } from '../src/analytics/byte-hash';
import { QuantileSketch } from '../src/analytics/quantile-sketch';
import { SerializedTopK, TopK } from '../src/analytics/top-k';
import { mulberry32, Random, randomInt, shuffled } from './helpers';


/** Ranks 1..distinct with P(rank) ∝ rank^-exponent, by inverse CDF. */
function zipf(random: Random, distinct: number, exponent: number): () => number {
  const cdf = new Float64Array(distinct);
  let sum = 0;
  for (let rank = 1; rank <= distinct; rank++) cdf[rank - 1] = sum += rank ** -exponent;
  return () => {
    const u = random() * sum;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid] < u) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
}

/** A Zipf stream of path-like keys; `name` keeps two streams' heavy hitters apart. */
function zipfStream(seed: number, length: number, name = 'p'): string[] {
  const random = mulberry32(seed);
  const next = zipf(random, 5000, 1.1);
  return Array.from({ length }, () => `/${name}/${next()}`);
}

function countsOf(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** Adds each key, alternately as bytes (inside a larger buffer) and as a string, as the accumulator does. */
function feed(top: TopK, keys: readonly string[]): TopK {
  keys.forEach((key, i) => {
    if (i % 2 === 0) top.addString(key);
    else {
      const buf = Buffer.from(`<${key}>`);
      top.addBytes(buf, 1, buf.length - 1);
    }
  });
  return top;
}

function topOf(capacity: number, keys: readonly string[]): TopK {
  return feed(new TopK(capacity), keys);
}

/** Everything Space-Saving promises, as a list of broken promises (empty when all hold). */
function brokenBounds(top: TopK, truth: ReadonlyMap<string, number>): string[] {
  const total = [...truth.values()].reduce((a, b) => a + b, 0);
  const broken: string[] = [];
  if (top.total !== total) broken.push(`total ${top.total} is not ${total}`);
  if (top.errorBound() > total / top.capacity) broken.push(`error bound ${top.errorBound()} exceeds total / capacity = ${total / top.capacity}`);
  const monitored = new Set<string>();
  for (const e of top.entries()) {
    const trueCount = truth.get(e.key) ?? 0;
    monitored.add(e.key);
    if (!(trueCount <= e.count && e.count <= trueCount + e.error)) broken.push(`${e.key}: count ${e.count}, error ${e.error}, true ${trueCount}`);
    if (e.error > top.errorBound()) broken.push(`${e.key}: error ${e.error} above the error bound ${top.errorBound()}`);
  }
  if (top.entries().length !== Math.min(top.capacity, truth.size)) broken.push(`${top.entries().length} entries for capacity ${top.capacity}`);
  // A key seen more than total / capacity times is always monitored.
  for (const [key, n] of truth) if (n > total / top.capacity && !monitored.has(key)) broken.push(`frequent ${key} (${n}) not monitored`);
  return broken;
}

const trueTop = (truth: ReadonlyMap<string, number>, k: number): string[] =>
  [...truth].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, k).map(([key]) => key);

it('counts exactly while the distinct keys fit its capacity', () => {
  const random = mulberry32(1);
  const keys = Array.from({ length: 5000 }, () => `/k/${randomInt(random, 1, 64)}`);
  const top = topOf(64, keys);
  const truth = countsOf(keys);
  expect([top.exact, top.errorBound(), top.total, top.size]).toStrictEqual([true, 0, 5000, truth.size]);
  expect(new Map(top.entries().map((e) => [e.key, [e.count, e.error]]))).toStrictEqual(new Map([...truth].map(([key, n]) => [key, [n, 0]])));
});

it('orders its top by count, then by key', () => {
  const top = topOf(10, ['c', 'b', 'a', 'c', 'b', 'd']);
  expect(top.top(3).map((e) => [e.key, e.count])).toStrictEqual([
    ['b', 2],
    ['c', 2],
    ['a', 1],
  ]);
});

const STREAMS: Record<string, () => string[]> = {
  'a Zipf stream': () => zipfStream(2, 100_000),
  // Every key once, then the heavy hitters: the early counters all turn over.
  'a long tail first, then a Zipf stream': () => [...Array.from({ length: 30_000 }, (_, i) => `/tail/${i}`), ...zipfStream(3, 70_000)],
  'a Zipf stream sorted by key, each key in one run': () => zipfStream(4, 100_000).sort(),
};

it.each(Object.keys(STREAMS))('keeps every count within [true, true + error], error ≤ total / capacity, past its capacity: %s', (name) => {
  const keys = STREAMS[name]();
  const top = topOf(200, keys);
  expect(top.exact).toBe(false);
  expect(brokenBounds(top, countsOf(keys))).toStrictEqual([]);
});

describe('admitting a key on its second sighting once full (the error messages)', () => {
  const streams: Record<string, () => string[]> = {
    ...STREAMS,
    // Mostly keys seen once (ids in messages), heavy ones among them, and evicted keys coming back.
    'distinct messages with a few heavy ones and returns': () => {
      const random = mulberry32(9);
      return Array.from({ length: 100_000 }, (_, i) => (random() < 0.1 ? `heavy ${randomInt(random, 1, 20)}` : random() < 0.2 ? `back ${randomInt(random, 1, 2000)}` : `once ${i}`));
    },
  };

  it.each(Object.keys(streams))('keeps every Space-Saving promise: %s', (name) => {
    const keys = streams[name]();
    const top = feed(new TopK(200, false, true), keys);
    expect(top.exact).toBe(false);
    expect(brokenBounds(top, countsOf(keys))).toStrictEqual([]);
  });

  it('turns a key away on its first sighting once full, admits it on its second with the smallest count as its error', () => {
    const top = feed(new TopK(3, false, true), ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(top.countBytes(Buffer.from('new'), 0, 3)).toBe(-1);
    expect([top.total, top.size, top.exact]).toStrictEqual([7, 3, false]);
    const id = top.countBytes(Buffer.from('new'), 0, 3);
    const entry = top.entries().find((e) => e.key === 'new')!;
    expect([id >= 0, entry.count, entry.error]).toStrictEqual([true, 3, 2]);
    // The key it evicted comes back at once, as plain Space-Saving would take it.
    const evicted = ['a', 'b', 'c'].find((k) => !top.entries().some((e) => e.key === k))!;
    expect(top.countString(evicted) >= 0).toBe(true);
  });

  it('counts every key it holds once its doorkeeper turns unseen keys away unprobed: those it held when full, and those a merge brought', () => {
    const countOf = (top: TopK, key: string): number | undefined => top.entries().find((e) => e.key === key)?.count;
    const top = feed(new TopK(3, false, true), ['a', 'a', 'b', 'b', 'c', 'c']);
    expect(top.countString('new')).toBe(-1);
    // Held since before the doorkeeper was made: still found and counted.
    expect(top.countString('a') >= 0).toBe(true);
    expect(countOf(top, 'a')).toBe(3);
    const other = feed(new TopK(3, false, true), Array.from({ length: 10 }, () => 'merged'));
    top.merge(other);
    // 10, plus the smallest count of this table, which is no longer exact (a key it lacks may have occurred that often).
    expect(countOf(top, 'merged')).toBe(12);
    // A key the merge brought in was never sighted by this table's doorkeeper: it must be counted all the same.
    expect(top.countString('merged') >= 0).toBe(true);
    expect(countOf(top, 'merged')).toBe(13);
  });
});

it('reports the true top 10 of a Zipf stream as its top 10, in order', () => {
  const keys = zipfStream(5, 100_000);
  const truth = countsOf(keys);
  const top = topOf(200, keys);
  // Each of them is seen more than total / capacity times: Space-Saving must keep them.
  expect(trueTop(truth, 10).every((key) => (truth.get(key) as number) > 100_000 / 200)).toBe(true);
  expect(top.top(10).map((e) => e.key)).toStrictEqual(trueTop(truth, 10));
});

it('merges two Space-Saving summaries of streams with different heavy hitters within the same bounds, either way round', () => {
  const a = zipfStream(6, 60_000, 'a');
  const b = [...zipfStream(7, 30_000, 'b'), ...zipfStream(8, 10_000, 'a')];
  const truth = countsOf([...a, ...b]);
  for (const [first, second] of [
    [a, b],
    [b, a],
  ]) {
    const merged = topOf(100, first);
    merged.merge(topOf(100, second));
    expect(merged.exact).toBe(false);
    expect(brokenBounds(merged, truth)).toStrictEqual([]);
    expect(new Set(merged.top(5).map((e) => e.key))).toStrictEqual(new Set(trueTop(truth, 5)));
  }
});

/** Merges serialized summaries in a random tree, deserializing each as partial metrics do. */
function mergeInRandomTree(random: Random, parts: readonly SerializedTopK[]): TopK {
  if (parts.length === 1) return TopK.deserialize(parts[0]);
  const split = randomInt(random, 1, parts.length - 1);
  const left = mergeInRandomTree(random, parts.slice(0, split));
  left.merge(mergeInRandomTree(random, parts.slice(split)));
  return left;
}

it('merges many shards, exact and approximate, in any order or tree within the bounds', () => {
  const keys = zipfStream(9, 80_000);
  const truth = countsOf(keys);
  const random = mulberry32(10);
  for (let round = 0; round < 4; round++) {
    // Random cuts, a few of them close behind another: some shards stay exact, others are approximate.
    const randomCuts = Array.from({ length: 11 }, () => randomInt(random, 0, keys.length - 40));
    const cuts = [0, ...randomCuts, ...randomCuts.slice(0, 3).map((cut) => cut + randomInt(random, 1, 40)), keys.length].sort((x, y) => x - y);
    const shards = cuts.slice(1).map((end, i) => topOf(50, keys.slice(cuts[i], end)).serialize());
    expect(shards.some((s) => s.exact) && shards.some((s) => !s.exact)).toBe(true);
    const sequential = new TopK(50);
    for (const shard of shuffled(random, shards)) sequential.merge(TopK.deserialize(shard));
    expect({ round, broken: brokenBounds(sequential, truth) }).toStrictEqual({ round, broken: [] });
    expect({ round, broken: brokenBounds(mergeInRandomTree(random, shuffled(random, shards)), truth) }).toStrictEqual({ round, broken: [] });
  }
});

describe('a partial that lists only the largest counts of a table that is not exact (serialize maxRows)', () => {
  it('writes an exact table whole, and of an approximate one exactly its largest counts, ties at the threshold by key', () => {
    const exact = topOf(50, zipfStream(21, 40));
    expect(exact.exact && exact.size > 5).toBe(true);
    expect(exact.serialize(5)).toStrictEqual(exact.serialize());
    const approximate = topOf(50, zipfStream(22, 5_000));
    const whole = approximate.serialize();
    const trimmed = approximate.serialize(20);
    expect([approximate.exact, whole.entries.length, trimmed.entries.length]).toStrictEqual([false, 50, 20]);
    const byCountThenKey = [...whole.entries].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).slice(0, 20);
    expect(trimmed.entries).toStrictEqual(byCountThenKey.sort((x, y) => (x[0] < y[0] ? -1 : 1)));
    expect({ ...trimmed, entries: [] }).toStrictEqual({ ...whole, entries: [] });
  });

  it('merges shards so written, in any order or tree, with every range holding the truth and error ≤ total / maxRows', () => {
    const keys = zipfStream(23, 80_000);
    const truth = countsOf(keys);
    const total = keys.length;
    const random = mulberry32(24);
    for (let round = 0; round < 4; round++) {
      const cuts = [0, ...Array.from({ length: 9 }, () => randomInt(random, 0, keys.length)), keys.length].sort((x, y) => x - y);
      const shards = cuts.slice(1).map((end, i) => topOf(60, keys.slice(cuts[i], end)).serialize(15));
      expect(shards.some((shard) => !shard.exact && shard.entries.length === 15)).toBe(true);
      for (const merged of [mergeInRandomTree(random, shuffled(random, shards)), shards.reduce((t, shard) => (t.merge(TopK.deserialize(shard)), t), new TopK(60))]) {
        const broken: string[] = [];
        for (const e of merged.entries()) {
          const trueCount = truth.get(e.key) ?? 0;
          if (!(trueCount <= e.count && e.count <= trueCount + e.error)) broken.push(`${e.key}: count ${e.count}, error ${e.error}, true ${trueCount}`);
        }
        if (merged.errorBound() > total / 15) broken.push(`error bound ${merged.errorBound()} exceeds total / maxRows = ${total / 15}`);
        const monitored = new Set(merged.entries().map((e) => e.key));
        for (const [key, n] of truth) if (n > total / 15 && !monitored.has(key)) broken.push(`frequent ${key} (${n}) not monitored`);
        expect({ round, total: merged.total, broken }).toStrictEqual({ round, total, broken: [] });
      }
    }
  });
});

it('stays exact, with exact counts, when merged summaries together still fit its capacity', () => {
  const a = ['x', 'y', 'y', 'z'];
  const b = ['y', 'w', 'w'];
  const merged = topOf(4, a);
  merged.merge(topOf(4, b));
  expect(merged.serialize()).toStrictEqual({
    capacity: 4,
    total: 7,
    exact: true,
    entries: [
      ['w', 2, 0, 0, null],
      ['x', 1, 0, 0, null],
      ['y', 3, 0, 0, null],
      ['z', 1, 0, 0, null],
    ],
  });
  // One key more than fits: no longer exact.
  merged.merge(topOf(4, ['v']));
  expect([merged.exact, merged.size, merged.total]).toStrictEqual([false, 4, 8]);
});

it('round-trips serialize and deserialize, latency sketches included, and keeps counting the same keys', () => {
  const top = new TopK(20, true);
  const random = mulberry32(11);
  for (const key of zipfStream(12, 5000)) top.recordLatency(top.addString(key), QuantileSketch.keyOf(Math.floor(random() * 500) / 10));
  const encoded = top.serialize();
  const decoded = TopK.deserialize(encoded, true);
  expect(decoded.serialize()).toStrictEqual(encoded);
  expect(decoded.top(20).map((e) => [e.key, e.count, e.error, e.latency?.quantile(0.95)])).toStrictEqual(top.top(20).map((e) => [e.key, e.count, e.error, e.latency?.quantile(0.95)]));

  // The hash index is rebuilt: the same key, as a string or as bytes, finds its entry.
  const [hottest] = decoded.top(1);
  const before = hottest.count;
  decoded.addString(hottest.key);
  decoded.addBytes(Buffer.from(hottest.key), 0, Buffer.byteLength(hottest.key));
  expect([hottest.count, decoded.size, decoded.total]).toStrictEqual([before + 2, 20, 5002]);
});

it('counts a key added as bytes and as a string as one entry, in either order', () => {
  const key = '/grüße/café';
  const buf = Buffer.from(`GET ${key} HTTP/1.1`);
  const start = 4;
  const end = start + Buffer.byteLength(key);

  const bytesFirst = new TopK(8);
  bytesFirst.addBytes(buf, start, end);
  bytesFirst.addString(key);
  const stringFirst = new TopK(8);
  stringFirst.addString(key);
  stringFirst.addBytes(buf, start, end);
  for (const top of [bytesFirst, stringFirst]) {
    expect(top.entries().map((e) => [e.key, e.count, e.hash])).toStrictEqual([[key, 2, hashString(key)]]);
  }
});

// Found by search: distinct keys with one 32-bit hash.
const COLLIDING_A: string = '/path/56425';
const COLLIDING_B: string = '/path/215446';
const OTHER = '/zzz-other';

function addBytes(top: TopK, key: string): void {
  top.addBytes(Buffer.from(key), 0, Buffer.byteLength(key));
}

/** Entries as [key, count, error], by key. */
function table(top: TopK): Array<[string, number, number]> {
  return top
    .entries()
    .map((e): [string, number, number] => [e.key, e.count, e.error])
    .sort((x, y) => (x[0] < y[0] ? -1 : 1));
}

it('has two keys whose hashes collide to test with', () => {
  expect([COLLIDING_A === COLLIDING_B, hashString(COLLIDING_A), hashString(COLLIDING_B)]).toStrictEqual([false, 259851475, 259851475]);
});

it('counts keys whose hashes collide apart, through eviction, serialization and lookups by bytes or string', () => {
  const top = new TopK(2);
  for (let i = 0; i < 5; i++) top.addString(COLLIDING_A);
  for (let i = 0; i < 3; i++) addBytes(top, COLLIDING_B);
  expect(table(top)).toStrictEqual([
    [COLLIDING_B, 3, 0],
    [COLLIDING_A, 5, 0],
  ]);
  // OTHER evicts COLLIDING_B, the smallest; COLLIDING_A must still be found under the shared hash.
  top.addString(OTHER);
  addBytes(top, COLLIDING_A);
  expect(table(top)).toStrictEqual([
    [COLLIDING_A, 6, 0],
    [OTHER, 4, 3],
  ]);
  // COLLIDING_B comes back in place of OTHER, and shares the hash slot with COLLIDING_A again.
  addBytes(top, COLLIDING_B);
  top.addString(COLLIDING_A);
  expect(table(top)).toStrictEqual([
    [COLLIDING_B, 5, 4],
    [COLLIDING_A, 7, 0],
  ]);
  const decoded = TopK.deserialize(top.serialize());
  decoded.addString(COLLIDING_B);
  addBytes(decoded, COLLIDING_A);
  expect(table(decoded)).toStrictEqual([
    [COLLIDING_B, 6, 4],
    [COLLIDING_A, 8, 0],
  ]);
  expect(brokenBounds(decoded, new Map([[COLLIDING_A, 8], [COLLIDING_B, 5], [OTHER, 1]]))).toStrictEqual([]);
});

it.each([1, 2, 3])('keeps its bounds with a capacity of %i and many keys', (capacity) => {
  const random = mulberry32(20 + capacity);
  const keys = Array.from({ length: 3000 }, () => `/k/${Math.floor(300 * random() ** 3)}`);
  expect(brokenBounds(topOf(capacity, keys), countsOf(keys))).toStrictEqual([]);
  const shards = [keys.slice(0, 1000), keys.slice(1000, 1001), keys.slice(1001)].map((part) => topOf(capacity, part));
  const merged = shards[0];
  merged.merge(shards[1]);
  merged.merge(shards[2]);
  expect(brokenBounds(merged, countsOf(keys))).toStrictEqual([]);
});

it('copies, not shares, a merged-in latency sketch', () => {
  const a = new TopK(4, true);
  const b = new TopK(4, true);
  b.recordLatency(b.addString('/x'), QuantileSketch.keyOf(5));
  a.merge(b);
  a.recordLatency(a.entries()[0], QuantileSketch.keyOf(500));
  expect([b.entries()[0].latency?.count, a.entries()[0].latency?.count]).toStrictEqual([1, 2]);
});

it('evicts an entry of the smallest count and keeps every count right through raises and evictions', () => {
  const random = mulberry32(21);
  const top = new TopK(16);
  const truth = new Map<string, number>();
  for (let i = 0; i < 20_000; i++) {
    // A skewed stream over 200 keys: some stay, most churn.
    const key = `k${Math.floor(200 * random() ** 3)}`;
    truth.set(key, (truth.get(key) ?? 0) + 1);
    const before = new Map(top.entries().map((e) => [e.key, e.count]));
    const smallest = Math.min(...before.values());
    const entry = top.addString(key);
    if (!before.has(key) && before.size === 16) {
      // A new key in a full table takes over a counter of the smallest count.
      expect({ i, error: entry.error, count: entry.count }).toStrictEqual({ i, error: smallest, count: smallest + 1 });
    } else {
      expect({ i, count: entry.count }).toStrictEqual({ i, count: (before.get(key) ?? 0) + 1 });
    }
    expect(top.size).toBe(Math.min(16, truth.size));
  }
  expect(top.entries().reduce((sum, e) => sum + e.count, 0)).toBe(20_000);
});

it("serializes its keys in JS string order whatever their bytes: shared prefixes, prefixes of each other, NUL, and characters on both sides of UTF-16's surrogates", () => {
  const random = mulberry32(21);
  const pieces = ['/api/v1/orders/', '/api/v1/orders/1', 'a', 'ab', '\u0000', '\u007f', 'é', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1f600}', '\u{10ffff}'];
  const keys = new Set<string>(['', ...pieces]);
  while (keys.size < 3000) {
    let key = '';
    for (let n = randomInt(random, 0, 6); n > 0; n--) key += pieces[randomInt(random, 0, pieces.length - 1)];
    keys.add(key + (random() < 0.5 ? String(randomInt(random, 0, 999)) : ''));
  }
  const top = new TopK(10_000);
  for (const key of shuffled(random, [...keys])) addBytes(top, key);
  expect(top.serialize().entries.map(([key]) => key)).toStrictEqual([...keys].sort());
});

/** The mergeable-summaries rule over serialized tables, by key strings: what merge() must give. */
function mergedByRule(a: SerializedTopK, b: SerializedTopK): SerializedTopK {
  // A key an approximate table lacks occurred there at most its smallest count, full or not (a table
  // written with fewer rows than its capacity kept its largest counts).
  const floor = (t: SerializedTopK): number => (t.exact || t.entries.length === 0 ? 0 : Math.min(...t.entries.map((e) => e[1])));
  const [floorA, floorB] = [floor(a), floor(b)];
  const rows = new Map<string, [number, number, number, QuantileSketch | null]>();
  const sketchOf = (text: string | null): QuantileSketch | null => (text === null ? null : QuantileSketch.deserialize(text));
  for (const [key, count, error, errors, sketch] of a.entries) rows.set(key, [count + floorB, error + floorB, errors, sketchOf(sketch)]);
  for (const [key, count, error, errors, sketch] of b.entries) {
    const row = rows.get(key);
    if (!row) {
      rows.set(key, [count + floorA, error + floorA, errors, sketchOf(sketch)]);
      continue;
    }
    row[0] += count - floorB;
    row[1] += error - floorB;
    row[2] += errors;
    if (sketch !== null) (row[3] ??= QuantileSketch.empty()).merge(QuantileSketch.deserialize(sketch));
  }
  const byKey = (x: string, y: string): number => (x < y ? -1 : x > y ? 1 : 0);
  const kept = [...rows].sort((x, y) => y[1][0] - x[1][0] || byKey(x[0], y[0])).slice(0, a.capacity);
  return {
    capacity: a.capacity,
    total: a.total + b.total,
    exact: a.exact && b.exact && rows.size <= a.capacity,
    entries: kept.sort((x, y) => byKey(x[0], y[0])).map(([key, [count, error, errors, sketch]]) => [key, count, error, errors, sketch === null || sketch.count === 0 ? null : sketch.serialize()]),
  };
}

/** Random keys (shared prefixes, UTF-16 order traps, a skewed tail) and tables counting them, with errors and latencies. */
function randomTables(random: Random) {
  const pieces = ['/p/', '/p/1', 'é', '\ue000', '\uffff', '\u{1f600}', '\u{10000}', 'a'];
  // Lone surrogates do not sort as their bytes: such tables take the merge by strings.
  const lone = ['\ud800', '\udfff'];
  const keyFrom = (withLone: boolean): string => {
    let key = '';
    for (let n = randomInt(random, 1, 3); n > 0; n--) key += pieces[randomInt(random, 0, pieces.length - 1)];
    if (withLone && random() < 0.1) key += lone[randomInt(random, 0, 1)];
    return key + String(Math.floor(60 * random() ** 2));
  };
  const tableOf = (capacity: number, length: number, withLone: boolean): TopK => {
    const top = new TopK(capacity, true);
    for (let i = 0; i < length; i++) {
      const key = keyFrom(withLone);
      const id = random() < 0.5 ? top.countString(key) : top.countBytes(Buffer.from(key), 0, Buffer.byteLength(key));
      if (random() < 0.3) top.addErrorLineAt(id);
      if (random() < 0.7) top.recordLatencyAt(id, QuantileSketch.keyOf(Math.floor(random() * 3000) / 10));
    }
    return top;
  };
  return { keyFrom, tableOf };
}

/** Counts the same 200 random keys, with latencies, into both tables. */
function countOnBoth(a: TopK, b: TopK, keyFrom: (withLone: boolean) => string, withLone: boolean): void {
  for (let i = 0; i < 200; i++) {
    const key = keyFrom(withLone);
    const sketchKey = QuantileSketch.keyOf(i);
    a.recordLatencyAt(a.countString(key), sketchKey);
    b.recordLatencyAt(b.countString(key), sketchKey);
  }
}

it('merges as the rule over key strings says, ties and UTF-16 order included, and keeps counting as a table decoded from that result', () => {
  const random = mulberry32(41);
  const { keyFrom, tableOf } = randomTables(random);
  let approximate = 0;
  for (let round = 0; round < 60; round++) {
    const withLone = round % 3 === 2;
    const capacity = randomInt(random, 4, 80);
    const a = tableOf(capacity, randomInt(random, 0, 400), withLone);
    const b = tableOf(randomInt(random, 4, 80), randomInt(random, 0, 400), withLone);
    const expected = mergedByRule(a.serialize(), b.serialize());
    a.merge(b);
    expect({ round, merged: a.serialize() }).toStrictEqual({ round, merged: expected });
    if (!expected.exact) approximate++;
    // Ids, and so the counters evicted next, are as a table decoded from the result has them.
    const decoded = TopK.deserialize(expected, true);
    countOnBoth(a, decoded, keyFrom, withLone);
    expect({ round, after: a.serialize() }).toStrictEqual({ round, after: decoded.serialize() });
  }
  expect(approximate).toBeGreaterThan(20);
});

it('merges into a merged or decoded table in place as the rule says, chain after chain, and keeps counting as a table decoded from the result', () => {
  const random = mulberry32(43);
  const { keyFrom, tableOf } = randomTables(random);
  let cut = 0;
  for (let round = 0; round < 60; round++) {
    const capacity = randomInt(random, 4, 80);
    // Decoded, as the coordinator's totals are: no Space-Saving list, so merges go in place.
    const total = TopK.deserialize(tableOf(capacity, randomInt(random, 0, 300), false).serialize(), true);
    let expected = total.serialize();
    for (let step = 0; step < 4; step++) {
      const other = tableOf(randomInt(random, 4, 80), randomInt(random, 0, 300), false);
      const before = expected.entries.length + other.serialize().entries.length;
      expected = mergedByRule(expected, other.serialize());
      if (expected.entries.length < before && expected.entries.length === capacity) cut++;
      total.merge(other);
      expect({ round, step, merged: total.serialize() }).toStrictEqual({ round, step, merged: expected });
    }
    const decoded = TopK.deserialize(expected, true);
    countOnBoth(total, decoded, keyFrom, false);
    expect({ round, after: total.serialize() }).toStrictEqual({ round, after: decoded.serialize() });
  }
  // Most chains pass the capacity, so the cut at the threshold (ties by key) is exercised.
  expect(cut).toBeGreaterThan(60);
});

it('finds a key it holds after its key arena compacts (the slots keep key offsets, and take them again)', () => {
  // Evictions replace short keys with longer ones, so the arena runs out of room with half of it
  // wasted and compacts, moving every key; each key is counted three times in a row, and one key, never
  // evicted, on every step: after a compaction it is found only at its new offset.
  const top = new TopK(16);
  const hot = Buffer.from('hot');
  const arena = (): { generation: number } => (top as unknown as { keys: { generation: number } }).keys;
  const before = arena().generation;
  for (let i = 0; i < 2_000; i++) {
    const key = Buffer.from(`k${i}-${'-'.repeat(i % 40)}`);
    const ids = [0, 1, 2].map(() => top.countBytes(key, 0, key.length));
    top.countBytes(hot, 0, hot.length);
    const entries = top.serialize().entries;
    const rows = entries.filter(([k]) => k === key.toString());
    const hotRows = entries.filter(([k]) => k === 'hot');
    expect([i, ids[1] === ids[0] && ids[2] === ids[0], rows.length, rows[0][1] - rows[0][2], hotRows.length, hotRows[0][1]]).toStrictEqual([i, true, 1, 3, 1, i + 1]);
  }
  expect(arena().generation).not.toBe(before);
});
