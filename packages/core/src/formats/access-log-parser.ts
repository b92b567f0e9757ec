// nginx/Apache access lines, common or combined, with an optional trailing response time; plus the
// field readers that the compiled nginx `log_format` parser shares. Bytes and offsets only.
import { parseDurationField } from '../duration';
import { parseClfTime } from './clf-time';
import type { ByteField, LineParser, LineRecord } from './line-record';

const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const COMMA = 0x2c;
const DASH = 0x2d;
const SLASH = 0x2f;
const DIGIT_0 = 0x30;
const COLON = 0x3a;
const EQUALS = 0x3d;
const QUESTION_MARK = 0x3f;
const OPEN_BRACKET = 0x5b;
const BACKSLASH = 0x5c;
const CLOSE_BRACKET = 0x5d;
const UNDERSCORE = 0x5f;

export const MICROS_PER_SECOND = 1_000_000;
/** parseByteCount's answer for bytes that are neither a count nor '-'. */
export const NOT_A_COUNT = -2;

/** The longest bracketed time: `DD/Mon/YYYY:HH:MM:SS.fffffffff +HH:MM` is 37 bytes; leave room. */
const MAX_TIME_LENGTH = 64;
/** Longer than any registered HTTP method (UPDATEREDIRECTREF, 17). */
const MAX_METHOD_LENGTH = 24;
const MAX_COUNT_DIGITS = 15;

const isDigit = (b: number): boolean => b >= DIGIT_0 && b <= DIGIT_0 + 9;
const isMethodByte = (b: number): boolean => (b >= 0x41 && b <= 0x5a) || b === DASH || b === UNDERSCORE;

/** Keys of a trailing `key=value` total request time, in seconds unless the value has a unit. */
const REQUEST_TIME_KEYS = ['rt', 'request_time', 'response_time'].map((key) => Buffer.from(key, 'latin1'));
/** Keys of a trailing upstream time, used only when the line has no total request time. */
const UPSTREAM_TIME_KEYS = ['urt', 'upstream_response_time'].map((key) => Buffer.from(key, 'latin1'));

/** Index of the first space at or after i, or end. */
export function tokenEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && buf[i] !== SPACE) i++;
  return i;
}

/**
 * Index of the '"' closing a quoted field whose content starts at i, or -1 when the line ends first.
 * A backslash escapes the byte after it (Apache writes `\"`, nginx `\x22`), so the closing quote is
 * the first one preceded by an even number of backslashes.
 */
export function closingQuoteAt(buf: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const b = buf[i];
    if (b === QUOTE) return i;
    if (b === BACKSLASH) {
      quotedBackslash = true;
      i++;
    }
  }
  return -1;
}

/** Set by closingQuoteAt when a quoted field it passed held a backslash; cleared by its callers. */
let quotedBackslash = false;

function hasBackslash(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (buf[i] === BACKSLASH) return true;
  return false;
}

/** The status in buf[start, end) when it is exactly three digits from 100 to 599, else -1. */
export function parseStatus(buf: Buffer, start: number, end: number): number {
  if (end - start !== 3 || !isDigit(buf[start]) || !isDigit(buf[start + 1]) || !isDigit(buf[start + 2])) return -1;
  const status = (buf[start] - DIGIT_0) * 100 + (buf[start + 1] - DIGIT_0) * 10 + (buf[start + 2] - DIGIT_0);
  return status >= 100 && status <= 599 ? status : -1;
}

/** A byte count filling buf[start, end): its value, -1 for '-', or NOT_A_COUNT. */
export function parseByteCount(buf: Buffer, start: number, end: number): number {
  if (end - start === 1 && buf[start] === DASH) return -1;
  if (end === start || end - start > MAX_COUNT_DIGITS) return NOT_A_COUNT;
  let count = 0;
  for (let i = start; i < end; i++) {
    if (!isDigit(buf[i])) return NOT_A_COUNT;
    count = count * 10 + (buf[i] - DIGIT_0);
  }
  return count;
}

/** Sets field to buf[start, end) unless the value is the '-' that logs write for "none". */
export function setUnlessDash(field: ByteField, buf: Buffer, start: number, end: number): void {
  if (end - start === 1 && buf[start] === DASH) return;
  field.set(start, end);
}

/** Where the path of `http://host/p` or `https://host/p` starts (end when it has none); start otherwise. */
function skipSchemeAndHost(buf: Buffer, start: number, end: number): number {
  let i = start;
  if (end - i < 8 || buf[i] !== 0x68 || buf[i + 1] !== 0x74 || buf[i + 2] !== 0x74 || buf[i + 3] !== 0x70) return start; // http
  i += 4;
  if (buf[i] === 0x73) i++; // https
  if (end - i < 3 || buf[i] !== COLON || buf[i + 1] !== SLASH || buf[i + 2] !== SLASH) return start;
  i += 3;
  while (i < end && buf[i] !== SLASH && buf[i] !== QUESTION_MARK && buf[i] !== HASH) i++;
  return i < end && buf[i] === SLASH ? i : end;
}

