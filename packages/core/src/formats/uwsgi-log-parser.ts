// uWSGI's request log, its default `--log-format`:
//   [pid: 23115|app: 0|req: 3/3] 127.0.0.1 () {24 vars in 260 bytes} [Thu Dec  3 05:48:42 2026] GET /missing => generated 2 bytes in 0 msecs (HTTP/1.1 404) 1 headers in 52 bytes (1 switches on core 0)
// A request with its client, time (ctime, when the request ended), method, path, response bytes,
// duration (`msecs`, or `micros` with --log-micros) and status. uWSGI's other lines (its start-up
// banner, a Python traceback) are left to the other readers.
import { eventTimeEnd, readEventTime } from './event-time';
import { parseStatus, setRequestLine } from './access-log-parser';
import type { LineRecord } from './line-record';
import { startsWith } from '../text/byte-prefix';

const SPACE = 0x20;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_PAREN = 0x28;
const CLOSE_PAREN = 0x29;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const DIGIT_0 = 0x30;
const MAX_HEADER = 200;
const MAX_COUNT_DIGITS = 15;

const PID_PREFIX = Buffer.from('[pid: ', 'latin1');
const GENERATED = Buffer.from(' => generated ', 'latin1');
const BYTES_IN = Buffer.from(' bytes in ', 'latin1');
const MSECS = Buffer.from(' msecs (', 'latin1');
const MICROS = Buffer.from(' micros (', 'latin1');

const isDigit = (b: number): boolean => b >= DIGIT_0 && b <= DIGIT_0 + 9;


/** The index of byte b at or after i within limit, or -1. */
function indexOf(buf: Buffer, b: number, i: number, limit: number): number {
  for (; i < limit; i++) if (buf[i] === b) return i;
  return -1;
}

/** The index of needle at or after i, or -1. */
function find(buf: Buffer, needle: Buffer, i: number, end: number): number {
  const at = buf.indexOf(needle, i);
  return at >= 0 && at + needle.length <= end ? at : -1;
}

let numberEnd = 0;
/** A non-negative integer at i, or -1; sets numberEnd. */
function readCount(buf: Buffer, i: number, end: number): number {
  let value = 0;
  const start = i;
  while (i < end && isDigit(buf[i]) && i - start < MAX_COUNT_DIGITS) value = value * 10 + (buf[i++] - DIGIT_0);
  numberEnd = i;
  return i === start ? -1 : value;
}

/** Reads a uWSGI request line into rec; false, with rec untouched, when buf[start, end) is not one. */
export function parseUwsgiLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  if (!startsWith(buf, start, end, PID_PREFIX)) return false;
  const limit = Math.min(end, start + MAX_HEADER);
  const headerEnd = indexOf(buf, CLOSE_BRACKET, start, limit);
  if (headerEnd < 0 || buf[headerEnd + 1] !== SPACE) return false;
  const clientStart = headerEnd + 2;
  const clientEnd = indexOf(buf, SPACE, clientStart, Math.min(end, clientStart + MAX_HEADER));
  if (clientEnd <= clientStart || buf[clientEnd + 1] !== OPEN_PAREN) return false;
  const userEnd = indexOf(buf, CLOSE_PAREN, clientEnd + 2, Math.min(end, clientEnd + 2 + MAX_HEADER));
  if (userEnd < 0 || buf[userEnd + 1] !== SPACE || buf[userEnd + 2] !== OPEN_BRACE) return false;
  const varsEnd = indexOf(buf, CLOSE_BRACE, userEnd + 3, Math.min(end, userEnd + 3 + MAX_HEADER));
  if (varsEnd < 0 || buf[varsEnd + 1] !== SPACE || buf[varsEnd + 2] !== OPEN_BRACKET) return false;
  const timeMs = readEventTime(buf, varsEnd + 2, end, rec, false);
  if (Number.isNaN(timeMs) || buf[eventTimeEnd] !== SPACE) return false;
  const requestStart = eventTimeEnd + 1;
  const generated = find(buf, GENERATED, requestStart, end);
  if (generated < 0) return false;
  const bytes = readCount(buf, generated + GENERATED.length, end);
  if (bytes < 0 || !startsWith(buf, numberEnd, end, BYTES_IN)) return false;
  const duration = readCount(buf, numberEnd + BYTES_IN.length, end);
  if (duration < 0) return false;
  const micros = startsWith(buf, numberEnd, end, MICROS);
  if (!micros && !startsWith(buf, numberEnd, end, MSECS)) return false;
  const protocolStart = numberEnd + (micros ? MICROS.length : MSECS.length);
  const protocolEnd = indexOf(buf, SPACE, protocolStart, Math.min(end, protocolStart + 32));
  if (protocolEnd < 0) return false;
  const statusEnd = indexOf(buf, CLOSE_PAREN, protocolEnd + 1, Math.min(end, protocolEnd + 8));
  const status = statusEnd < 0 ? -1 : parseStatus(buf, protocolEnd + 1, statusEnd);
  if (status < 0) return false;
  rec.format = 'uwsgi';
  rec.timeMs = timeMs;
  rec.isRequest = true;
  rec.mayHoldAccessEscapes = false;
  rec.client.set(clientStart, clientEnd);
  rec.status = status;
  rec.bytesSent = bytes;
  rec.durationUs = micros ? duration : duration * 1000;
  setRequestLine(buf, requestStart, generated, rec);
  return true;
}

