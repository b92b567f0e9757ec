// Which rows a top-k table keeps, and in what order they are read: the order a table is rebuilt in
// after a decode or a rebuilding merge (by count, largest first, then by key), the rows a full table
// keeps, the threshold count of an in-place cut, and the top k a report lists. A comparator sort of
// 250,000 merged rows, comparing key strings on every tie (and a table's small counts are mostly
// ties), was a third of the coordinator's time on a job of access logs.

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

/** The rows a table of `capacity` keeps, the largest counts (then the first keys), or null for all. */
export function keptRows(counts: Float64Array, n: number, keyOrder: Int32Array | null, capacity: number): Uint8Array | null {
  if (n <= capacity) return null;
  const byCount = rowsByCountThenKey(counts, n, keyOrder);
  const kept = new Uint8Array(n);
  for (let i = 0; i < capacity; i++) kept[byCount[i]] = 1;
  return kept;
}

/**
 * The order tables are read in: the guaranteed count (count - error) first, so a row above another is
 * surely at least as frequent when both are exact, then the larger upper bound, then the key.
 */
export function compareByGuaranteedCount(countA: number, errorA: number, keyA: string, countB: number, errorB: number, keyB: string): number {
  return countB - errorB - (countA - errorA) || countB - countA || (keyA < keyB ? -1 : keyA > keyB ? 1 : 0);
}

/** The k first of items in compare's order, without sorting them all (tables hold 100,000+ keys). */
export function selectTop<T>(items: Iterable<T>, k: number, compare: (a: T, b: T) => number): T[] {
  const best: T[] = [];
  if (k <= 0) return best;
  for (const item of items) {
    if (best.length === k && compare(item, best[k - 1]) >= 0) continue;
    let at = best.length === k ? k - 1 : best.length;
    while (at > 0 && compare(item, best[at - 1]) < 0) {
      best[at] = best[at - 1];
      at--;
    }
    best[at] = item;
  }
  return best;
}

/** The k-th largest of values (1-based; values is reordered): quickselect. */
export function nthLargest(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] > pivot) i++;
      while (values[j] < pivot) j--;
      if (i <= j) {
        const v = values[i];
        values[i] = values[j];
        values[j] = v;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return values[target];
  }
  return values[target];
}
