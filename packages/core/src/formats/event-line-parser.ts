// The fallback after the named formats: any line that starts with a timestamp (event-time.ts), or
// with one after a single leading word (`update-alternatives 2025-06-24 14:36:53: …`, apt's
// `Start-Date: …`), is an event; its level, when it has one, is found by event-level.ts. A line with
// a timestamp and no level is an event without a level (dpkg.log), not a malformed line. Python's
// default format, `WARNING:root:message`, has no timestamp at all and is read here too, and so are
// the shapes whose level or process comes before the time: glog/klog (`E0124 10:15:32.123456 …`),
// Redis (`1234:M 24 Jan 2024 10:15:32.123 # …`, Redis 2's `[1234] 24 Jan 10:15:32.123 # …`) and Ruby's Logger (`E, [2024-01-24T… #1234] ERROR`),
// Rust's env_logger (`[2024-01-24T10:15:32Z ERROR app::db] …`, the level inside the time's brackets)
// and logback's console default (`10:15:32.123 [main] WARN …`, a time of day: an event with its level
// and no timestamp, as no day can be inferred for it).
import { endsTimestamp, eventTimeEnd, readEventTime, readGlogTime, readTimeOfDay } from './event-time';
import { findLevel, isPhpMessage, knownLevelAt, levelEnd, messageStart, phpLevel } from './event-level';
import { parseLogFileHeader } from './log-file-header';
import { readQuotedRequest, readUvicornAccess } from './quoted-request';
import type { LineParser, LineRecord } from './line-record';

const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const DASH = 0x2d;
const DOT = 0x2e;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
/** env_logger's `[time LEVEL target]`: how far the `]` may be from the time. */
const MAX_BRACKETED_HEADER = 200;
/** glog's `file:line] ` ends its header: the message is after it, if it is this near the time. */
const MAX_GLOG_HEADER = 120;
/** A leading word before the timestamp: a program name or a `Key:` label, not a sentence. */
const MAX_PREFIX_WORD = 40;

const isUpper = (b: number): boolean => b >= 0x41 && b <= 0x5a;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** glog's and klog's severity letters. */
function glogLevel(letter: number): string | null {
  switch (letter) {
    case 0x49: return 'INFO';
    case 0x57: return 'WARN';
    case 0x45: return 'ERROR';
    case 0x46: return 'FATAL';
    default: return null;
  }
}

/** Redis's level symbols, at its verbosity levels debug, verbose, notice and warning. */
function redisLevel(symbol: number): string | null {
  switch (symbol) {
    case 0x2e: return 'DEBUG'; // .
    case 0x2d: return 'VERBOSE'; // -
    case 0x2a: return 'NOTICE'; // *
    case 0x23: return 'WARN'; // #
    default: return null;
  }
}

/** The rest of the line after the timestamp at eventTimeEnd: the level if any, then the message. */
function fillEvent(buf: Buffer, end: number, rec: LineRecord, timeMs: number): boolean {
  const afterTime = eventTimeEnd;
  if (!endsTimestamp(buf, afterTime, end)) return false;
  rec.format = 'event';
  rec.timeMs = timeMs;
  // Windows CBS: `2016-09-28 04:30:30, Info  CBS …`, the level right after a comma.
  const afterComma = afterTime < end && buf[afterTime] === COMMA;
  // PHP's error log: `[24-Jan-2024 10:15:32 UTC] PHP Fatal error:  …`, the level in PHP's words.
  const level = isPhpMessage(buf, afterTime, end) ? phpLevel : findLevel(buf, afterComma ? afterTime + 1 : afterTime, end, undefined, afterComma);
  if (level !== null) {
    rec.levelName = level;
    rec.message.set(messageStart(buf, levelEnd, end), end);
  } else {
    const from = messageStart(buf, afterTime, end);
    rec.message.set(from, end);
    // Django's runserver: `[24/Jan/2024 10:15:32] "GET / HTTP/1.1" 200 10697`, a request too.
    if (buf[from] === QUOTE) readQuotedRequest(buf, from, end, rec);
  }
  return true;
}

/** Fills rec as an event: its time (NaN for none), level (null for none) and the message from messageFrom. */
function setEvent(rec: LineRecord, timeMs: number, level: string | null, buf: Buffer, messageFrom: number, end: number): true {
  rec.format = 'event';
  rec.timeMs = timeMs;
  rec.levelName = level;
  rec.message.set(messageStart(buf, messageFrom, end), end);
  return true;
}

