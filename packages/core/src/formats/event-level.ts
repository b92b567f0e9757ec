// Finds the level of a free-form log event in the places programs put it, and names it the one way:
// `INFO`, `[error]`, `[core:error]`, `[INFO ]`, `- WARNING -`, `<level>:`, `INFO/MainProcess`,
// `production.ERROR:`, logcat's single letter, Windows CBS's `Info,`. Only known level words count, so a message's first word is not taken for a level;
// synonyms are folded (WARNING → WARN, ERR → ERROR, CRIT → CRITICAL, EMERGENCY → EMERG) by
// level-names.ts's table, which every format's levels go through.
import { LEVEL_SYNONYMS } from '../level-names';
import { startsWith } from '../text/byte-prefix';

const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const DASH = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const LESS_THAN = 0x3c;
const GREATER_THAN = 0x3e;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;

/** Tokens after the timestamp that may hold the level: `- app - WARNING` puts it fourth. */
const MAX_TOKENS = 5;
/** The level sits near the timestamp; past this many bytes it is the message's word. */
const MAX_LEVEL_DISTANCE = 96;
const MAX_BRACKET = 48;
const MAX_PACKED_LETTERS = 10;

/** logcat's priority letters: V D I W E F. */
function logcatLevel(letter: number): string | null {
  switch (letter) {
    case 0x56: return 'VERBOSE';
    case 0x44: return 'DEBUG';
    case 0x49: return 'INFO';
    case 0x57: return 'WARN';
    case 0x45: return 'ERROR';
    case 0x46: return 'FATAL';
    default: return null;
  }
}

/** Syslog severities 0-7 (the low three bits of `<PRI>`). */
export const SYSLOG_SEVERITIES: readonly string[] = ['EMERG', 'ALERT', 'CRITICAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG'];

const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
const isUpper = (b: number): boolean => b >= 0x41 && b <= 0x5a;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** Letters packed 5 bits each, case folded; -1 when not letters or too many. */
function packLetters(buf: Buffer, start: number, end: number): number {
  if (end <= start || end - start > MAX_PACKED_LETTERS) return -1;
  let key = 0;
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (!isLetter(b)) return -1;
    key = key * 32 + ((b & 0xdf) - 0x40);
  }
  return key;
}

const byPackedName = new Map<number, string>();
for (const [word, name] of LEVEL_SYNONYMS) byPackedName.set(packLetters(Buffer.from(word, 'latin1'), 0, word.length), name);

/** The normalized level named by the letters buf[start, end), any case, or null for other words. */
export function knownLevelAt(buf: Buffer, start: number, end: number): string | null {
  const key = packLetters(buf, start, end);
  return key < 0 ? null : (byPackedName.get(key) ?? null);
}

function allUpper(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (!isUpper(buf[i])) return false;
  return true;
}

/** Index just past the level token found by the last successful findLevel call: the message follows. */
export let levelEnd = 0;

function closeOf(open: number): number {
  return open === OPEN_BRACKET ? CLOSE_BRACKET : open === LESS_THAN ? GREATER_THAN : CLOSE_PAREN;
}

/**
 * The level in the first few tokens from i, or null; sets levelEnd. A bracketed level (`[error]`,
 * `[core:error]`, `<warn>`) counts in any case; a bare word when it is upper case (`INFO`) or ends
 * in `:` or `,` (`info:`, `Info,`); a single V/D/I/W/E/F only after numbers alone (logcat's pid and
 * tid). `afterComma` says the timestamp ended in a comma (Windows CBS), which makes the first word a
 * level in any case.
 */
