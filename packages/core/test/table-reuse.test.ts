// A pool thread hands one chunk's top tables, cleared, to the next chunk (table-reuse.ts). A cleared
// table must count exactly as a new one: whatever the last chunk left in its arrays (evicted keys,
// a doorkeeper, latency sketches, error counts) must not reach the next chunk's partial.
import { writeFileSync } from 'node:fs';
import { analyzeRange, analyzeRangeJson } from '../src/analyze';
import { jsonBlocks } from '../src/json-parts';
import { MetricsAccumulator } from '../src/analytics/metrics-accumulator';
import { QuantileSketch } from '../src/analytics/quantile-sketch';
import { keepForReuse, keptTables, reusedTopK } from '../src/analytics/table-reuse';
import { TopK } from '../src/analytics/top-k';
import { mulberry32, useTempDir } from './helpers';

const temp = useTempDir();

/** Keys from a flat and a skewed distribution, with latencies and error lines; some keys not UTF-8. */
function countInto(top: TopK, seed: number, lines: number): TopK {
  const random = mulberry32(seed);
  for (let i = 0; i < lines; i++) {
    if (seed % 2 === 1 && i % 11 === 0) {
      const bytes = Buffer.from([0x2f, 0xff, i % 50]);
      top.addBytes(bytes, 0, bytes.length);
      continue;
    }
    const key = random() < 0.5 ? `/hot/${Math.floor(random() * 20)}` : `/flat/${seed}/${Math.floor(random() * 5000)}/caf\u00e9`;
    const entry = top.addString(key);
    if (i % 3 === 0) top.recordLatency(entry, QuantileSketch.keyOf(Math.floor(random() * 5000) / 10));
    if (i % 7 === 0) entry.errors++;
  }
  return top;
}

it('gives back the very table it kept, cleared, and it counts as a new table of its kind', () => {
  for (const [trackLatency, admitOnSecondSight] of [[true, false], [false, true], [false, false]]) {
    const used = countInto(reusedTopK(300, trackLatency, admitOnSecondSight), 1, 20_000);
    expect(used.exact).toBe(false);
    keepForReuse(used);
    const reused = reusedTopK(300, trackLatency, admitOnSecondSight);
    expect(reused).toBe(used);
    expect(reused.size).toBe(0);
    countInto(reused, 2, 12_000);
    expect(reused.serialize()).toStrictEqual(countInto(new TopK(300, trackLatency, admitOnSecondSight), 2, 12_000).serialize());
  }
});

it('keeps tables apart by kind', () => {
  const latencyTable = countInto(reusedTopK(50, true), 3, 500);
  keepForReuse(latencyTable);
  expect(reusedTopK(50, false)).not.toBe(latencyTable);
  expect(reusedTopK(51, true)).not.toBe(latencyTable);
  expect(reusedTopK(50, true)).toBe(latencyTable);
});

it('writes the same partial for a range whatever range the thread analyzed before it', () => {
  // Two files of different shapes: A's tables overflow (capacity 2,000) with another set of keys.
  const lines = (prefix: string, n: number, seed: number): string => {
    const random = mulberry32(seed);
    const out: string[] = [];
    for (let i = 0; i < n; i++) {
      const path = `/${prefix}/${Math.floor(random() * (prefix === 'a' ? 9000 : 700))}`;
      out.push(`10.${i % 7}.${Math.floor(random() * 250)}.${i % 200} - - [24/Jan/2024:10:${String(10 + (i % 40)).padStart(2, '0')}:32 +0000] "GET ${path} HTTP/1.1" ${i % 13 === 0 ? 500 : 200} ${i % 900} "-" "agent/${i % 17}" ${(Math.floor(random() * 900)) / 1000}`);
    }
    return out.join('\n') + '\n';
  };
  const a = temp.path('a.log');
  const b = temp.path('b.log');
  writeFileSync(a, lines('a', 30_000, 7));
  const bText = lines('b', 20_000, 8);
  writeFileSync(b, bText);
  const options = { format: 'combined' as const, topCapacity: 2_000 };
  const size = Buffer.byteLength(bText);
  const bFirst = Buffer.concat(analyzeRangeJson(b, 0, size, options));
  // Released, a thread's five tables wait for its next chunk.
  expect(keptTables()).toBeGreaterThanOrEqual(5);
  analyzeRangeJson(a, 0, 4_000_000, options);
  const bAfterA = Buffer.concat(analyzeRangeJson(b, 0, size, options));
  expect(bAfterA.toString('latin1')).toBe(bFirst.toString('latin1'));
  expect(bAfterA.toString('latin1')).toBe(Buffer.concat(jsonBlocks(analyzeRange(b, 0, size, options))).toString('latin1'));
});

it('refuses a result from an accumulator whose tables it handed on', () => {
  const acc = new MetricsAccumulator({ filepath: 'x.log' });
  acc.resultJson(0);
  acc.release();
  expect(() => acc.resultJson(0)).toThrow(/released/);
});
