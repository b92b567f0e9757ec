// Turns a level's bytes into its name without allocating a string per line: names are cached under a
// number packed from their letters (5 bits each, so up to 10 letters pack exactly into a double).

export interface LevelInfo {
  name: string;
  isError: boolean;
}

const ERROR_LEVELS = new Set(['ERROR', 'FATAL', 'CRITICAL']);
const MAX_PACKED_LETTERS = 10;
const byPackedKey = new Map<number, LevelInfo>();

function info(name: string): LevelInfo {
  return { name, isError: ERROR_LEVELS.has(name) };
}

/** buf[start, end) must be uppercase ASCII letters. */
export function levelAt(buf: Buffer, start: number, end: number): LevelInfo {
  if (end - start > MAX_PACKED_LETTERS) return info(buf.toString('latin1', start, end));
  let key = 0;
  for (let i = start; i < end; i++) key = key * 32 + (buf[i] - 0x40);
  let found = byPackedKey.get(key);
  if (found === undefined) {
    found = info(buf.toString('latin1', start, end));
    byPackedKey.set(key, found);
  }
  return found;
}