export function findLevel(buf: Buffer, i: number, end: number, maxTokens = MAX_TOKENS, afterComma = false): string | null {
  const limit = Math.min(end, i + MAX_LEVEL_DISTANCE);
  let onlyNumbers = true;
  for (let token = 0; token < maxTokens; token++) {
    while (i < limit && (buf[i] === SPACE || buf[i] === TAB)) i++;
    if (i >= limit) return null;
    const first = buf[i];
    if (first === OPEN_BRACKET || first === LESS_THAN || first === OPEN_PAREN) {
      const close = closeOf(first);
      let j = i + 1;
      let wordStart = j;
      while (j < end && j - i <= MAX_BRACKET && buf[j] !== close) {
        if (buf[j] === COLON) wordStart = j + 1;
        j++;
      }
      if (j >= end || buf[j] !== close) return null;
      // Padded to a column: Elasticsearch's `[INFO ]`.
      let wordEnd = j;
      while (wordEnd > wordStart && buf[wordEnd - 1] === SPACE) wordEnd--;
      const name = knownLevelAt(buf, wordStart, wordEnd);
      if (name !== null) {
        levelEnd = j + 1;
        return name;
      }
      i = j + 1;
      onlyNumbers = false;
      continue;
    }
    const start = i;
    while (i < end && isLetter(buf[i])) i++;
    const letters = i;
    if (letters > start) {
      const after = i < end ? buf[i] : SPACE;
      // Celery's `INFO/MainProcess` names the level before the process.
      const wordEnds = after === SPACE || after === TAB || after === SLASH;
      const punctuated = after === COLON || after === COMMA;
      if (wordEnds || punctuated) {
        if (letters - start === 1 && wordEnds && onlyNumbers && token > 0) {
          const name = logcatLevel(buf[start]);
          if (name !== null) {
            levelEnd = letters;
            return name;
          }
        }
        if (punctuated || allUpper(buf, start, letters) || (afterComma && token === 0)) {
          const name = knownLevelAt(buf, start, letters);
          if (name !== null) {
            levelEnd = punctuated ? letters + 1 : letters;
            return name;
          }
        }
      }
    }
    let numeric = letters === start;
    let lastDot = -1;
    while (i < end && buf[i] !== SPACE && buf[i] !== TAB) {
      if (!isDigit(buf[i])) numeric = false;
      if (buf[i] === DOT) lastDot = i;
      i++;
    }
    // Monolog (Laravel): `production.ERROR:`, the channel before the level.
    if (lastDot > start && buf[i - 1] === COLON && allUpper(buf, lastDot + 1, i - 1)) {
      const name = knownLevelAt(buf, lastDot + 1, i - 1);
      if (name !== null) {
        levelEnd = i;
        return name;
      }
    }
    // `-` and `,` between fields are separators, not words.
    const separator = i - start === 1 && (first === DASH || first === COMMA);
    if (!separator && !numeric) onlyNumbers = false;
  }
  return null;
}

const PHP_PREFIX = Buffer.from('PHP ', 'latin1');
/** PHP's error-log labels and the levels they name; any other `PHP …` line (`PHP Stack trace:`) has none. */
const PHP_LABELS: ReadonlyArray<readonly [Buffer, string]> = [
  ['Fatal error:', 'FATAL'],
  ['Parse error:', 'ERROR'],
  ['Catchable fatal error:', 'ERROR'],
  ['Recoverable fatal error:', 'ERROR'],
  ['Warning:', 'WARN'],
  ['Notice:', 'NOTICE'],
].map(([label, level]) => [Buffer.from(label, 'latin1'), level] as const);

/**
 * Whether the text at i (after spaces) is a PHP error-log message, `PHP Warning:  …`; if so, the
 * level its label names (or null: `PHP Stack trace:` and the frames after it name none) is in
 * phpLevel, and levelEnd is just past the label.
 */
export function isPhpMessage(buf: Buffer, i: number, end: number): boolean {
  while (i < end && buf[i] === SPACE) i++;
  if (!startsWith(buf, i, end, PHP_PREFIX)) return false;
  i += PHP_PREFIX.length;
  phpLevel = null;
  levelEnd = i;
  for (const [label, level] of PHP_LABELS) {
    if (startsWith(buf, i, end, label)) {
      phpLevel = level;
      levelEnd = i + label.length;
      break;
    }
  }
  return true;
}

/** The level of the PHP message isPhpMessage last recognised. */
export let phpLevel: string | null = null;

/**
 * Where the message starts after a level or timestamp ending at i: past spaces and `-`/`:`
 * separators, and Ruby Logger's `-- :` (`-- progname:` keeps the program's name in the message).
 */
export function messageStart(buf: Buffer, i: number, end: number): number {
  for (let n = 0; i < end && n < 8; n++) {
    const b = buf[i];
    if (b === SPACE || b === TAB) i++;
    else if ((b === DASH || b === COLON || b === COMMA) && (i + 1 >= end || buf[i + 1] === SPACE)) i++;
    else if (b === DASH && buf[i + 1] === DASH && (i + 2 >= end || buf[i + 2] === SPACE)) i += 2;
    else break;
  }
  return i;
}
