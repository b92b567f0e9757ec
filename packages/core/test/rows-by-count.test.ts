// The rebuild order of a top-k table: count descending, then key rank; packed into one number sort
// when counts allow, else a comparator sort, and both must be that order.
import { nthLargest, rowsByCountThenKey } from '../src/analytics/rows-by-count';
import { mulberry32, randomInt, shuffled } from './helpers';

function reference(counts: Float64Array, n: number, keyOrder: Int32Array | null): number[] {
  const rank = new Map<number, number>();
  for (let i = 0; i < n; i++) rank.set(keyOrder === null ? i : keyOrder[i], i);
  return Array.from({ length: n }, (_, row) => row).sort((a, b) => counts[b] - counts[a] || rank.get(a)! - rank.get(b)!);
}

it('orders rows by count, then key rank, for small counts, counts past what packing allows, and fractions', () => {
  const random = mulberry32(5);
  const shapes = [
    { name: 'small counts, many ties', count: () => randomInt(random, 0, 5) },
    { name: 'counts near 2^52', count: () => 2 ** 52 - randomInt(random, 0, 3) },
    { name: 'fractions', count: () => randomInt(random, 0, 4) + (random() < 0.5 ? 0.5 : 0) },
  ];
  for (const shape of shapes) {
    for (const n of [0, 1, 2, 17, 500]) {
      const counts = Float64Array.from({ length: n }, shape.count);
      for (const keyOrder of [null, Int32Array.from(shuffled(random, Array.from({ length: n }, (_, i) => i)))]) {
        expect({ shape: shape.name, n, rows: Array.from(rowsByCountThenKey(counts, n, keyOrder)) }).toStrictEqual({ shape: shape.name, n, rows: reference(counts, n, keyOrder) });
      }
    }
  }
});

it('finds the k-th largest count, ties and all, as a sort would', () => {
  const random = mulberry32(59);
  for (let round = 0; round < 200; round++) {
    const n = 1 + Math.floor(random() * 300);
    // Few distinct values, so that most rounds have long runs of ties around k.
    const values = Float64Array.from({ length: n }, () => Math.floor(random() * (1 + (round % 7)) ** 2));
    const k = 1 + Math.floor(random() * n);
    const sorted = [...values].sort((a, b) => b - a);
    expect({ round, value: nthLargest(values.slice(), k) }).toStrictEqual({ round, value: sorted[k - 1] });
  }
});
