// The request that Python web servers' development logs write after their own prefix: Django's
// runserver (`[24/Jan/2024 10:15:32] "GET / HTTP/1.1" 200 10697`) and uvicorn's access log
// (`INFO:     127.0.0.1:52134 - "GET /api HTTP/1.1" 200 OK`): a quoted request line, then the status,
// then the body's bytes (Django) or the reason phrase (uvicorn). The event parsers read the prefix
// and hand the rest here, so such a line is a request as well as an event.
import { closingQuoteAt, parseByteCount, parseStatus, setRequestLine, tokenEnd } from './access-log-parser';
import type { LineRecord } from './line-record';

const SPACE = 0x20;
const QUOTE = 0x22;
const COLON = 0x3a;
const DASH = 0x2d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * `"METHOD target PROTOCOL" status[ bytes]` at i: sets the method, path, status and bytes (when a
 * count follows the status) and marks a request. False, changing nothing, when the bytes are not that.
 */
export function readQuotedRequest(buf: Buffer, i: number, end: number, rec: LineRecord): boolean {
  if (buf[i] !== QUOTE) return false;
  const close = closingQuoteAt(buf, i + 1, end);
  if (close < 0 || buf[close + 1] !== SPACE) return false;
  const statusStart = close + 2;
  const statusEnd = tokenEnd(buf, statusStart, end);
  const status = parseStatus(buf, statusStart, statusEnd);
  if (status < 0) return false;
  const bytesEnd = tokenEnd(buf, statusEnd + 1, end);
  const bytes = statusEnd < end ? parseByteCount(buf, statusEnd + 1, bytesEnd) : -1;
  setRequestLine(buf, i + 1, close, rec);
  rec.status = status;
  rec.bytesSent = bytes >= 0 ? bytes : -1;
  rec.isRequest = true;
  return true;
}

/**
 * uvicorn's access message, `127.0.0.1:52134 - "GET /api HTTP/1.1" 200 OK`, at i: the client (its
 * address without the port; `[::1]:52134` too) and the request. False, changing nothing, otherwise.
 */
export function readUvicornAccess(buf: Buffer, i: number, end: number, rec: LineRecord): boolean {
  const clientEnd = tokenEnd(buf, i, end);
  if (clientEnd === i || buf[clientEnd + 1] !== DASH || buf[clientEnd + 2] !== SPACE) return false;
  let portColon = clientEnd - 1;
  while (portColon > i && buf[portColon] !== COLON) portColon--;
  if (portColon === i) return false;
  const bracketed = buf[i] === OPEN_BRACKET && buf[portColon - 1] === CLOSE_BRACKET;
  if (!readQuotedRequest(buf, clientEnd + 3, end, rec)) return false;
  rec.client.set(bracketed ? i + 1 : i, bracketed ? portColon - 1 : portColon);
  return true;
}
