// Turns a level's bytes into its upper-case name without allocating a string per line: names are
// cached under a number packed from their letters (5 bits each, so up to 10 letters pack exactly
// into a double). Case is folded: "error", "Error" and "ERROR" are one level. Synonyms are folded
// too, for every format alike: an applog `ERR` line, a JSON `"level":"err"` and a syslog `<11>` are
// one ERROR, and `WARNING` is WARN wherever it was written, so a file that mixes sources shows one
// row per level and counts every error.

export interface LevelInfo {
  name: string;
  isError: boolean;
  /** 0, 1, 2… in order of first sight in this process: an index for per-level counters. */
  id: number;
}

/** Level words in the spellings programs write them, and the one name each is counted under. */
export const LEVEL_SYNONYMS: ReadonlyArray<readonly [string, string]> = [
  ['TRACE', 'TRACE'],
  ['FINEST', 'FINEST'],
  ['FINER', 'FINER'],
  ['FINE', 'FINE'],
  ['VERBOSE', 'VERBOSE'],
  ['DEBUG', 'DEBUG'],
  ['DBG', 'DEBUG'],
  ['INFO', 'INFO'],
  ['NOTICE', 'NOTICE'],
  // MySQL's and MariaDB's `[Note]`.
  ['NOTE', 'NOTICE'],
  // PostgreSQL's severity for the server's own operational messages (startup, checkpoints): not an error.
  ['LOG', 'LOG'],
  ['WARN', 'WARN'],
  ['WARNING', 'WARN'],
  ['ERROR', 'ERROR'],
  ['ERR', 'ERROR'],
  ['SEVERE', 'SEVERE'],
  ['CRIT', 'CRITICAL'],
  ['CRITICAL', 'CRITICAL'],
  ['ALERT', 'ALERT'],
  ['EMERG', 'EMERG'],
  ['EMERGENCY', 'EMERG'],
  ['FATAL', 'FATAL'],
  ['PANIC', 'PANIC'],
];
const CANONICAL_NAMES = new Map<string, string>(LEVEL_SYNONYMS);

// EMERG, ALERT (syslog's severities above CRITICAL), SEVERE (java.util.logging) and PANIC are the
// names the event formats give their worst levels.
const ERROR_LEVELS = new Set(['ERROR', 'FATAL', 'CRITICAL', 'EMERG', 'ALERT', 'SEVERE', 'PANIC']);
const MAX_PACKED_LETTERS = 10;
const byPackedKey = new Map<number, LevelInfo>();
/** By the name as given (upper case) and by its canonical name: synonyms share one LevelInfo. */
const byName = new Map<string, LevelInfo>();
let lastKey = -1;
let lastInfo: LevelInfo | null = null;

let levelsKnown = 0;

/** The level an upper-case name stands for, its synonyms folded (WARNING → WARN). */
export function levelInfo(name: string): LevelInfo {
  let found = byName.get(name);
  if (found === undefined) {
    const canonical = CANONICAL_NAMES.get(name) ?? name;
    found = byName.get(canonical);
    if (found === undefined) {
      found = { name: canonical, isError: ERROR_LEVELS.has(canonical), id: levelsKnown++ };
      byName.set(canonical, found);
    }
    byName.set(name, found);
  }
  return found;
}

const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** The level named by buf[start, end), upper-cased. */
export function levelAt(buf: Buffer, start: number, end: number): LevelInfo {
  let key = 0;
  let packable = end - start <= MAX_PACKED_LETTERS;
  for (let i = start; packable && i < end; i++) {
    const b = buf[i];
    if (!isLetter(b)) packable = false;
    else key = key * 32 + ((b & 0xdf) - 0x40);
  }
  return levelOfPackedKey(packable ? key : -1, buf, start, end);
}

/**
 * levelAt for a level whose letters are packed already (the wasm scanner packs them as it reads the
 * level); -1 when they do not pack (too many letters, or not letters).
 */
export function levelOfPackedKey(key: number, buf: Buffer, start: number, end: number): LevelInfo {
  if (key < 0) return levelInfo(buf.toString('utf8', start, end).toUpperCase());
  // Consecutive lines mostly share a level; a hit here skips the map lookup on a double key.
  if (key === lastKey) return lastInfo!;
  let found = byPackedKey.get(key);
  if (found === undefined) {
    found = levelInfo(buf.toString('latin1', start, end).toUpperCase());
    byPackedKey.set(key, found);
  }
  lastKey = key;
  lastInfo = found;
  return found;
}
