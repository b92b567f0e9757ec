// logfmt lines (`time=… level=info msg="request done" status=200 duration=127ms`): space-separated
// key=value pairs read on bytes, with the same field names and value rules as JSON (field-names.ts).
//
// A line is logfmt when it holds at least two pairs and nothing else. Keys are [A-Za-z0-9_.@-]+.
// A value is bare (up to the next space, holding no `"`; may be empty) or double-quoted with
// backslash escapes (`msg="say \"hi\""`), the closing quote followed by a space or the line's end.
// Escapes follow Go's strconv quoting, which agrees with JSON for \" \\ \n \t \uXXXX; a quoted
// value holding one is marked `escaped` for the consumer to decode.
import { ESCAPED_TEXT, TEXT, applyFieldValue, lookupFieldAlias } from './field-names';
import type { LineParser } from './line-record';

const SPACE = 0x20;
const QUOTE = 0x22;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;
const MIN_PAIRS = 2;

const isKeyByte = (b: number): boolean =>
  (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b === 0x5f || b === 0x2e || b === 0x40 || b === 0x2d;

/**
 * Parses a logfmt line. Returns false, possibly with some fields already set (the caller resets the
 * record before each parse), when the line holds anything but key=value pairs, or fewer than two.
 */
export const parseLogfmtLine: LineParser = (buf, start, end, rec) => {
  let pairs = 0;
  let i = start;
  for (;;) {
    while (i < end && buf[i] === SPACE) i++;
    if (i >= end) break;
    const keyStart = i;
    while (i < end && isKeyByte(buf[i])) i++;
    if (i === keyStart || i >= end || buf[i] !== EQUALS) return false;
    const alias = lookupFieldAlias(buf, keyStart, i);
    i++;
    if (i < end && buf[i] === QUOTE) {
      const valueStart = ++i;
      let escaped = false;
      while (i < end && buf[i] !== QUOTE) {
        if (buf[i] === BACKSLASH) {
          escaped = true;
          i++;
        }
        i++;
      }
      if (i >= end) return false;
      const valueEnd = i++;
      if (i < end && buf[i] !== SPACE) return false;
      if (alias !== null) applyFieldValue(rec, alias, buf, valueStart, valueEnd, escaped ? ESCAPED_TEXT : TEXT);
    } else {
      const valueStart = i;
      while (i < end && buf[i] !== SPACE) {
        if (buf[i] === QUOTE) return false;
        i++;
      }
      if (alias !== null) applyFieldValue(rec, alias, buf, valueStart, i, TEXT);
    }
    pairs++;
  }
  if (pairs < MIN_PAIRS) return false;
  rec.format = 'logfmt';
  rec.isRequest = rec.status > 0 || rec.durationUs >= 0;
  return true;
};
