// The top tables a user reads: on Zipf streams of 5,000 to 100,000 distinct keys the top 10 equal a
// plain Map count, in one pass and merged from many chunks in any order, within the default capacity
// and past a small one; where keys are too many to count exactly (a flat stream) every row states a
// range that holds its true count; rows come in order of their guaranteed count; per-key latencies
// serialize the same whether they were listed or sketched.
import { KeyLatencies, LISTED_LATENCY_VALUES } from '../src/analytics/key-latency';
import { QuantileSketch } from '../src/analytics/quantile-sketch';
import { DEFAULT_TOP_K_CAPACITY, SerializedTopK, TopK } from '../src/analytics/top-k';
import { emptyMetrics } from '../src/partial-metrics';
import { toReport, TopReport } from '../src/report';
import { mulberry32, Random, randomInt, shuffled } from './helpers';

/** Ranks 1..distinct with P(rank) ∝ rank^-1.1, by inverse CDF. */
function zipfRanks(random: Random, distinct: number): () => number {
  const cdf = new Float64Array(distinct);
  let sum = 0;
  for (let rank = 1; rank <= distinct; rank++) cdf[rank - 1] = sum += rank ** -1.1;
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

/** Every one of `distinct` keys at least once, among `draws` Zipf draws, shuffled: exactly `distinct` keys. */
function zipfStream(seed: number, distinct: number, draws: number): string[] {
  const random = mulberry32(seed);
  const next = zipfRanks(random, distinct);
  const keys = Array.from({ length: distinct }, (_, i) => `/p/${i + 1}`);
  for (let i = 0; i < draws; i++) keys.push(`/p/${next()}`);
  return shuffled(random, keys);
}

function countsOf(keys: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}

/** The plain count's top 10 as [key, count], by count then key. */
function trueTop10(keys: readonly string[]): Array<[string, number]> {
  return [...countsOf(keys)].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10);
}

function tableOf(keys: readonly string[], capacity: number): TopK {
  const top = new TopK(capacity);
  for (const key of keys) {
    const buf = Buffer.from(key);
    top.addBytes(buf, 0, buf.length);
  }
  return top;
}

/** The report's table of a serialized top-k, as toReport builds it. */
function reportOf(serialized: SerializedTopK): TopReport {
  const m = emptyMetrics();
  return toReport({ ...m, top: { ...m.top, clients: serialized } }).top.clients;
}

/** Rows as [key, count, exact], the way a test compares them with a plain count. */
const rows = (report: TopReport): Array<[string, number, boolean]> => report.items.map((item) => [item.key, item.count, item.exact]);

function chunksOf(random: Random, keys: readonly string[], chunks: number): string[][] {
  const cuts = [0, ...Array.from({ length: chunks - 1 }, () => randomInt(random, 0, keys.length)), keys.length].sort((a, b) => a - b);
  return cuts.slice(1).map((end, i) => keys.slice(cuts[i], end));
}

/** Merges serialized tables as the merger does (each decoded, into a table of their capacity), in the given order. */
function mergedInOrder(parts: readonly SerializedTopK[]): SerializedTopK {
  const merged = new TopK(parts[0].capacity);
  for (const part of parts) merged.merge(TopK.deserialize(part));
  return merged.serialize();
}

function mergedInTree(random: Random, parts: readonly SerializedTopK[]): SerializedTopK {
  if (parts.length === 1) return parts[0];
  const split = randomInt(random, 1, parts.length - 1);
  const left = TopK.deserialize(mergedInTree(random, parts.slice(0, split)));
  left.merge(TopK.deserialize(mergedInTree(random, parts.slice(split))));
  return left.serialize();
}

const exactRows = (top: Array<[string, number]>): Array<[string, number, boolean]> => top.map(([key, n]) => [key, n, true]);