/** glog/klog: `Lyyyymmdd hh:mm:ss.uuuuuu threadid file:line] msg`, or `Lmmdd …`; the level is the letter L. */
function parseGlogLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  const level = glogLevel(buf[start]);
  if (level === null || !isDigit(buf[start + 1])) return false;
  const timeMs = readGlogTime(buf, start + 1, end, rec);
  if (Number.isNaN(timeMs) || !endsTimestamp(buf, eventTimeEnd, end)) return false;
  rec.format = 'event';
  rec.timeMs = timeMs;
  rec.levelName = level;
  let messageFrom = eventTimeEnd;
  const limit = Math.min(end, eventTimeEnd + MAX_GLOG_HEADER);
  for (let i = eventTimeEnd; i < limit; i++) {
    if (buf[i] === CLOSE_BRACKET) {
      messageFrom = i + 1;
      break;
    }
  }
  rec.message.set(messageStart(buf, messageFrom, end), end);
  return true;
}

/**
 * Redis: `pid:role DD Mon YYYY HH:MM:SS.mmm <symbol> msg`, the role one of X C S M; Redis 2 wrote
 * `[pid] DD Mon HH:MM:SS.mmm <symbol> msg`, with no year.
 */
function parseRedisLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  const bracketed = buf[start] === OPEN_BRACKET;
  let i = bracketed ? start + 1 : start;
  const digitsStart = i;
  while (i < end && isDigit(buf[i])) i++;
  if (i === digitsStart) return false;
  let timeStart: number;
  if (bracketed) {
    if (buf[i] !== CLOSE_BRACKET || buf[i + 1] !== SPACE) return false;
    timeStart = i + 2;
  } else {
    if (buf[i] !== COLON || buf[i + 2] !== SPACE) return false;
    const role = buf[i + 1];
    if (role !== 0x58 && role !== 0x43 && role !== 0x53 && role !== 0x4d) return false;
    timeStart = i + 3;
  }
  const timeMs = readEventTime(buf, timeStart, end, rec, false);
  if (Number.isNaN(timeMs)) return false;
  const at = eventTimeEnd;
  const level = buf[at] === SPACE && (at + 2 >= end || buf[at + 2] === SPACE) ? redisLevel(buf[at + 1]) : null;
  if (level === null) return false;
  return setEvent(rec, timeMs, level, buf, at + 2, end);
}

/** The longest Ruby Logger progname read as the line's app. */
const MAX_PROGNAME = 64;

/**
 * Ruby's Logger: `E, [2024-01-24T10:15:32.123456 #1234] ERROR -- billing: message`. The progname
 * (`billing`, set by `logger.progname =`) is the line's app, as a syslog tag is; `-- :` has none.
 */
function parseRubyLoggerLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  if (buf[start + 1] !== COMMA || buf[start + 2] !== SPACE || buf[start + 3] !== OPEN_BRACKET) return false;
  const timeMs = readEventTime(buf, start + 3, end, rec);
  if (Number.isNaN(timeMs)) return false;
  const afterTime = eventTimeEnd;
  if (!fillEvent(buf, end, rec, timeMs)) return false;
  // `] %5s -- %s: %s`: the level (any word, ANY too) padded to five, ` -- `, the progname, `: `.
  let i = afterTime;
  while (i < end && buf[i] === SPACE) i++;
  while (i < end && buf[i] !== SPACE) i++;
  if (buf[i] !== SPACE || buf[i + 1] !== DASH || buf[i + 2] !== DASH || buf[i + 3] !== SPACE) return true;
  const progname = i + 4;
  const limit = Math.min(end - 1, progname + MAX_PROGNAME);
  for (let j = progname; j < limit; j++) {
    if (buf[j] === COLON && buf[j + 1] === SPACE) {
      if (j > progname) rec.app.set(progname, j);
      rec.message.set(j + 2, end);
      break;
    }
  }
  return true;
}

/**
 * env_logger: `[<time> <LEVEL> <target>] msg`, the level and the module inside the time's brackets;
 * Celery: `[<time>: <LEVEL>/<process>] msg`.
 */
function parseBracketedHeader(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  const timeMs = readEventTime(buf, start + 1, end, rec, false);
  if (Number.isNaN(timeMs)) return false;
  let afterTime = eventTimeEnd;
  if (buf[afterTime] === COLON) afterTime++;
  if (buf[afterTime] !== SPACE) return false;
  const limit = Math.min(end, afterTime + MAX_BRACKETED_HEADER);
  let close = afterTime;
  while (close < limit && buf[close] !== CLOSE_BRACKET) close++;
  if (close >= limit) return false;
  const level = findLevel(buf, afterTime, close, 2);
  if (level === null) return false;
  return setEvent(rec, timeMs, level, buf, close + 1, end);
}

