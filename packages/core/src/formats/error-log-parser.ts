// The error logs of nginx and Apache: their level, the message, and the client (and, for nginx, the
// request's method and path) when the line names one. An error line is not a request: the access log
// counts those, so request_count stays the access log's.
//   nginx:       2024/01/24 10:15:32 [error] 1234#0: *5 open() "/x" failed (2: …), client: 1.2.3.4, server: s, request: "GET /x HTTP/1.1"
//   Apache 2.2:  [Sun Dec 04 04:47:44 2005] [error] [client 1.2.3.4] Directory index forbidden
//   Apache 2.4:  [Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1234:tid 5] [client 1.2.3.4:5678] AH00124: …
import { setRequestLine } from './access-log-parser';
import { eventTimeEnd, readEventTime } from './event-time';
import { knownLevelAt } from './event-level';
import type { LineParser } from './line-record';
import { startsWith } from '../text/byte-prefix';

const SPACE = 0x20;
const QUOTE = 0x22;
const HASH = 0x23;
const STAR = 0x2a;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const MAX_BRACKET = 64;

const CLIENT_KEY = Buffer.from(', client: ', 'latin1');
const REQUEST_KEY = Buffer.from(', request: "', 'latin1');
const CLIENT_BRACKET = Buffer.from('[client ', 'latin1');

const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/** Index of needle in buf[from, end), or -1: bounded by the line, unlike Buffer.indexOf. */
function indexIn(buf: Buffer, from: number, end: number, needle: Buffer): number {
  const first = needle[0];
  const last = end - needle.length;
  for (let i = from; i <= last; i++) {
    if (buf[i] !== first) continue;
    let k = 1;
    while (k < needle.length && buf[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}


/** Index of the `]` closing the bracket opened at i, within MAX_BRACKET bytes, or -1. */
function bracketEnd(buf: Buffer, i: number, end: number): number {
  for (let j = i + 1; j < end && j - i <= MAX_BRACKET; j++) if (buf[j] === CLOSE_BRACKET) return j;
  return -1;
}

export const parseNginxErrorLine: LineParser = (buf, start, end, rec) => {
  const timeMs = readEventTime(buf, start, end, rec, false);
  let i = eventTimeEnd;
  if (Number.isNaN(timeMs) || buf[start + 4] !== 0x2f || i + 2 >= end || buf[i] !== SPACE || buf[i + 1] !== OPEN_BRACKET) return false;
  const close = bracketEnd(buf, i + 1, end);
  if (close < 0) return false;
  const level = knownLevelAt(buf, i + 2, close);
  // `pid#tid: `
  i = close + 1;
  if (level === null || i >= end || buf[i] !== SPACE) return false;
  let j = i + 1;
  while (j < end && isDigit(buf[j])) j++;
  if (j === i + 1 || buf[j] !== HASH) return false;
  j++;
  while (j < end && isDigit(buf[j])) j++;
  if (j >= end || buf[j] !== COLON) return false;
  let message = Math.min(j + 2, end);
  // `*5 `: the connection number.
  if (buf[message] === STAR) {
    let k = message + 1;
    while (k < end && isDigit(buf[k])) k++;
    if (k > message + 1 && buf[k] === SPACE) message = k + 1;
  }
  const clientKey = indexIn(buf, message, end, CLIENT_KEY);
  rec.format = 'nginx_error';
  rec.timeMs = timeMs;
  rec.levelName = level;
  rec.message.set(message, clientKey < 0 ? end : clientKey);
  if (clientKey >= 0) {
    const clientStart = clientKey + CLIENT_KEY.length;
    let clientEnd = clientStart;
    while (clientEnd < end && buf[clientEnd] !== COMMA) clientEnd++;
    if (clientEnd > clientStart) rec.client.set(clientStart, clientEnd);
    const requestKey = indexIn(buf, clientEnd, end, REQUEST_KEY);
    if (requestKey >= 0) {
      const requestStart = requestKey + REQUEST_KEY.length;
      let requestEnd = requestStart;
      while (requestEnd < end && buf[requestEnd] !== QUOTE) requestEnd++;
      if (requestEnd < end) setRequestLine(buf, requestStart, requestEnd, rec);
    }
  }
  return true;
};

/** End of the address in buf[start, end): 2.4 appends `:port`, which is cut (IPv4 or IPv6 alike). */
function addressEnd(buf: Buffer, start: number, end: number, withPort: boolean): number {
  if (!withPort) return end;
  let colon = end - 1;
  while (colon > start && isDigit(buf[colon])) colon--;
  return colon > start && colon < end - 1 && buf[colon] === COLON ? colon : end;
}

export const parseApacheErrorLine: LineParser = (buf, start, end, rec) => {
  if (buf[start] !== OPEN_BRACKET) return false;
  const timeMs = readEventTime(buf, start, end, rec, false);
  let i = eventTimeEnd;
  if (Number.isNaN(timeMs) || i + 2 >= end || buf[i] !== SPACE || buf[i + 1] !== OPEN_BRACKET) return false;
  const close = bracketEnd(buf, i + 1, end);
  if (close < 0) return false;
  // `[error]` (2.2) or `[module:error]` (2.4)
  let levelStart = i + 2;
  for (let k = close - 1; k >= i + 2; k--) {
    if (buf[k] === COLON) {
      levelStart = k + 1;
      break;
    }
  }
  const level = knownLevelAt(buf, levelStart, close);
  if (level === null) return false;
  // 2.4 names the module (`[core:error]`, `[:error]`) and writes the client's port.
  const version24 = levelStart > i + 2;
  i = close + 1;
  let clientStart = -1;
  let clientEnd = -1;
  // `[pid 1234:tid 5]`, `[client 1.2.3.4:5678]`, `[remote …]`: bracketed fields before the message.
  while (i + 1 < end && buf[i] === SPACE && buf[i + 1] === OPEN_BRACKET) {
    const fieldEnd = bracketEnd(buf, i + 1, end);
    if (fieldEnd < 0) break;
    if (startsWith(buf, i + 1, fieldEnd, CLIENT_BRACKET)) {
      clientStart = i + 1 + CLIENT_BRACKET.length;
      clientEnd = addressEnd(buf, clientStart, fieldEnd, version24);
    }
    i = fieldEnd + 1;
  }
  rec.format = 'apache_error';
  rec.timeMs = timeMs;
  rec.levelName = level;
  rec.message.set(Math.min(i + 1, end), end);
  if (clientEnd > clientStart) rec.client.set(clientStart, clientEnd);
  return true;
};