describe.each([
  [5_000, 60_000],
  [20_000, 150_000],
  [100_000, 300_000],
])('a Zipf stream of %i distinct keys and %i more draws', (distinct, draws) => {
  const keys = zipfStream(distinct, distinct, draws);
  const expected = exactRows(trueTop10(keys));

  it('has exactly that many distinct keys', () => {
    expect(countsOf(keys).size).toBe(distinct);
  });

  it('reports the true top 10, each exact, in one pass at the default capacity', () => {
    const top = tableOf(keys, DEFAULT_TOP_K_CAPACITY);
    expect([top.exact, top.size]).toStrictEqual([true, distinct]);
    expect(rows(reportOf(top.serialize()))).toStrictEqual(expected);
  });

  it('reports the true top 10, each exact, merged from 16 chunks in order, shuffled and in random trees', () => {
    const random = mulberry32(distinct + 1);
    const parts = chunksOf(random, keys, 16).map((chunk) => tableOf(chunk, DEFAULT_TOP_K_CAPACITY).serialize());
    for (const [how, merged] of [
      ['in order', mergedInOrder(parts)],
      ['reversed', mergedInOrder([...parts].reverse())],
      ['shuffled', mergedInOrder(shuffled(random, parts))],
      ['random tree', mergedInTree(random, shuffled(random, parts))],
    ] as const) {
      expect({ how, exact: merged.exact, rows: rows(reportOf(merged)) }).toStrictEqual({ how, exact: true, rows: expected });
    }
  });

  it('reports the true top 10, each exact, past a capacity of 1000, in one pass and merged from 16 chunks in any order', () => {
    const capacity = 1000;
    const single = tableOf(keys, capacity);
    expect(single.exact).toBe(false);
    expect(rows(reportOf(single.serialize()))).toStrictEqual(expected);
    const random = mulberry32(distinct + 2);
    const parts = chunksOf(random, keys, 16).map((chunk) => tableOf(chunk, capacity).serialize());
    // Past their capacity, so Space-Saving is in play in the merge (a short chunk may still fit).
    expect(parts.filter((part) => !part.exact).length).toBeGreaterThan(8);
    for (const [how, merged] of [
      ['in order', mergedInOrder(parts)],
      ['shuffled', mergedInOrder(shuffled(random, parts))],
      ['random tree', mergedInTree(random, shuffled(random, parts))],
    ] as const) {
      expect({ how, rows: rows(reportOf(merged)) }).toStrictEqual({ how, rows: expected });
    }
  });
});

/** Rows whose stated range misses the true count, or that claim exactness they do not have, or come out of order. */
function dishonestRows(report: TopReport, truth: ReadonlyMap<string, number>): string[] {
  const broken: string[] = [];
  report.items.forEach((item, i) => {
    const n = truth.get(item.key) ?? 0;
    if (!(item.count <= n && n <= item.count_max)) broken.push(`${item.key}: true ${n} outside ${item.count}–${item.count_max}`);
    if (item.exact !== (item.count === item.count_max)) broken.push(`${item.key}: exact ${item.exact} for ${item.count}–${item.count_max}`);
    if (item.count_max - item.count > report.error_bound) broken.push(`${item.key}: range wider than the error bound ${report.error_bound}`);
    const before = report.items[i - 1];
    if (before && (before.count < item.count || (before.count === item.count && before.count_max < item.count_max))) broken.push(`${item.key} after ${before.key}: out of order`);
  });
  return broken;
}

it('states an honest range for every row of a flat stream of 200,000 distinct keys, each seen 1 to 3 times, past the default capacity', () => {
  const random = mulberry32(41);
  const keys: string[] = [];
  for (let i = 0; i < 200_000; i++) for (let n = randomInt(random, 1, 3); n > 0; n--) keys.push(`/flat/${i}`);
  const stream = shuffled(random, keys);
  const truth = countsOf(stream);

  const single = tableOf(stream, DEFAULT_TOP_K_CAPACITY);
  const report = reportOf(single.serialize());
  expect([report.exact, report.items.length, report.items.some((item) => !item.exact)]).toStrictEqual([false, 10, true]);
  expect(dishonestRows(report, truth)).toStrictEqual([]);
  // Not only the listed rows: every key the table holds has its true count within its range.
  const outside = single.entries().filter((e) => !(e.count - e.error <= (truth.get(e.key) ?? 0) && (truth.get(e.key) ?? 0) <= e.count));
  expect(outside.length).toBe(0);

  const parts = chunksOf(random, stream, 8).map((chunk) => tableOf(chunk, DEFAULT_TOP_K_CAPACITY).serialize());
  for (const merged of [mergedInOrder(parts), mergedInTree(random, shuffled(random, parts))]) {
    expect(dishonestRows(reportOf(merged), truth)).toStrictEqual([]);
  }
});

