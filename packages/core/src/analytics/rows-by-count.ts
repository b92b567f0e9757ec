// The order a top-k table is rebuilt in after a merge or a decode: by count, largest first, then by
// key. A comparator sort of 250,000 merged rows, comparing key strings on every tie (and a table's
// small counts are mostly ties), was a third of the coordinator's time on a job of access logs.

/**
 * Rows 0..n-1 by count, largest first, then by key: keyOrder lists the rows in key order (null: the
 * rows are already in key order), so a row's key rank is its place there. Counts must be whole.
 */
export function rowsByCountThenKey(counts: Float64Array, n: number, keyOrder: Int32Array | null): Int32Array {
  let max = 0;
  let whole = true;
  for (let row = 0; row < n; row++) {
    const count = counts[row];
    if (count > max) max = count;
    if (!Number.isInteger(count)) whole = false;
  }
  const rankOf = keyOrder === null ? null : inverse(keyOrder, n);
  const rows = new Int32Array(n);
  if (whole && (max + 1) * n <= Number.MAX_SAFE_INTEGER) {
    // One native sort of numbers that pack (count descending, key rank): no comparator calls at all.
    const packed = new Float64Array(n);
    for (let row = 0; row < n; row++) packed[row] = (max - counts[row]) * n + (rankOf === null ? row : rankOf[row]);
    packed.sort();
    for (let i = 0; i < n; i++) {
      const rank = packed[i] % n;
      rows[i] = keyOrder === null ? rank : keyOrder[rank];
    }
    return rows;
  }
  for (let row = 0; row < n; row++) rows[row] = row;
  const rank = (row: number): number => (rankOf === null ? row : rankOf[row]);
  return rows.sort((a, b) => counts[b] - counts[a] || rank(a) - rank(b));
}

function inverse(order: Int32Array, n: number): Int32Array {
  const rankOf = new Int32Array(n);
  for (let i = 0; i < n; i++) rankOf[order[i]] = i;
  return rankOf;
}
