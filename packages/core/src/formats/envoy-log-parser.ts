// Envoy's default access log, and Istio's, which adds fields in the middle:
//   [2016-04-15T20:17:00.310Z] "POST /api/v1/locations HTTP/2" 204 - 154 0 226 100 "10.0.35.28" "nsq2http" "cc21d9b0-…" "locations" "tcp://10.0.2.1:80"
//   [2020-11-25T21:26:18.409Z] "GET /status/418 HTTP/1.1" 418 - via_upstream - "-" 0 135 4 4 "-" "curl/7.73.0-DEV" "8496…" "httpbin:8000" "10.44.1.27:80" outbound|8000||httpbin… …
// After the status come the response flags (and, in Istio's, the code details, the termination
// details and a quoted transport failure), then three numbers in both: bytes received, bytes sent
// and the duration in ms. The first quoted field after them is X-Forwarded-For, whose first address
// is the client; the next is the user agent. A `-` status (a connection reset before a response) is
// a request without a status.
import { parseTimestamp, timestampEnd } from '../timestamp';
import { closingQuoteAt, NOT_A_COUNT, parseByteCount, parseStatus, setRequestLine, setUnlessDash } from './access-log-parser';
import type { LineRecord } from './line-record';

const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const DASH = 0x2d;
const CLOSE_BRACKET = 0x5d;
/** Envoy's fields between the status and the byte counts: four in Istio's format; room for more. */
const MAX_FIELDS_BEFORE_NUMBERS = 8;

function tokenEnd(buf: Buffer, i: number, end: number): number {
  while (i < end && buf[i] !== SPACE) i++;
  return i;
}

/** Reads an Envoy access line into rec; false, with rec untouched, when buf[start, end) is not one. */
export function parseEnvoyLine(buf: Buffer, start: number, end: number, rec: LineRecord): boolean {
  const timeMs = parseTimestamp(buf, start + 1, end);
  let i = timestampEnd;
  if (Number.isNaN(timeMs) || buf[i] !== CLOSE_BRACKET || buf[i + 1] !== SPACE || buf[i + 2] !== QUOTE) return false;
  const requestStart = i + 3;
  const requestEnd = closingQuoteAt(buf, requestStart, end);
  if (requestEnd < 0 || buf[requestEnd + 1] !== SPACE) return false;
  const statusStart = requestEnd + 2;
  const statusEnd = tokenEnd(buf, statusStart, end);
  const status = parseStatus(buf, statusStart, statusEnd);
  const noStatus = statusEnd - statusStart === 1 && buf[statusStart] === DASH;
  if ((status < 0 && !noStatus) || statusEnd >= end) return false;
  // Skip the flags and details (a quoted one may hold spaces) to the first of three numbers in a row.
  i = statusEnd + 1;
  let sent = -1;
  let durationMs = -1;
  for (let field = 0; field <= MAX_FIELDS_BEFORE_NUMBERS && i < end; field++) {
    if (buf[i] === QUOTE) {
      const close = closingQuoteAt(buf, i + 1, end);
      if (close < 0) return false;
      i = close + 2;
      continue;
    }
    const receivedEnd = tokenEnd(buf, i, end);
    if (parseByteCount(buf, i, receivedEnd) >= 0) {
      const sentEnd = tokenEnd(buf, receivedEnd + 1, end);
      const durationEnd = tokenEnd(buf, sentEnd + 1, end);
      sent = parseByteCount(buf, receivedEnd + 1, sentEnd);
      // A count, or -1 for the `-` of no duration.
      durationMs = parseByteCount(buf, sentEnd + 1, durationEnd);
      if (sent < 0 || durationMs === NOT_A_COUNT) return false;
      i = durationEnd;
      break;
    }
    i = receivedEnd + 1;
  }
  if (sent < 0) return false;
  rec.format = 'envoy';
  rec.timeMs = timeMs;
  rec.isRequest = true;
  rec.mayHoldAccessEscapes = false;
  if (status > 0) rec.status = status;
  rec.bytesSent = sent;
  rec.durationUs = durationMs < 0 ? -1 : durationMs * 1000;
  setRequestLine(buf, requestStart, requestEnd, rec);
  // The upstream service time (a number or -), then X-Forwarded-For and the user agent.
  let quote = i;
  while (quote < end && buf[quote] !== QUOTE) quote++;
  const forwardedEnd = quote < end ? closingQuoteAt(buf, quote + 1, end) : -1;
  if (forwardedEnd > quote) {
    let first = quote + 1;
    while (first < forwardedEnd && buf[first] !== COMMA) first++;
    setUnlessDash(rec.client, buf, quote + 1, first);
    if (buf[forwardedEnd + 1] === SPACE && buf[forwardedEnd + 2] === QUOTE) {
      const agentEnd = closingQuoteAt(buf, forwardedEnd + 3, end);
      if (agentEnd > 0) setUnlessDash(rec.userAgent, buf, forwardedEnd + 3, agentEnd);
    }
  }
  return true;
}
