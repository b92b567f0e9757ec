// JSON-object lines (nginx `escape=json`, pino, bunyan, zap, logrus): scans the top-level object's
// keys and values on bytes and reads the recognised fields (field-names.ts) into the record.
//
// The scanner checks the line's structure: one object, quoted keys, `:` and `,` where they belong,
// top-level numbers and literals well formed, strings terminated, nested brackets balanced and
// matched, nothing but whitespace after the closing brace. It is not a full validator: escape
// sequences and control bytes inside strings, and the grammar inside nested values (beyond their
// brackets and strings), are not checked. It needs no JSON.parse fallback: every line is either
// scanned completely or rejected.
import { ESCAPED_TEXT, MAX_FIELD_PATH_LENGTH, NUMBER, TEXT, applyFieldValue, isNestedFieldPrefix, lineState, lookupFieldAlias } from './field-names';
import type { FieldAlias } from './field-names';
import type { LineParser, LineRecord } from './line-record';

const TAB = 0x09;
const LINE_FEED = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;
const isWhitespace = (b: number): boolean => b === SPACE || b === TAB || b === LINE_FEED || b === CARRIAGE_RETURN;

/** Whether the string closed by the last successful stringEnd call held a backslash escape. */
let stringHadEscape = false;

/** Index of the quote closing the string whose content starts at i, or -1 when it is unterminated. */
function stringEnd(buf: Buffer, i: number, end: number): number {
  stringHadEscape = false;
  while (i < end) {
    const b = buf[i];
    if (b === QUOTE) return i;
    if (b === BACKSLASH) {
      stringHadEscape = true;
      i += 2;
    } else {
      i++;
    }
  }
  return -1;
}

function skipWhitespace(buf: Buffer, i: number, end: number): number {
  while (i < end && isWhitespace(buf[i])) i++;
  return i;
}

function digitsEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && isDigit(buf[i])) i++;
  return i;
}

/** End of the JSON number at i (`-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?`), or -1. */
function numberEnd(buf: Buffer, i: number, end: number): number {
  if (buf[i] === MINUS) i++;
  if (i >= end || !isDigit(buf[i])) return -1;
  i = buf[i] === 0x30 ? i + 1 : digitsEnd(buf, i, end);
  if (i < end && buf[i] === DOT) {
    const fractionStart = i + 1;
    i = digitsEnd(buf, fractionStart, end);
    if (i === fractionStart) return -1;
  }
  if (i < end && (buf[i] === 0x65 || buf[i] === 0x45)) {
    i++;
    if (i < end && (buf[i] === 0x2b || buf[i] === MINUS)) i++;
    const exponentStart = i;
    i = digitsEnd(buf, exponentStart, end);
    if (i === exponentStart) return -1;
  }
  return i;
}

const LITERALS = [Buffer.from('true'), Buffer.from('false'), Buffer.from('null')];

/** End of `true`, `false` or `null` at i, or -1. */
function literalEnd(buf: Buffer, i: number, end: number): number {
  for (let l = 0; l < LITERALS.length; l++) {
    const literal = LITERALS[l];
    if (literal[0] !== buf[i] || end - i < literal.length) continue;
    for (let k = 1; k < literal.length; k++) if (buf[i + k] !== literal[k]) return -1;
    return i + literal.length;
  }
  return -1;
}

/**
 * The closing bracket expected at each depth of the nested value being skipped. Deeper values are
 * still skipped, with their brackets counted but not matched.
 */
const MAX_MATCHED_DEPTH = 256;
const expectedClosers = new Uint8Array(MAX_MATCHED_DEPTH);