it('orders rows by their guaranteed count, so an exact count comes above a larger range it may not exceed', () => {
  const top = new TopK(2);
  for (const key of ['a', 'a', 'a', 'b', 'b']) top.addString(key);
  // c takes over b's counter: count 3 + 1, of which 2 may be b's.
  top.addString('c');
  top.addString('c');
  expect(top.top(2).map((e) => [e.key, e.count, e.error])).toStrictEqual([
    ['a', 3, 0],
    ['c', 4, 2],
  ]);
  expect(reportOf(top.serialize())).toStrictEqual({
    exact: false,
    error_bound: 2,
    capacity: 2,
    items: [
      { key: 'a', count: 3, count_max: 3, exact: true, errors: 0 },
      { key: 'c', count: 2, count_max: 4, exact: false, errors: 0 },
    ],
  });
});

it('breaks ties of the guaranteed count by the larger upper bound, then by key', () => {
  const serialized: SerializedTopK = {
    capacity: 4,
    total: 20,
    exact: false,
    entries: [
      ['a', 5, 0, 0, null],
      ['b', 7, 2, 0, null],
      ['c', 5, 0, 0, null],
      ['d', 3, 2, 0, null],
    ],
  };
  expect(rows(reportOf(serialized))).toStrictEqual([
    ['b', 5, false],
    ['a', 5, true],
    ['c', 5, true],
    ['d', 1, false],
  ]);
});

it("serializes a key's latencies as the one sketch of them, listed or sketched, added or merged in any split", () => {
  const random = mulberry32(43);
  const ns = [1, 4, 5, LISTED_LATENCY_VALUES, LISTED_LATENCY_VALUES + 1, 300];
  const valuesOf = ns.map((n) => Array.from({ length: n }, () => QuantileSketch.keyOf(Math.floor(random() * 30_000) / 10)));
  // One store for all keys, added to in turns: the keys' listed values share its pooled arrays.
  const added = new KeyLatencies();
  for (let i = 0; i < Math.max(...ns); i++) valuesOf.forEach((values, id) => i < values.length && added.addKey(id, values[i]));
  valuesOf.forEach((values, id) => {
    const n = values.length;
    const reference = QuantileSketch.empty();
    for (const key of values) reference.addKey(key);
    const split = randomInt(random, 0, n);
    const merged = new KeyLatencies();
    const rest = new KeyLatencies();
    values.slice(0, split).forEach((key) => merged.addKey(id, key));
    values.slice(split).forEach((key) => rest.addKey(2, key));
    merged.merge(id, rest, 2);
    const copied = new KeyLatencies();
    copied.copy(5, added, id);
    const fromText = new KeyLatencies();
    fromText.adopt(id, QuantileSketch.deserialize(reference.serialize()));
    const empty = new KeyLatencies();
    empty.adopt(0, QuantileSketch.deserialize(QuantileSketch.empty().serialize()));
    fromText.merge(id, empty, 0);
    const texts = [
      [added, id],
      [merged, id],
      [copied, 5],
      [fromText, id],
    ].map(([latencies, at]) => [(latencies as KeyLatencies).count(at as number), (latencies as KeyLatencies).serialize(at as number), (latencies as KeyLatencies).quantile(at as number, 0.95)]);
    expect({ n, texts }).toStrictEqual({ n, texts: Array(4).fill([n, reference.serialize(), reference.quantile(0.95)]) });
  });
});

it('keeps the sketches it merges into packed, whether the other key was listed or sketched, with the same values', () => {
  const keys = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => QuantileSketch.keyOf(from + 7 * i));
  const listed = keys(3, 1);
  const sketched = keys(LISTED_LATENCY_VALUES + 10, 2);
  const total = new KeyLatencies();
  for (const key of keys(LISTED_LATENCY_VALUES + 1, 3)) total.addKey(0, key);
  const reference = QuantileSketch.empty();
  for (const key of [...keys(LISTED_LATENCY_VALUES + 1, 3), ...listed, ...sketched]) reference.addKey(key);
  const other = new KeyLatencies();
  for (const key of listed) other.addKey(1, key);
  for (const key of sketched) other.addKey(2, key);
  // Counting leaves its sketch unpacked (lines keep coming); merges pack it.
  expect(total.unpackedSketches()).toBe(1);
  total.merge(0, other, 1);
  expect(total.unpackedSketches()).toBe(0);
  total.merge(0, other, 2);
  expect(total.unpackedSketches()).toBe(0);
  expect([total.count(0), total.serialize(0)]).toStrictEqual([reference.count, reference.serialize()]);
});

