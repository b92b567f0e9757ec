// Reads the timestamp that starts a free-form log event, in the shapes real programs write, from
// bytes into epoch milliseconds (times without a zone are read as UTC):
//   2024-01-24T10:15:32.123Z, 2024-01-24 10:15:32,123 (log4j), 2024-01-24  10:15:32 (apt)
//   2024/01/24 10:15:32 (nginx error), 17/06/09 20:10:40 (Spark), 081109 203615 (HDFS)
//   20240124-10:15:32:123, 03-17 16:13:38.811 (logcat), Jun 14 15:16:01 (syslog)
//   Sun Dec 04 04:47:44[.123456] 2005 (Apache error, ctime), 1706091332[.123] / 1706091332123 (epoch)
//   24-Jan-2024 10:15:32.123 (Tomcat, PHP), 24/Jan/2024 10:15:32 (Django), 24 Jan 2024 10:15:32.123 (Redis), 24 Jan 10:15:32.123 (Redis 2), 20240124 10:15:32.123456 / 0124 10:15:32.123456 (glog, klog)
// and any of them between brackets (Ruby's Logger writes `[2024-01-24T10:15:32.123456 #1234]`). Year-less shapes take the record's reference year, or the year
// before for a month after the reference month (a December line in a file last written in January).
import { isRealDate, monthAt, twoDigits, utcMinuteStart } from '../calendar';
import type { LineRecord } from './line-record';
import { isZoneKey, MAX_ZONE_LETTERS, zoneOffsetMinutes } from './zone-abbreviations';
import { zoneNameEnd, zoneNameOffset } from './zone-names';

const DIGIT_0 = 0x30;
const SPACE = 0x20;
const TAB = 0x09;
const COMMA = 0x2c;
const DASH = 0x2d;
const DOT = 0x2e;
const SLASH = 0x2f;
const COLON = 0x3a;
const PLUS = 0x2b;
const HASH = 0x23;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const UPPER_T = 0x54;
const UPPER_Z = 0x5a;

const isDigit = (b: number): boolean => b >= DIGIT_0 && b <= DIGIT_0 + 9;
const isLetter = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);

/** Index just past the timestamp read by the last successful readEventTime call. */
export let eventTimeEnd = 0;

// The clock read by readClock: kept in module fields so that reading one allocates nothing.
let clockHour = 0;
let clockMinute = 0;
let clockSecond = 0;
let clockMillis = 0;
let clockEnd = 0;

let cachedMinuteKey = -1;
let cachedMinuteMs = 0;

/** Milliseconds from `digits` fraction digits at i (any count, truncated); sets clockEnd. */
function readFraction(buf: Buffer, i: number, end: number): number {
  let millis = 0;
  let digits = 0;
  while (i < end && isDigit(buf[i])) {
    if (digits < 3) millis = millis * 10 + (buf[i] - DIGIT_0);
    digits++;
    i++;
  }
  if (digits === 0) return -1;
  for (let d = digits; d < 3; d++) millis *= 10;
  clockEnd = i;
  return millis;
}

/**
 * `HH:MM:SS` at i, then a fraction after `.` or `,` (or `:` with exactly three digits, as in
 * `10:15:32:123`); sets the clock fields. False when the bytes are not such a time.
 */
function readClock(buf: Buffer, i: number, end: number): boolean {
  if (end - i < 8 || buf[i + 2] !== COLON || buf[i + 5] !== COLON) return false;
  clockHour = twoDigits(buf, i);
  clockMinute = twoDigits(buf, i + 3);
  clockSecond = twoDigits(buf, i + 6);
  if (clockHour < 0 || clockHour > 23 || clockMinute < 0 || clockMinute > 59 || clockSecond < 0 || clockSecond > 60) return false;
  clockMillis = 0;
  clockEnd = i + 8;
  const next = buf[clockEnd];
  if (clockEnd + 1 < end && (next === DOT || next === COMMA) && isDigit(buf[clockEnd + 1])) {
    clockMillis = readFraction(buf, clockEnd + 1, end);
  } else if (next === COLON && clockEnd + 3 < end && isDigit(buf[clockEnd + 1]) && isDigit(buf[clockEnd + 2]) && isDigit(buf[clockEnd + 3]) && !isDigit(buf[clockEnd + 4])) {
    clockMillis = readFraction(buf, clockEnd + 1, end);
  }
  return true;
}

