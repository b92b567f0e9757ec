import { SecondCounts } from '../src/analytics/second-counts';

it('counts seconds in any order, growing the window both ways', () => {
  const counts = new SecondCounts();
  const t0 = 1_706_000_000;
  counts.add(t0, 2);
  counts.add(t0 + 10_000, 1); // past the initial window
  counts.add(t0 - 10_000, 3); // before it
  counts.add(t0, 1);

  expect(counts.entries()).toStrictEqual([
    [t0 - 10_000, 3],
    [t0, 3],
    [t0 + 10_000, 1],
  ]);
});

it('keeps a second far outside the window apart instead of stretching the array', () => {
  const counts = new SecondCounts();
  const t0 = 1_706_000_000;
  counts.add(t0, 1);
  counts.add(t0 + 100 * 86_400, 5); // 100 days later: beyond the dense window's limit
  counts.add(t0 + 100 * 86_400, 1);
  counts.add(t0 + 1, 1);

  expect(counts.entries()).toStrictEqual([
    [t0, 1],
    [t0 + 1, 1],
    [t0 + 100 * 86_400, 6],
  ]);
});