/** The longest thread name Cassandra's `LEVEL [thread] time` header is read with. */
const MAX_THREAD_NAME = 120;

/**
 * Cassandra (logback's `%-5level [%thread] %date{ISO8601} %F:%L - %msg`): `INFO  [main] 2024-01-24
 * 10:15:32,123 CassandraDaemon.java:507 - msg`, the level and the thread before the time.
 */
function parseLevelThreadTimeLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  let i = start;
  while (i < end && isUpper(buf[i])) i++;
  const level = knownLevelAt(buf, start, i);
  if (level === null || buf[i] !== SPACE) return false;
  while (i < end && buf[i] === SPACE) i++;
  if (buf[i] !== OPEN_BRACKET) return false;
  const limit = Math.min(end, i + MAX_THREAD_NAME);
  while (i < limit && buf[i] !== CLOSE_BRACKET) i++;
  if (buf[i] !== CLOSE_BRACKET || buf[i + 1] !== SPACE) return false;
  const timeMs = readEventTime(buf, i + 2, end, rec, false);
  if (Number.isNaN(timeMs)) return false;
  return setEvent(rec, timeMs, level, buf, eventTimeEnd, end);
}

/**
 * The kernel's ring buffer as dmesg prints it: `[12345.678901] msg`, seconds since boot. That names
 * no day, so such a line is an event without a timestamp (and without a level: dmesg drops it).
 */
function parseKernelRingLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  let i = start + 1;
  while (i < end && buf[i] === SPACE) i++;
  const digitsStart = i;
  while (i < end && isDigit(buf[i])) i++;
  if (i === digitsStart || buf[i] !== DOT) return false;
  const fractionStart = ++i;
  while (i < end && isDigit(buf[i])) i++;
  if (i - fractionStart !== 6 || buf[i] !== CLOSE_BRACKET || (i + 1 < end && buf[i + 1] !== SPACE)) return false;
  return setEvent(rec, NaN, null, buf, i + 1, end);
}

/** A time of day, then the level where events have it: an event without a timestamp. */
function parseTimeOfDayLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  if (!readTimeOfDay(buf, start, end) || !endsTimestamp(buf, eventTimeEnd, end)) return false;
  const afterTime = eventTimeEnd;
  const level = findLevel(buf, afterTime, end);
  if (level === null) return false;
  return setEvent(rec, NaN, level, buf, levelEnd, end);
}

/**
 * `LEVEL:logger:message`, Python logging's default: an upper-case known level, a logger name without
 * spaces, a colon; or uvicorn's `LEVEL:` padded to nine columns and a space, the message after it.
 */
function parsePythonDefault(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  let i = start;
  while (i < end && isUpper(buf[i])) i++;
  if (i === start || i >= end || buf[i] !== COLON) return false;
  const level = knownLevelAt(buf, start, i);
  if (level === null) return false;
  if (buf[i + 1] === SPACE) {
    // uvicorn's `%(levelprefix)s %(message)s` (`INFO:     127.0.0.1:52134 - "GET / HTTP/1.1" 200`):
    // the level and its colon padded to nine columns, then a space. Any other `WORD: text` stays
    // malformed: a level word alone does not make free text an event.
    let spaces = 0;
    while (buf[i + 1 + spaces] === SPACE) spaces++;
    if (i - start > 8 || spaces !== 9 - (i - start)) return false;
    rec.format = 'event';
    rec.levelName = level;
    const from = i + 1 + spaces;
    rec.message.set(from, end);
    // Its access log: `127.0.0.1:52134 - "GET /api HTTP/1.1" 200 OK`, a request too.
    readUvicornAccess(buf, from, end, rec);
    return true;
  }
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
  const first = buf[start];
  if (isUpper(first) && (parseGlogLine(buf, start, end, rec) || parseRubyLoggerLine(buf, start, end, rec) || parseLevelThreadTimeLine(buf, start, end, rec))) return true;
  if (isDigit(first) && (parseRedisLine(buf, start, end, rec) || (buf[start + 2] === COLON && parseTimeOfDayLine(buf, start, end, rec)))) return true;
  if (first === OPEN_BRACKET && (parseBracketedHeader(buf, start, end, rec) || parseRedisLine(buf, start, end, rec) || parseKernelRingLine(buf, start, end, rec))) return true;
  if (parseLogFileHeader(buf, start, end, rec)) return true;
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