/** `HHMMSS` at i (HDFS); sets the clock fields. */
function readCompactClock(buf: Buffer, i: number, end: number): boolean {
  if (end - i < 6) return false;
  clockHour = twoDigits(buf, i);
  clockMinute = twoDigits(buf, i + 2);
  clockSecond = twoDigits(buf, i + 4);
  if (clockHour < 0 || clockHour > 23 || clockMinute < 0 || clockMinute > 59 || clockSecond < 0 || clockSecond > 60) return false;
  clockMillis = 0;
  clockEnd = i + 6;
  return true;
}

/** Epoch ms of the date and the clock just read, or NaN for a date that does not exist. */
function toEpochMs(year: number, month: number, day: number): number {
  const minuteKey = (((year * 13 + month) * 32 + day) * 24 + clockHour) * 60 + clockMinute;
  if (minuteKey !== cachedMinuteKey) {
    if (!isRealDate(year, month, day)) return NaN;
    cachedMinuteKey = minuteKey;
    cachedMinuteMs = utcMinuteStart(year, month, day, clockHour, clockMinute);
  }
  return cachedMinuteMs + clockSecond * 1000 + clockMillis;
}

/** The year of a year-less date in `month`, as of the record's reference year and month. */
function inferredYear(rec: LineRecord, month: number): number {
  return month > rec.referenceMonth ? rec.referenceYear - 1 : rec.referenceYear;
}

/**
 * Offset east of UTC in ms for a zone at i (`Z`, `±HH:MM`, `±HHMM`, `±HH`, or a space and an
 * abbreviation such as PostgreSQL's ` UTC` or an IANA name such as PHP's ` Europe/Berlin`, whose
 * offset at localMs, the wall time read, Intl gives, or a space and `±HHMM` as Ruby's Logger header writes
 * it), advancing eventTimeEnd.
 */
function readZone(buf: Buffer, i: number, end: number, localMs: number): number {
  if (i < end && buf[i] === UPPER_Z) {
    eventTimeEnd = i + 1;
    return 0;
  }
  if (i < end && buf[i] === SPACE) {
    const sign = buf[i + 1];
    // ` -0500` is a zone; ` - app - WARNING` (Python's dashes) is not: digits must follow the sign.
    if ((sign === PLUS || sign === DASH) && digitRun(buf, i + 2, end) === 4) return readNumericZone(buf, i + 1, end);
    const nameEnd = zoneNameEnd(buf, i + 1, end);
    if (nameEnd > 0 && (nameEnd === end || buf[nameEnd] === SPACE || buf[nameEnd] === CLOSE_BRACKET)) {
      const offset = zoneNameOffset(buf.toString('latin1', i + 1, nameEnd), localMs);
      if (offset !== null) {
        eventTimeEnd = nameEnd;
        return offset;
      }
    }
    return readZoneAbbreviation(buf, i + 1, end);
  }
  return readNumericZone(buf, i, end);
}

/** `±HH:MM`, `±HHMM` or `±HH` at i: its offset in ms, advancing eventTimeEnd; else 0. */
function readNumericZone(buf: Buffer, i: number, end: number): number {
  if (i + 2 >= end || (buf[i] !== PLUS && buf[i] !== DASH)) return 0;
  const sign = buf[i] === DASH ? -1 : 1;
  const hours = twoDigits(buf, i + 1);
  if (hours < 0 || hours > 23) return 0;
  let j = i + 3;
  if (j < end && buf[j] === COLON) j++;
  const minutes = j + 1 < end ? twoDigits(buf, j) : -1;
  if (minutes >= 0 && minutes <= 59) {
    eventTimeEnd = j + 2;
    return sign * (hours * 60 + minutes) * 60_000;
  }
  if (j === i + 3 && !isDigit(buf[j])) {
    eventTimeEnd = j;
    return sign * hours * 3_600_000;
  }
  return 0;
}