/**
 * Sets path to the path of the request target in buf[start, end): an absolute `http(s)://host/p`
 * keeps only `/p` (the form proxies log), and the query (`?`) and fragment (`#`) are cut off.
 * An empty path, or '-', leaves the field absent.
 */
export function setPath(path: ByteField, buf: Buffer, start: number, end: number): void {
  const pathStart = skipSchemeAndHost(buf, start, end);
  let pathEnd = pathStart;
  while (pathEnd < end && buf[pathEnd] !== QUESTION_MARK && buf[pathEnd] !== HASH) pathEnd++;
  if (pathEnd > pathStart) setUnlessDash(path, buf, pathStart, pathEnd);
}

/**
 * Sets rec.method and rec.path from a request line in buf[start, end), `METHOD target[ protocol]`.
 * Anything else (`-`, a TLS handshake sent to a plain-HTTP port) leaves both absent: the line is
 * still a request, it just has no method or path.
 */
export function setRequestLine(buf: Buffer, start: number, end: number, rec: LineRecord): void {
  let i = start;
  while (i < end && i - start <= MAX_METHOD_LENGTH && isMethodByte(buf[i])) i++;
  const methodEnd = i;
  if (methodEnd === start || methodEnd - start > MAX_METHOD_LENGTH || methodEnd + 1 >= end || buf[methodEnd] !== SPACE) return;
  const targetStart = methodEnd + 1;
  const targetEnd = tokenEnd(buf, targetStart, end);
  if (targetEnd === targetStart) return;
  rec.method.set(start, methodEnd);
  setPath(rec.path, buf, targetStart, targetEnd);
}

/**
 * nginx's $upstream_response_time in buf[start, end), in integer microseconds: seconds, or a list
 * (`0.001, 0.002` for retried upstreams, `0.001 : 0.002` across internal redirects) of which the
 * last value counts, being the upstream that produced the response. -1 when that value is '-'.
 */
export function parseUpstreamTime(buf: Buffer, start: number, end: number): number {
  let valueStart = start;
  for (let i = end - 1; i >= start; i--) {
    if (buf[i] === COMMA || buf[i] === COLON) {
      valueStart = i + 1;
      break;
    }
  }
  while (valueStart < end && buf[valueStart] === SPACE) valueStart++;
  return parseDurationField(buf, valueStart, end, MICROS_PER_SECOND);
}

function keyIsOneOf(buf: Buffer, start: number, end: number, keys: readonly Buffer[]): boolean {
  const length = end - start;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (key.length !== length) continue;
    let i = 0;
    while (i < length && buf[start + i] === key[i]) i++;
    if (i === length) return true;
  }
  return false;
}

/**
 * The response time in the tokens after an access line's fixed fields, in integer microseconds or -1.
 * A `rt=`/`request_time=`/`response_time=` value wins; else the first token that is a duration by
 * itself (`0.105` in seconds, `105ms`, `0.105s`); else an `urt=`/`upstream_response_time=` value.
 * Quoted tokens (`"-"`, an X-Forwarded-For list) are skipped whole.
 */
function trailingDuration(buf: Buffer, i: number, end: number): number {
  let bare = -1;
  let upstream = -1;
  while (i < end) {
    if (buf[i] === SPACE) {
      i++;
      continue;
    }
    if (buf[i] === QUOTE) {
      const close = closingQuoteAt(buf, i + 1, end);
      if (close < 0) break;
      i = close + 1;
      continue;
    }
    const tokenStart = i;
    while (i < end && buf[i] !== SPACE && buf[i] !== EQUALS) i++;
    if (i === end || buf[i] === SPACE) {
      if (bare < 0) bare = parseDurationField(buf, tokenStart, i, MICROS_PER_SECOND);
      continue;
    }
    const keyEnd = i;
    let valueStart = keyEnd + 1;
    let valueEnd: number;
    if (valueStart < end && buf[valueStart] === QUOTE) {
      valueEnd = closingQuoteAt(buf, ++valueStart, end);
      if (valueEnd < 0) break;
      i = valueEnd + 1;
    } else {
      valueEnd = tokenEnd(buf, valueStart, end);
      // An unquoted list, `urt=0.001, 0.002`, continues past the space after each comma.
      while (valueEnd + 1 < end && buf[valueEnd - 1] === COMMA) valueEnd = tokenEnd(buf, valueEnd + 1, end);
      i = valueEnd;
    }
    if (keyIsOneOf(buf, tokenStart, keyEnd, REQUEST_TIME_KEYS)) {
      const micros = parseDurationField(buf, valueStart, valueEnd, MICROS_PER_SECOND);
      if (micros >= 0) return micros;
    } else if (upstream < 0 && keyIsOneOf(buf, tokenStart, keyEnd, UPSTREAM_TIME_KEYS)) {
      upstream = parseUpstreamTime(buf, valueStart, valueEnd);
    }
  }
  return bare >= 0 ? bare : upstream;
}

