// Squid's native access log (`logformat squid`, its default):
//   1706091332.123    105 10.0.0.7 TCP_MISS/200 3310 GET http://example.com/big.bin - HIER_DIRECT/93.184.216.34 application/octet-stream
// epoch seconds with milliseconds, the elapsed time in ms (right-aligned), the client, the result
// code with the HTTP status, the bytes sent to the client, the method and the URL. A status of 000
// (an aborted request) is a request without a status.
import { parseByteCount, parseStatus, setPath } from './access-log-parser';
import type { LineRecord } from './line-record';

const SPACE = 0x20;
const DOT = 0x2e;
const SLASH = 0x2f;
const DIGIT_0 = 0x30;
const MAX_TOKEN = 4096;
const MAX_METHOD = 24;

const isDigit = (b: number): boolean => b >= DIGIT_0 && b <= DIGIT_0 + 9;
const isUpper = (b: number): boolean => b >= 0x41 && b <= 0x5a;

function tokenEnd(buf: Buffer, i: number, end: number): number {
  const limit = Math.min(end, i + MAX_TOKEN);
  while (i < limit && buf[i] !== SPACE) i++;
  return i;
}

/** Reads a Squid access line into rec; false, with rec untouched, when buf[start, end) is not one. */
export function parseSquidLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  let i = start;
  let seconds = 0;
  while (i < end && isDigit(buf[i]) && i - start < 11) seconds = seconds * 10 + (buf[i++] - DIGIT_0);
  if (i - start < 9 || buf[i] !== DOT || !isDigit(buf[i + 1]) || !isDigit(buf[i + 2]) || !isDigit(buf[i + 3]) || buf[i + 4] !== SPACE) return false;
  const timeMs = seconds * 1000 + (buf[i + 1] - DIGIT_0) * 100 + (buf[i + 2] - DIGIT_0) * 10 + (buf[i + 3] - DIGIT_0);
  i += 4;
  while (i < end && buf[i] === SPACE) i++;
  let elapsedMs = 0;
  const elapsedStart = i;
  while (i < end && isDigit(buf[i]) && i - elapsedStart < 12) elapsedMs = elapsedMs * 10 + (buf[i++] - DIGIT_0);
  if (i === elapsedStart || buf[i] !== SPACE) return false;
  const clientStart = i + 1;
  const clientEnd = tokenEnd(buf, clientStart, end);
  if (clientEnd === clientStart || clientEnd >= end) return false;
  const codeStart = clientEnd + 1;
  const codeEnd = tokenEnd(buf, codeStart, end);
  let slash = codeStart;
  while (slash < codeEnd && buf[slash] !== SLASH) slash++;
  // TCP_MISS, NONE_NONE, TAG_NONE: an upper-case result code, then the status.
  if (slash === codeStart || slash + 4 !== codeEnd || !isUpper(buf[codeStart]) || codeEnd >= end) return false;
  const status = parseStatus(buf, slash + 1, codeEnd);
  const aborted = buf[slash + 1] === DIGIT_0 && buf[slash + 2] === DIGIT_0 && buf[slash + 3] === DIGIT_0;
  if (status < 0 && !aborted) return false;
  const bytesEnd = tokenEnd(buf, codeEnd + 1, end);
  const bytes = parseByteCount(buf, codeEnd + 1, bytesEnd);
  if (bytes < 0 || bytesEnd >= end) return false;
  const methodStart = bytesEnd + 1;
  const methodEnd = tokenEnd(buf, methodStart, end);
  if (methodEnd === methodStart || methodEnd - methodStart > MAX_METHOD || methodEnd >= end) return false;
  for (let m = methodStart; m < methodEnd; m++) if (!isUpper(buf[m]) && buf[m] !== 0x5f && buf[m] !== 0x2d) return false;
  const urlEnd = tokenEnd(buf, methodEnd + 1, end);
  rec.format = 'squid';
  rec.timeMs = timeMs;
  rec.isRequest = true;
  rec.mayHoldAccessEscapes = false;
  rec.client.set(clientStart, clientEnd);
  if (status > 0) rec.status = status;
  rec.bytesSent = bytes;
  rec.durationUs = elapsedMs * 1000;
  rec.method.set(methodStart, methodEnd);
  setPath(rec.path, buf, methodEnd + 1, urlEnd);
  return true;
}