/** `UTC`, `CEST` … (zone-abbreviations.ts) filling the word at i: its offset in ms, advancing eventTimeEnd; else 0. */
function readZoneAbbreviation(buf: Buffer, i: number, end: number): number {
  let key = 0;
  let j = i;
  while (j < end && j - i <= MAX_ZONE_LETTERS && buf[j] >= 0x41 && buf[j] <= UPPER_Z) key = key * 32 + (buf[j++] - 0x40);
  if (j - i < 2 || j - i > MAX_ZONE_LETTERS || (j < end && buf[j] !== SPACE && buf[j] !== CLOSE_BRACKET) || !isZoneKey(key)) return 0;
  eventTimeEnd = j;
  return zoneOffsetMinutes(key) * 60_000;
}

function digitRun(buf: Buffer, i: number, end: number): number {
  let j = i;
  while (j < end && isDigit(buf[j])) j++;
  return j - i;
}

function numberAt(buf: Buffer, i: number, digits: number): number {
  let n = 0;
  for (let k = 0; k < digits; k++) n = n * 10 + (buf[i + k] - DIGIT_0);
  return n;
}

/** `YYYY-MM-DD` or `YYYY/MM/DD` at i, then `T` or spaces, then a clock (and, for ISO, a zone). */
function readYearFirst(buf: Buffer, i: number, end: number): number {
  const separator = buf[i + 4];
  if (end - i < 19 || buf[i + 7] !== separator) return NaN;
  const month = twoDigits(buf, i + 5);
  const day = twoDigits(buf, i + 8);
  let j = i + 10;
  if (separator === DASH && buf[j] === UPPER_T) j++;
  else {
    if (buf[j] !== SPACE) return NaN;
    j++;
    if (buf[j] === SPACE) j++; // apt's history.log writes two
  }
  if (month < 1 || day < 1 || !readClock(buf, j, end)) return NaN;
  const ms = toEpochMs(numberAt(buf, i, 4), month, day);
  eventTimeEnd = clockEnd;
  return separator === DASH ? ms - readZone(buf, clockEnd, end, ms) : ms;
}

/**
 * `DD Mon YYYY HH:MM:SS[.mmm]` (Redis 3 and later) at i, the day one or two digits long; or
 * `DD Mon HH:MM:SS[.mmm]` (Redis 2), the year inferred.
 */
function readDayMonthYear(buf: Buffer, i: number, dayDigits: number, end: number, rec: LineRecord): number {
  const day = dayDigits === 2 ? twoDigits(buf, i) : buf[i] - DIGIT_0;
  const m = i + dayDigits + 1;
  const month = monthAt(buf, m);
  if (month < 0 || buf[m + 3] !== SPACE || day < 1) return NaN;
  if (digitRun(buf, m + 4, end) === 2 && buf[m + 6] === COLON) {
    if (!readClock(buf, m + 4, end)) return NaN;
    eventTimeEnd = clockEnd;
    return toEpochMs(inferredYear(rec, month), month, day);
  }
  if (digitRun(buf, m + 4, end) !== 4 || buf[m + 8] !== SPACE || !readClock(buf, m + 9, end)) return NaN;
  eventTimeEnd = clockEnd;
  return toEpochMs(numberAt(buf, m + 4, 4), month, day);
}

/**
 * glog's and klog's time after the level letter, at i: `yyyymmdd hh:mm:ss.uuuuuu` (glog 0.6) or
 * `mmdd hh:mm:ss.uuuuuu` (klog, older glog; the year inferred). NaN for other bytes.
 */
export function readGlogTime(buf: Buffer, i: number, end: number, rec: LineRecord): number {
  const digits = digitRun(buf, i, end);
  if ((digits !== 4 && digits !== 8) || buf[i + digits] !== SPACE) return NaN;
  const date = i + digits - 4;
  const month = twoDigits(buf, date);
  const day = twoDigits(buf, date + 2);
  if (month < 1 || day < 1 || !readClock(buf, i + digits + 1, end)) return NaN;
  eventTimeEnd = clockEnd;
  return toEpochMs(digits === 8 ? numberAt(buf, i, 4) : inferredYear(rec, month), month, day);
}

