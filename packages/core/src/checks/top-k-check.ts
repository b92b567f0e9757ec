// Checks and decodes a serialized top-k table before it is merged: its counts, its entries as
// serialize() writes them (distinct keys in order, no more than the capacity), and each entry's sketch
// text (checked, not decoded: the table lists a key's few values straight from it).
import { SerializedTopK, TopK } from '../analytics/top-k';
import { checkArray, checkBoolean, checkCount, checkObject, checkString, invalidPartial, sketchCountOrNone } from './field-checks';

const ENTRY_FIELDS = ['key', 'count', 'error', 'errors', 'sketch'] as const;

export function checkTopK(value: unknown, path: string, trackLatency: boolean): TopK {
  const table = checkObject(value, path);
  const capacity = checkCount(table.capacity, `${path}.capacity`);
  if (capacity === 0) throw invalidPartial(`${path}.capacity`, 'must be at least 1, got 0');
  checkCount(table.total, `${path}.total`);
  const exact = checkBoolean(table.exact, `${path}.exact`);
  const entries = checkArray(table.entries, `${path}.entries`);
  // A table never holds more keys than its capacity; rebuilding one that did would drop keys.
  if (entries.length > capacity) throw invalidPartial(`${path}.entries`, `holds ${entries.length} keys, more than the capacity ${capacity}`);
  const sketchCounts = new Float64Array(entries.length);
  let previousKey: string | null = null;
  entries.forEach((entry, i) => {
    const at = (): string => `${path}.entries[${i}]`;
    const fields = checkArray(entry, at);
    if (fields.length !== ENTRY_FIELDS.length) throw invalidPartial(at, `must be [${ENTRY_FIELDS.join(', ')}], got ${fields.length} items`);
    const key = checkString(fields[0], () => `${at()} key`);
    // Sorted and distinct as serialize() writes them: a repeated key would be two counters for one.
    if (previousKey !== null && !(previousKey < key)) throw invalidPartial(at, 'keys must be distinct and in increasing order');
    previousKey = key;
    const count = checkCount(fields[1], () => `${at()} count`);
    const error = checkCount(fields[2], () => `${at()} error`);
    checkCount(fields[3], () => `${at()} errors`);
    if (error > count) throw invalidPartial(at, `error ${error} is more than count ${count}`);
    if (exact && error !== 0) throw invalidPartial(at, `error ${error} in a table marked exact`);
    sketchCounts[i] = sketchCountOrNone(fields[4], at);
  });
  try {
    return TopK.fromChecked(table as unknown as SerializedTopK, sketchCounts, trackLatency);
  } catch (err) {
    // Defensive: rebuilding checked entries is not expected to throw.
    throw invalidPartial(path, `does not decode: ${(err as Error).message}`, err);
  }
}
