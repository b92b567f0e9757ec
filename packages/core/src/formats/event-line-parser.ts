// The fallback after the named formats: any line that starts with a timestamp (event-time.ts), or
// with one after a single leading word (`update-alternatives 2025-06-24 14:36:53: …`, apt's
// `Start-Date: …`), is an event; its level, when it has one, is found by event-level.ts. A line with
// a timestamp and no level is an event without a level (dpkg.log), not a malformed line. Python's
// default format, `WARNING:root:message`, has no timestamp at all and is read here too.
import { endsTimestamp, eventTimeEnd, readEventTime } from './event-time';
import { findLevel, knownLevelAt, levelEnd, messageStart } from './event-level';
import type { LineParser, LineRecord } from './line-record';

const SPACE = 0x20;
const COMMA = 0x2c;
const COLON = 0x3a;
/** A leading word before the timestamp: a program name or a `Key:` label, not a sentence. */
const MAX_PREFIX_WORD = 40;

const isUpper = (b: number): boolean => b >= 0x41 && b <= 0x5a;

/** The rest of the line after the timestamp at eventTimeEnd: the level if any, then the message. */
function fillEvent(buf: Buffer, end: number, rec: LineRecord, timeMs: number): boolean {
  const afterTime = eventTimeEnd;
  if (!endsTimestamp(buf, afterTime, end)) return false;
  rec.format = 'event';
  rec.timeMs = timeMs;
  // Windows CBS: `2016-09-28 04:30:30, Info  CBS …`, the level right after a comma.
  const afterComma = afterTime < end && buf[afterTime] === COMMA;
  const level = findLevel(buf, afterComma ? afterTime + 1 : afterTime, end, undefined, afterComma);
  if (level !== null) {
    rec.levelName = level;
    rec.message.set(messageStart(buf, levelEnd, end), end);
  } else {
    rec.message.set(messageStart(buf, afterTime, end), end);
  }
  return true;
}

/** `LEVEL:logger:message`, Python logging's default: an upper-case known level, a logger name without spaces, a colon. */
function parsePythonDefault(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  let i = start;
  while (i < end && isUpper(buf[i])) i++;
  if (i === start || i >= end || buf[i] !== COLON) return false;
  const level = knownLevelAt(buf, start, i);
  if (level === null) return false;
  let j = i + 1;
  while (j < end && buf[j] !== COLON && buf[j] !== SPACE) j++;
  if (j === i + 1 || j >= end || buf[j] !== COLON) return false;
  rec.format = 'event';
  rec.levelName = level;
  rec.message.set(j + 1, end);
  return true;
}

export const parseEventLine: LineParser = (buf, start, end, rec) => {
  const timeMs = readEventTime(buf, start, end, rec);
  if (!Number.isNaN(timeMs)) return fillEvent(buf, end, rec, timeMs);
  let wordEnd = start;
  while (wordEnd < end && buf[wordEnd] !== SPACE && wordEnd - start <= MAX_PREFIX_WORD) wordEnd++;
  if (wordEnd > start && wordEnd < end && buf[wordEnd] === SPACE) {
    let timeStart = wordEnd + 1;
    if (buf[timeStart] === SPACE) timeStart++;
    const prefixedMs = readEventTime(buf, timeStart, end, rec, false);
    if (!Number.isNaN(prefixedMs)) return fillEvent(buf, end, rec, prefixedMs);
  }
  return parsePythonDefault(buf, start, end, rec);
};
