import { forEachSerialized, SecondCounts } from '../src/analytics/second-counts';
import { jsonBlocks } from '../src/json-parts';
import type { JsonOut } from '../src/json-parts';
import { mulberry32, shuffled } from './helpers';

it('counts seconds in any order, across pages both ways', () => {
  const counts = new SecondCounts();
  const t0 = 1_706_000_000;
  counts.add(t0, 2);
  counts.add(t0 + 10_000, 1); // a later page
  counts.add(t0 - 10_000, 3); // an earlier one
  counts.add(t0, 1);

  expect(counts.entries()).toStrictEqual([
    [t0 - 10_000, 3],
    [t0, 3],
    [t0 + 10_000, 1],
  ]);
});

it('counts seconds months apart and before 1970', () => {
  const counts = new SecondCounts();
  const t0 = 1_706_000_000;
  counts.add(t0, 1);
  counts.add(t0 + 100 * 86_400, 5); // 100 days later
  counts.add(t0 + 100 * 86_400, 1);
  counts.add(t0 + 1, 1);
  counts.add(-1, 2);
  counts.add(-1025, 1);

  expect(counts.entries()).toStrictEqual([
    [-1025, 1],
    [-1, 2],
    [t0, 1],
    [t0 + 1, 1],
    [t0 + 100 * 86_400, 6],
  ]);
});

it('serializes as gaps and counts, a gap of one left empty, and reads that back', () => {
  const counts = new SecondCounts();
  const t0 = 1_706_091_332;
  for (const [second, n] of [[t0, 3], [t0 + 1, 5], [t0 + 8, 1], [t0 + 100 * 86_400, 2]]) counts.add(second, n);
  const encoded = counts.serialize();
  expect(encoded).toBe(`${t0}:3,:5,7:1,${100 * 86_400 - 8}:2`);
  const copy = new SecondCounts();
  copy.addSerialized(encoded);
  expect(copy.entries()).toStrictEqual(counts.entries());
  expect(new SecondCounts().serialize()).toBe('');
});

it('rejects text that is not serialized per-second counts', () => {
  for (const encoded of ['x', '1:0', '5:1,0:1', '5:1,-2:1', '5:1,', ':1', '1.5:2', '5:1\u0000', '5:1\u0130', '5\u013a1', '5:1,\u013a1', '9007199254740991:1,:1', '9007199254740991:1,9007199254740991:1,1:1,:1']) {
    expect({ encoded, thrown: (() => { try { forEachSerialized(encoded, () => undefined); return null; } catch (err) { return (err as Error).message; } })() }).toStrictEqual({ encoded, thrown: 'not serialized per-second counts' });
  }
});

it('counts seconds added in any order exactly as in order, pages that share a cache slot included', () => {
  const random = mulberry32(7);
  const t0 = 1_706_000_000;
  // Seconds over ~40 pages (more than the 16 slots of recent pages, so slots are shared and replaced).
  const adds = Array.from({ length: 20_000 }, (): [number, number] => [t0 + Math.floor(random() * 40 * 1024), 1 + Math.floor(random() * 3)]);
  const inOrder = new SecondCounts();
  for (const [second, n] of [...adds].sort((a, b) => a[0] - b[0])) inOrder.add(second, n);
  const outOfOrder = new SecondCounts();
  for (const [second, n] of shuffled(random, adds)) outOfOrder.add(second, n);
  expect(outOfOrder.serialize()).toBe(inOrder.serialize());
  expect(inOrder.entries().reduce((sum, [, n]) => sum + n, 0)).toBe(adds.reduce((sum, [, n]) => sum + n, 0));
});

it('writes the JSON string of its text straight into JSON blocks, page by page, across block ends', () => {
  const random = mulberry32(21);
  const counts = new SecondCounts();
  // ~3,000 pages of dense seconds (a month and more), a few before 1970, counts up to 2^32 - 1.
  for (let i = 0; i < 400_000; i++) counts.add(Math.floor(random() * 3_000 * 1024) - 5_000, 1 + Math.floor(random() * 3));
  counts.add(1_706_000_000, 0xfffffff0);
  const text = counts.serialize();
  const seconds = {};
  const blocks = jsonBlocks({ before: 'x', seconds, after: 1 }, new Map([[seconds, (out: JsonOut) => counts.writeJson(out)]]));
  expect(blocks.length).toBeGreaterThan(1);
  expect(Buffer.concat(blocks).toString('latin1')).toBe(JSON.stringify({ before: 'x', seconds: text, after: 1 }));
  expect(SecondCounts.decode(text)!.entries()).toStrictEqual(counts.entries());
});