/** End of the object or array opening at i (just past its closing bracket), or -1. */
function nestedEnd(buf: Buffer, i: number, end: number): number {
  let depth = 0;
  while (i < end) {
    const b = buf[i];
    if (b === QUOTE) {
      i = stringEnd(buf, i + 1, end);
      if (i < 0) return -1;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) {
      if (depth < MAX_MATCHED_DEPTH) expectedClosers[depth] = b === OPEN_BRACE ? CLOSE_BRACE : CLOSE_BRACKET;
      depth++;
    } else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) {
      depth--;
      if (depth < MAX_MATCHED_DEPTH && expectedClosers[depth] !== b) return -1;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return -1;
}

/**
 * End of an array that is a field's value, read into rec when its first item is a string: Go's
 * http.Header holds every header's values in an array (Caddy writes `"User-Agent": ["curl/8.5.0"]`).
 * Any other first item fills nothing; the array is checked and skipped as any nested value.
 */
function arrayValueEnd(buf: Buffer, i: number, end: number, alias: FieldAlias, rec: LineRecord): number {
  const after = nestedEnd(buf, i, end);
  if (after < 0) return -1;
  const first = skipWhitespace(buf, i + 1, end);
  if (buf[first] === QUOTE) {
    const close = stringEnd(buf, first + 1, end);
    applyFieldValue(rec, alias, buf, first + 1, close, stringHadEscape ? ESCAPED_TEXT : TEXT);
  }
  return after;
}

/** The dotted path of the object being scanned (`req`, `http.response`), built in place as the scan descends. */
const pathScratch = Buffer.alloc(MAX_FIELD_PATH_LENGTH + 1);
/** End of a scalar or skipped nested value at i, read into rec when alias is not null; -1 when malformed. */
function valueEnd(buf: Buffer, i: number, end: number, alias: FieldAlias | null, rec: LineRecord): number {
  const b = buf[i];
  if (b === QUOTE) {
    const close = stringEnd(buf, i + 1, end);
    if (close < 0) return -1;
    if (alias !== null) applyFieldValue(rec, alias, buf, i + 1, close, stringHadEscape ? ESCAPED_TEXT : TEXT);
    return close + 1;
  }
  if (b === MINUS || isDigit(b)) {
    const after = numberEnd(buf, i, end);
    if (after >= 0 && alias !== null) applyFieldValue(rec, alias, buf, i, after, NUMBER);
    return after;
  }
  if (b === OPEN_BRACKET && alias !== null) return arrayValueEnd(buf, i, end, alias, rec);
  // Nested values not on a field path, and literals (true, false, null), never fill a field.
  if (b === OPEN_BRACE || b === OPEN_BRACKET) return nestedEnd(buf, i, end);
  return literalEnd(buf, i, end);
}

/**
 * The members of a nested object on a field path (its `{` just before i; its path, `req` or
 * `http.response`, in pathScratch[0, pathLength)), up to and past its `}`; -1 when malformed. Keys are
 * looked up as `path.key`; objects on a longer field path are scanned in turn.
 */
function nestedMembersEnd(buf: Buffer, i: number, end: number, rec: LineRecord, pathLength: number): number {
  i = skipWhitespace(buf, i, end);
  if (i < end && buf[i] === CLOSE_BRACE) return i + 1;
  for (;;) {
    if (i >= end || buf[i] !== QUOTE) return -1;
    const keyStart = i + 1;
    const keyEnd = stringEnd(buf, keyStart, end);
    if (keyEnd < 0) return -1;
    const keyPathLength = stringHadEscape ? -1 : appendKey(buf, keyStart, keyEnd, pathLength);
    i = skipWhitespace(buf, keyEnd + 1, end);
    if (i >= end || buf[i] !== COLON) return -1;
    i = skipWhitespace(buf, i + 1, end);
    if (i >= end) return -1;
    if (keyPathLength > 0 && buf[i] === OPEN_BRACE && isNestedFieldPrefix(pathScratch, 0, keyPathLength)) {
      i = nestedMembersEnd(buf, i + 1, end, rec, keyPathLength);
    } else {
      i = valueEnd(buf, i, end, keyPathLength > 0 ? lookupFieldAlias(pathScratch, 0, keyPathLength) : null, rec);
    }
    if (i < 0) return -1;
    i = skipWhitespace(buf, i, end);
    if (i >= end) return -1;
    if (buf[i] === CLOSE_BRACE) return i + 1;
    if (buf[i] !== COMMA) return -1;
    i = skipWhitespace(buf, i + 1, end);
  }
}

/** Writes `path.key` (or `key` at the top) into pathScratch; its length, or -1 when too long to name a field. */
function appendKey(buf: Buffer, keyStart: number, keyEnd: number, pathLength: number): number {
  const length = keyEnd - keyStart + (pathLength > 0 ? pathLength + 1 : 0);
  if (length > MAX_FIELD_PATH_LENGTH) return -1;
  let at = pathLength;
  if (pathLength > 0) pathScratch[at++] = DOT;
  // A byte loop: Buffer.copy's checks cost more than the copy for keys this short.
  for (let k = keyStart; k < keyEnd; k++) pathScratch[at++] = buf[k];
  return length;
}

/**
 * Parses a line holding one JSON object. Returns false, possibly with some fields already set (the
 * caller resets the record before each parse), when the line is not a complete JSON object.
 */
export const parseJsonLine: LineParser = (buf, start, end, rec) => {
  let i = skipWhitespace(buf, start, end);
  if (i >= end || buf[i] !== OPEN_BRACE) return false;
  lineState.floatSecondsTs = false;
  i = skipWhitespace(buf, i + 1, end);
  if (i < end && buf[i] === CLOSE_BRACE) {
    i++;
  } else {
    for (;;) {
      if (i >= end || buf[i] !== QUOTE) return false;
      const keyStart = i + 1;
      const keyEnd = stringEnd(buf, keyStart, end);
      if (keyEnd < 0) return false;
      // An escaped key (`"st\u0061tus"`) is not compared with the table's plain names.
      const plainKey = !stringHadEscape;
      i = skipWhitespace(buf, keyEnd + 1, end);
      if (i >= end || buf[i] !== COLON) return false;
      i = skipWhitespace(buf, i + 1, end);
      if (i >= end) return false;
      // Flat lines take the first branch only; an object is scanned when its key starts a field path
      // (`req`, `http`), else skipped.
      if (buf[i] !== OPEN_BRACE || !plainKey || !isNestedFieldPrefix(buf, keyStart, keyEnd)) {
        i = valueEnd(buf, i, end, plainKey ? lookupFieldAlias(buf, keyStart, keyEnd) : null, rec);
      } else {
        i = nestedMembersEnd(buf, i + 1, end, rec, appendKey(buf, keyStart, keyEnd, 0));
      }
      if (i < 0) return false;
      i = skipWhitespace(buf, i, end);
      if (i >= end) return false;
      if (buf[i] === CLOSE_BRACE) {
        i++;
        break;
      }
      if (buf[i] !== COMMA) return false;
      i = skipWhitespace(buf, i + 1, end);
    }
  }
  if (skipWhitespace(buf, i, end) !== end) return false;
  rec.format = 'json';
  rec.isRequest = rec.status > 0 || rec.durationUs >= 0;
  return true;
};
