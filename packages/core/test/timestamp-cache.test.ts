// parseTimestamp computes each minute's calendar once and caches it by minute of the day: lines in
// any order, and minutes of other days that share a cache slot, read the same instants as in order.
import { parseTimestamp } from '../src/timestamp';
import { mulberry32, shuffled } from './helpers';

const iso = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 23);

it('reads shuffled timestamps over days, in slot-sharing minutes, as Date does', () => {
  const random = mulberry32(11);
  const start = Date.UTC(2024, 1, 27, 22, 0, 0); // across 29 February and a month end
  // Minutes 128 apart share a slot; days apart, the same minute of the day does too.
  const times = Array.from({ length: 5_000 }, () => start + Math.floor(random() * 4 * 86_400_000));
  const read = (ms: number): number => {
    const text = Buffer.from(`${iso(ms)} INFO x`);
    return parseTimestamp(text, 0, text.length);
  };
  const inOrder = [...times].sort((a, b) => a - b);
  const outOfOrder = shuffled(random, times);
  expect(inOrder.map(read)).toStrictEqual(inOrder);
  expect(outOfOrder.map(read)).toStrictEqual(outOfOrder);
});

it('still refuses an impossible date after its minute of the day was cached for a real one', () => {
  const real = Buffer.from('2023-02-28 10:15:00.000 INFO ok');
  const impossible = Buffer.from('2023-02-29 10:15:00.000 INFO no');
  const alsoImpossible = Buffer.from('2023-02-30 12:23:00 INFO no'); // same slot: (12·60 + 23) & 127 = (10·60 + 15) & 127
  expect([parseTimestamp(real, 0, real.length), parseTimestamp(impossible, 0, impossible.length), parseTimestamp(alsoImpossible, 0, alsoImpossible.length)]).toStrictEqual([Date.UTC(2023, 1, 28, 10, 15), NaN, NaN]);
});
