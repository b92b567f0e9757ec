// HAProxy's HTTP log (`option httplog`), the message of a syslog line or a whole line when HAProxy
// logs to stdout (`log stdout format raw`):
//   10.0.1.2:33317 [06/Feb/2009:12:14:14.655] http-in static/srv1 10/0/30/69/109 200 2750 - - ---- 1/1/1/1/0 0/0 {1wt.eu} {} "GET /index.html HTTP/1.1"
// The five timers are TR/Tw/Tc/Tr/Ta (Tq/Tw/Tc/Tr/Tt before 1.5); the last, the request's total
// time in ms, is its duration (a `+` before it or the byte count means logged before the end). A -1
// timer is a stage never reached. The time is the accept date, the request's start. TCP logs (three
// timers, no status or request) are left to the line's other readers.
import { parseClfTime } from './clf-time';
import { closingQuoteAt, parseByteCount, parseStatus, setRequestLine } from './access-log-parser';
import type { LineRecord } from './line-record';

const SPACE = 0x20;
const QUOTE = 0x22;
const PLUS = 0x2b;
const DASH = 0x2d;
const SLASH = 0x2f;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const DIGIT_0 = 0x30;
/** The longest accept date, `DD/Mon/YYYY:HH:MM:SS.mmm`, with room to spare. */
const MAX_DATE = 40;
/** The fields between the byte count and the request (cookies, state, counters, captures) fit well within this. */
const MAX_TO_REQUEST = 1024;
const MAX_TIMER_DIGITS = 12;

const isDigit = (b: number): boolean => b >= DIGIT_0 && b <= DIGIT_0 + 9;

function tokenEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && buf[i] !== SPACE) i++;
  return i;
}

/** Index just past the timer read by the last successful readTimer call. */
let timerEnd = 0;

/** The value of a timer at i (`-1`, `+109`, `30`), or NaN; sets timerEnd just past it. */
function readTimer(buf: Buffer, i: number, end: number): number {
  let sign = 1;
  if (buf[i] === PLUS) i++;
  else if (buf[i] === DASH) {
    sign = -1;
    i++;
  }
  let value = 0;
  const digitsStart = i;
  while (i < end && isDigit(buf[i]) && i - digitsStart < MAX_TIMER_DIGITS) value = value * 10 + (buf[i++] - DIGIT_0);
  if (i === digitsStart) return NaN;
  timerEnd = i;
  return sign * value;
}

/** The total time of an HTTP log's five slash-separated timers at i, in ms (-1 for none), or NaN. */
function readTimers(buf: Buffer, i: number, end: number): number {
  let total = NaN;
  for (let timer = 0; timer < 5; timer++) {
    if (timer > 0) {
      if (buf[i] !== SLASH) return NaN;
      i++;
    }
    total = readTimer(buf, i, end);
    if (Number.isNaN(total)) return NaN;
    i = timerEnd;
  }
  return buf[i] === SPACE ? total : NaN;
}

/**
 * Reads an HAProxy HTTP log at buf[i, end) into rec's request fields and time; false, with rec
 * untouched, when the bytes are not one.
 */
export function readHaproxyHttpLog(buf: Buffer, i: number, end: number, rec: LineRecord): boolean {
  const clientEnd = tokenEnd(buf, i, end);
  let colon = clientEnd - 1;
  while (colon > i && buf[colon] !== COLON) colon--;
  if (colon <= i || !isDigit(buf[colon + 1]) || buf[clientEnd + 1] !== OPEN_BRACKET) return false;
  const dateStart = clientEnd + 2;
  let dateEnd = dateStart;
  while (dateEnd < end && dateEnd - dateStart < MAX_DATE && buf[dateEnd] !== CLOSE_BRACKET) dateEnd++;
  if (buf[dateEnd] !== CLOSE_BRACKET) return false;
  const timeMs = parseClfTime(buf, dateStart, dateEnd);
  if (Number.isNaN(timeMs) || buf[dateEnd + 1] !== SPACE) return false;
  const frontendEnd = tokenEnd(buf, dateEnd + 2, end);
  const backendEnd = tokenEnd(buf, frontendEnd + 1, end);
  if (frontendEnd >= end || backendEnd >= end || backendEnd === frontendEnd + 1) return false;
  const totalMs = readTimers(buf, backendEnd + 1, end);
  if (Number.isNaN(totalMs)) return false;
  const statusStart = timerEnd + 1;
  const statusEnd = tokenEnd(buf, statusStart, end);
  const status = parseStatus(buf, statusStart, statusEnd);
  // -1: the request was aborted before a status was sent.
  if (status < 0 && !(statusEnd - statusStart === 2 && buf[statusStart] === DASH)) return false;
  let bytesStart = statusEnd + 1;
  if (buf[bytesStart] === PLUS) bytesStart++;
  const bytesEnd = tokenEnd(buf, bytesStart, end);
  const bytes = parseByteCount(buf, bytesStart, bytesEnd);
  if (bytes < 0) return false;
  let quote = bytesEnd;
  const limit = Math.min(end, bytesEnd + MAX_TO_REQUEST);
  while (quote < limit && buf[quote] !== QUOTE) quote++;
  if (quote >= limit) return false;
  const requestEnd = closingQuoteAt(buf, quote + 1, end);
  if (requestEnd < 0) return false;
  rec.format = 'haproxy';
  rec.timeMs = timeMs;
  rec.isRequest = true;
  rec.mayHoldAccessEscapes = false;
  rec.client.set(i, colon);
  if (status > 0) rec.status = status;
  rec.bytesSent = bytes;
  rec.durationUs = totalMs < 0 ? -1 : totalMs * 1000;
  setRequestLine(buf, quote + 1, requestEnd, rec);
  return true;
}