/** `YYYYMMDD-HH:MM:SS[:mmm]` at i. */
function readCompactDate(buf: Buffer, i: number, end: number): number {
  const month = twoDigits(buf, i + 4);
  const day = twoDigits(buf, i + 6);
  if (month < 1 || day < 1 || !readClock(buf, i + 9, end)) return NaN;
  eventTimeEnd = clockEnd;
  return toEpochMs(numberAt(buf, i, 4), month, day);
}

/** `1706091332[.123]` (seconds) or `1706091332123` (ms) at i: exactly 10 or 13 digits. */
function readEpoch(buf: Buffer, i: number, digits: number, end: number): number {
  const whole = numberAt(buf, i, digits);
  if (digits === 13) {
    eventTimeEnd = i + 13;
    return whole;
  }
  eventTimeEnd = i + 10;
  let millis = 0;
  if (buf[i + 10] === DOT && isDigit(buf[i + 11])) {
    millis = readFraction(buf, i + 11, end);
    eventTimeEnd = clockEnd;
  }
  return whole * 1000 + millis;
}

/** `Mmm dd HH:MM:SS` (day space-padded or not) at i, optionally followed by ` YYYY`. */
function readMonthDay(buf: Buffer, i: number, end: number, rec: LineRecord): number {
  const month = monthAt(buf, i);
  if (month < 0 || buf[i + 3] !== SPACE) return NaN;
  let j = i + 4;
  if (buf[j] === SPACE) j++;
  let day: number;
  if (isDigit(buf[j]) && isDigit(buf[j + 1])) {
    day = twoDigits(buf, j);
    j += 2;
  } else if (isDigit(buf[j])) {
    day = buf[j] - DIGIT_0;
    j += 1;
  } else return NaN;
  if (buf[j] !== SPACE || !readClock(buf, j + 1, end)) return NaN;
  let year: number;
  // ctime, as Apache's error log writes it: the year after the clock.
  if (buf[clockEnd] === SPACE && digitRun(buf, clockEnd + 1, end) === 4) {
    year = numberAt(buf, clockEnd + 1, 4);
    eventTimeEnd = clockEnd + 5;
  } else {
    year = inferredYear(rec, month);
    eventTimeEnd = clockEnd;
  }
  const clockStop = eventTimeEnd;
  const ms = toEpochMs(year, month, day);
  eventTimeEnd = clockStop;
  return ms;
}

/**
 * `DD-Mon-YYYY HH:MM:SS[.mmm]` (Tomcat's OneLineFormatter, PHP's error log, php-fpm) or
 * `DD/Mon/YYYY HH:MM:SS` (Django's runserver) at i, or the access log's `DD/Mon/YYYY:HH:MM:SS`;
 * a zone after it (` UTC`, ` +0000`) is applied.
 */
function readDayMonthNameYear(buf: Buffer, i: number, end: number): number {
  const separator = buf[i + 2];
  const month = monthAt(buf, i + 3);
  if (month < 0 || buf[i + 6] !== separator || digitRun(buf, i + 7, end) !== 4) return NaN;
  const after = buf[i + 11];
  const day = twoDigits(buf, i);
  if ((after !== SPACE && after !== COLON) || day < 1 || !readClock(buf, i + 12, end)) return NaN;
  const ms = toEpochMs(numberAt(buf, i + 7, 4), month, day);
  eventTimeEnd = clockEnd;
  return ms - readZone(buf, clockEnd, end, ms);
}