it('merges a key into itself as twice its values, listed in a block or not', () => {
  for (const n of [3, 20, LISTED_LATENCY_VALUES]) {
    const latencies = new KeyLatencies();
    const reference = QuantileSketch.empty();
    for (let i = 0; i < n; i++) {
      const key = QuantileSketch.keyOf(1 + 3 * i);
      latencies.addKey(0, key);
      reference.addKey(key);
      reference.addKey(key);
    }
    latencies.merge(0, latencies, 0);
    expect({ n, text: latencies.serialize(0) }).toStrictEqual({ n, text: reference.serialize() });
  }
});

it('keeps at most its budget of sketches unpacked while counting, and the rest read the same values through every path', () => {
  const random = mulberry32(47);
  const budget = 3;
  const keys = 12;
  // Lengths around the list's size and its multiples, so that pending lists are empty, part full and just flushed.
  const lengths = Array.from({ length: keys }, (_, id) => LISTED_LATENCY_VALUES + 1 + ((id * 29) % (3 * LISTED_LATENCY_VALUES)));
  const valuesOf = lengths.map((n) => Array.from({ length: n }, () => QuantileSketch.keyOf(Math.floor(random() * 30_000) / 10)));
  const references = valuesOf.map((values) => {
    const reference = QuantileSketch.empty();
    for (const key of values) reference.addKey(key);
    return reference;
  });
  const counted = new KeyLatencies(budget);
  const longest = Math.max(...lengths);
  for (let i = 0; i < longest; i++) valuesOf.forEach((values, id) => i < values.length && counted.addKey(id, values[i]));
  expect(counted.unpackedSketches()).toBe(budget);
  // Read before anything settles them: count must include the values still pending.
  expect(valuesOf.map((_, id) => counted.count(id))).toStrictEqual(lengths);
  const expected = references.map((r) => [r.count, r.serialize(), r.quantile(0.95)]);
  const read = (latencies: KeyLatencies, id: number) => [latencies.count(id), latencies.serialize(id), latencies.quantile(id, 0.95)];

  const copied = new KeyLatencies();
  const moved = new KeyLatencies();
  const mergedInto = new KeyLatencies(0);
  valuesOf.forEach((values, id) => {
    copied.copy(id, counted, id);
    // One listed value first, so that the merge adds a sketch with pending values to a listed key.
    mergedInto.addKey(id, values[0]);
  });
  const source = new KeyLatencies(0);
  valuesOf.forEach((values, id) => values.slice(1).forEach((key) => source.addKey(id, key)));
  valuesOf.forEach((_, id) => {
    mergedInto.merge(id, source, id);
    moved.move(id, counted, id);
  });
  expect(valuesOf.map((_, id) => read(copied, id))).toStrictEqual(expected);
  expect(valuesOf.map((_, id) => read(mergedInto, id))).toStrictEqual(expected);
  expect(valuesOf.map((_, id) => read(moved, id))).toStrictEqual(expected);
  expect(mergedInto.unpackedSketches()).toBe(0);

  // A key with pending values merged into itself doubles every value.
  const twice = new KeyLatencies(0);
  const doubled = QuantileSketch.empty();
  for (const key of valuesOf[1]) {
    twice.addKey(0, key);
    doubled.addKey(key);
    doubled.addKey(key);
  }
  twice.merge(0, twice, 0);
  expect(read(twice, 0)).toStrictEqual([doubled.count, doubled.serialize(), doubled.quantile(0.95)]);
});

it("lists the few values merged into a packed sketch, merging them into its text 32 at a time, with every read the same", () => {
  const random = mulberry32(53);
  const total = new KeyLatencies();
  const reference = QuantileSketch.empty();
  const first = new KeyLatencies();
  for (let i = 0; i < LISTED_LATENCY_VALUES + 5; i++) {
    const key = QuantileSketch.keyOf(1 + i);
    first.addKey(0, key);
    reference.addKey(key);
  }
  total.merge(0, first, 0);
  for (let merge = 0; merge < 100; merge++) {
    const chunk = new KeyLatencies();
    for (let n = randomInt(random, 1, 3); n > 0; n--) {
      const key = QuantileSketch.keyOf(Math.floor(random() * 30_000) / 10);
      chunk.addKey(0, key);
      reference.addKey(key);
    }
    total.merge(0, chunk, 0);
    expect({ merge, count: total.count(0), unpacked: total.unpackedSketches() }).toStrictEqual({ merge, count: reference.count, unpacked: 0 });
  }
  expect([total.serialize(0), total.quantile(0, 0.5)]).toStrictEqual([reference.serialize(), reference.quantile(0.5)]);
});