/**
 * `client ident user [time] "request" status bytes["referer" "user-agent"][ response-time...]`.
 * Returns false, having checked little, for lines of other formats.
 */
export const parseAccessLine: LineParser = (buf, start, end, rec) => {
  // The shape that sets access lines apart, checked first and cheaply: three space-separated
  // tokens, then '['. Every other format fails here or at the time right after.
  const clientEnd = tokenEnd(buf, start, end);
  if (clientEnd === start || clientEnd >= end) return false;
  const identEnd = tokenEnd(buf, clientEnd + 1, end);
  if (identEnd === clientEnd + 1 || identEnd >= end) return false;
  const userEnd = tokenEnd(buf, identEnd + 1, end);
  if (userEnd === identEnd + 1 || userEnd + 1 >= end || buf[userEnd + 1] !== OPEN_BRACKET) return false;

  const timeStart = userEnd + 2;
  const timeSearchEnd = Math.min(end, timeStart + MAX_TIME_LENGTH);
  let timeEnd = timeStart;
  while (timeEnd < timeSearchEnd && buf[timeEnd] !== CLOSE_BRACKET) timeEnd++;
  if (timeEnd === timeSearchEnd || timeEnd + 2 >= end || buf[timeEnd + 1] !== SPACE) return false;
  const timeMs = parseClfTime(buf, timeStart, timeEnd);
  if (Number.isNaN(timeMs)) return false;

  let requestStart = timeEnd + 2;
  let requestEnd: number;
  let statusStart: number;
  quotedBackslash = false;
  if (buf[requestStart] === QUOTE) {
    requestEnd = closingQuoteAt(buf, ++requestStart, end);
    if (requestEnd < 0 || requestEnd + 1 >= end || buf[requestEnd + 1] !== SPACE) return false;
    statusStart = requestEnd + 2;
  } else {
    // Unquoted, the request has spaces of its own; it ends before the first token, after its
    // first, that is a status.
    statusStart = tokenEnd(buf, requestStart, end) + 1;
    while (statusStart < end && parseStatus(buf, statusStart, tokenEnd(buf, statusStart, end)) < 0) {
      statusStart = tokenEnd(buf, statusStart, end) + 1;
    }
    if (statusStart >= end) return false;
    requestEnd = statusStart - 1;
    quotedBackslash = hasBackslash(buf, requestStart, requestEnd);
  }

  const statusEnd = tokenEnd(buf, statusStart, end);
  const status = parseStatus(buf, statusStart, statusEnd);
  if (status < 0 || statusEnd >= end) return false;
  let bytesEnd = tokenEnd(buf, statusEnd + 1, end);
  let bytesSent = parseByteCount(buf, statusEnd + 1, bytesEnd);
  if (bytesSent === NOT_A_COUNT) {
    // No bytes field when a duration follows the status (`… HTTP/1.1 200 105ms`); anything else
    // there (`12x`, `-5`, nothing) is a broken line.
    if (parseDurationField(buf, statusEnd + 1, bytesEnd, MICROS_PER_SECOND) < 0) return false;
    bytesEnd = statusEnd;
    bytesSent = -1;
  }

  rec.format = 'common';
  setUnlessDash(rec.client, buf, start, clientEnd);
  rec.timeMs = timeMs;
  setRequestLine(buf, requestStart, requestEnd, rec);
  rec.status = status;
  rec.bytesSent = bytesSent;
  rec.isRequest = true;

  let i = bytesEnd + 1;
  if (i < end && buf[i] === QUOTE) {
    const refererEnd = closingQuoteAt(buf, i + 1, end);
    if (refererEnd >= 0 && refererEnd + 2 < end && buf[refererEnd + 1] === SPACE && buf[refererEnd + 2] === QUOTE) {
      const userAgentStart = refererEnd + 3;
      const userAgentEnd = closingQuoteAt(buf, userAgentStart, end);
      if (userAgentEnd >= 0) {
        rec.format = 'combined';
        setUnlessDash(rec.userAgent, buf, userAgentStart, userAgentEnd);
        i = userAgentEnd + 1;
      }
    }
  }
  // The request, referer and user agent were scanned for their quotes already: the accumulator
  // looks for escapes in the keys it counts only when one of them, or the client, held a backslash.
  rec.mayHoldAccessEscapes = quotedBackslash || hasBackslash(buf, start, clientEnd);
  rec.durationUs = trailingDuration(buf, i, end);
  return true;
};