function readBareTime(buf: Buffer, i: number, end: number, rec: LineRecord, allowEpoch: boolean): number {
  const b = buf[i];
  if (isDigit(b)) {
    const digits = digitRun(buf, i, end);
    const next = buf[i + digits];
    if (digits === 4 && (next === DASH || next === SLASH)) return readYearFirst(buf, i, end);
    if (digits === 2 && (next === DASH || next === SLASH) && isLetter(buf[i + 3])) return readDayMonthNameYear(buf, i, end);
    if (digits === 2 && next === SLASH) {
      // Spark: YY/MM/DD HH:MM:SS
      if (end - i < 17 || buf[i + 5] !== SLASH || buf[i + 8] !== SPACE) return NaN;
      const month = twoDigits(buf, i + 3);
      const day = twoDigits(buf, i + 6);
      if (month < 1 || day < 1 || !readClock(buf, i + 9, end)) return NaN;
      eventTimeEnd = clockEnd;
      return toEpochMs(2000 + twoDigits(buf, i), month, day);
    }
    if (digits === 2 && next === DASH) {
      // logcat: MM-DD HH:MM:SS.mmm
      if (end - i < 14 || digitRun(buf, i + 3, end) !== 2 || buf[i + 5] !== SPACE) return NaN;
      const month = twoDigits(buf, i);
      const day = twoDigits(buf, i + 3);
      if (month < 1 || day < 1 || !readClock(buf, i + 6, end)) return NaN;
      eventTimeEnd = clockEnd;
      return toEpochMs(inferredYear(rec, month), month, day);
    }
    if (digits === 6 && next === SPACE && digitRun(buf, i + 7, end) === 6) {
      // HDFS: YYMMDD HHMMSS
      const month = twoDigits(buf, i + 2);
      const day = twoDigits(buf, i + 4);
      if (month < 1 || day < 1 || !readCompactClock(buf, i + 7, end)) return NaN;
      eventTimeEnd = clockEnd;
      return toEpochMs(2000 + twoDigits(buf, i), month, day);
    }
    if (digits === 8 && next === DASH) return readCompactDate(buf, i, end);
    if (digits <= 2 && next === SPACE && isLetter(buf[i + digits + 1])) return readDayMonthYear(buf, i, digits, end, rec);
    if (allowEpoch && (digits === 10 || digits === 13)) return readEpoch(buf, i, digits, end);
    return NaN;
  }
  if (!isLetter(b) || end - i < 14) return NaN;
  // `Www Mmm dd …`: a weekday first (three letters, then a space, then a month).
  if (buf[i + 3] === SPACE && monthAt(buf, i) < 0 && isLetter(buf[i + 1]) && isLetter(buf[i + 2])) return readMonthDay(buf, i + 4, end, rec);
  return readMonthDay(buf, i, end, rec);
}

/**
 * The timestamp at buf[i], bare or between brackets, in epoch ms; sets eventTimeEnd just past it
 * (past the `]` when bracketed). NaN when the line does not start with one there. Epoch numbers are
 * read only with allowEpoch: after a leading word a bare number is more likely a count.
 */
export function readEventTime(buf: Buffer, i: number, end: number, rec: LineRecord, allowEpoch = true): number {
  if (buf[i] !== OPEN_BRACKET) return readBareTime(buf, i, end, rec, allowEpoch);
  const ms = readBareTime(buf, i + 1, end, rec, allowEpoch);
  if (Number.isNaN(ms)) return NaN;
  let close = eventTimeEnd;
  // Ruby's Logger: the process id after the time, inside the brackets.
  if (buf[close] === SPACE && buf[close + 1] === HASH) {
    const pidDigits = digitRun(buf, close + 2, end);
    if (pidDigits > 0) close += 2 + pidDigits;
  }
  if (buf[close] !== CLOSE_BRACKET) return NaN;
  eventTimeEnd = close + 1;
  return ms;
}

/**
 * A time of day alone at i (`10:15:32.123`, logback's default console pattern): true when it is one,
 * setting eventTimeEnd. It names no day, so it gives an event no timestamp.
 */
export function readTimeOfDay(buf: Buffer, i: number, end: number): boolean {
  if (!readClock(buf, i, end)) return false;
  eventTimeEnd = clockEnd;
  return true;
}

/** Whether the byte at i can follow a timestamp: the line's end, or anything but a letter or digit. */
export function endsTimestamp(buf: Buffer, i: number, end: number): boolean {
  if (i >= end) return true;
  const b = buf[i];
  return b === SPACE || b === TAB || !(isDigit(b) || isLetter(b));
}
