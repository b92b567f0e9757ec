// Kubernetes node logs wrap every line the container wrote: CRI (`<RFC 3339 time> stdout|stderr P|F
// <line>`, containerd and CRI-O) and Docker's json-file driver (`{"log":"<line>\n","stream":"stdout",
// "time":"…"}`). Unwrapping hands the inner line to the same auto-detection as any other line, with
// the wrapper's time for an inner line that has none. A CRI `P` line is a piece of a long line the
// runtime split; each piece is counted as a line of its own, so a chunk boundary between pieces
// changes nothing.
import { parseTimestamp, timestampEnd } from '../timestamp';

export type ContainerWrapper = 'cri' | 'docker';

/** The inner line of the last successful unwrap: buf[start, end) (buf is the line's own buffer for CRI, a scratch copy for Docker). */
export const unwrapped = {
  wrapper: 'cri' as ContainerWrapper,
  buf: Buffer.alloc(0) as Buffer,
  start: 0,
  end: 0,
  /** The wrapper's time, epoch ms. */
  timeMs: NaN,
  /** CRI: a partial piece (`P`) of a line split by the runtime. */
  partial: false,
};

const SPACE = 0x20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const STDOUT = Buffer.from(' stdout ');
const STDERR = Buffer.from(' stderr ');
const DOCKER_LOG_KEY = Buffer.from('{"log":"');

function startsWith(buf: Buffer, at: number, end: number, prefix: Buffer): boolean {
  if (end - at < prefix.length) return false;
  for (let k = 0; k < prefix.length; k++) if (buf[at + k] !== prefix[k]) return false;
  return true;
}

/** `2024-01-24T10:15:32.123456789Z stdout F <line>`; true with `unwrapped` filled. */
export function unwrapCriLine(buf: Buffer, start: number, end: number): boolean {
  // The runtime writes RFC 3339 with a T and a zone; anything else is not a CRI line.
  if (end - start < 30 || buf[start + 10] !== 0x54) return false;
  const timeMs = parseTimestamp(buf, start, end);
  if (Number.isNaN(timeMs)) return false;
  const afterTime = timestampEnd;
  if (!startsWith(buf, afterTime, end, STDOUT) && !startsWith(buf, afterTime, end, STDERR)) return false;
  const tag = afterTime + STDOUT.length;
  if (tag >= end || (buf[tag] !== 0x46 && buf[tag] !== 0x50)) return false; // F or P
  // The tag may be followed by nothing (an empty line) or by a space and the line.
  if (tag + 1 < end && buf[tag + 1] !== SPACE) return false;
  unwrapped.wrapper = 'cri';
  unwrapped.buf = buf;
  unwrapped.start = Math.min(tag + 2, end);
  unwrapped.end = end;
  unwrapped.timeMs = timeMs;
  unwrapped.partial = buf[tag] === 0x50;
  return true;
}

/** Docker's inner lines decoded here: JSON escapes make them a different byte string from the line. */
let scratch = Buffer.alloc(64 * 1024);

function hexDigit(b: number): number {
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  return -1;
}

/** Decodes the JSON string whose content starts at i into scratch; the index of its closing quote, or -1. */
function decodeJsonString(buf: Buffer, i: number, end: number): number {
  if (scratch.length < end - i) scratch = Buffer.alloc(Math.max(end - i, scratch.length * 2));
  let out = 0;
  while (i < end) {
    const b = buf[i];
    if (b === QUOTE) {
      decodedLength = out;
      return i;
    }
    if (b !== BACKSLASH) {
      scratch[out++] = b;
      i++;
      continue;
    }
    const e = buf[i + 1];
    i += 2;
    if (e === 0x6e) scratch[out++] = 0x0a;
    else if (e === 0x74) scratch[out++] = 0x09;
    else if (e === 0x72) scratch[out++] = 0x0d;
    else if (e === 0x62) scratch[out++] = 0x08;
    else if (e === 0x66) scratch[out++] = 0x0c;
    else if (e === QUOTE || e === BACKSLASH || e === 0x2f) scratch[out++] = e;
    else if (e === 0x75) {
      if (i + 4 > end) return -1;
      let code = 0;
      for (let k = 0; k < 4; k++) {
        const d = hexDigit(buf[i + k]);
        if (d < 0) return -1;
        code = code * 16 + d;
      }
      i += 4;
      // A surrogate pair is two \u escapes: join them before writing UTF-8.
      if (code >= 0xd800 && code <= 0xdbff && buf[i] === BACKSLASH && buf[i + 1] === 0x75 && i + 6 <= end) {
        let low = 0;
        for (let k = 0; k < 4; k++) low = low * 16 + hexDigit(buf[i + 2 + k]);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          i += 6;
        }
      }
      out += scratch.write(String.fromCodePoint(code), out, 'utf8');
    } else return -1;
  }
  return -1;
}
let decodedLength = 0;

const TIME_KEY = Buffer.from('"time":"');

/** `{"log":"<line>\n","stream":"stdout","time":"…"}` as Docker's json-file driver writes it; true with `unwrapped` filled. */
export function unwrapDockerLine(buf: Buffer, start: number, end: number): boolean {
  if (!startsWith(buf, start, end, DOCKER_LOG_KEY)) return false;
  const close = decodeJsonString(buf, start + DOCKER_LOG_KEY.length, end);
  if (close < 0) return false;
  let length = decodedLength;
  // The driver keeps the line's newline (and a CR before it) inside "log".
  if (length > 0 && scratch[length - 1] === 0x0a) length--;
  if (length > 0 && scratch[length - 1] === 0x0d) length--;
  // The rest is the driver's own fields; only its time is read. A line that merely starts like one is not Docker's.
  let timeMs = NaN;
  for (let i = close + 1; i + TIME_KEY.length < end; i++) {
    if (buf[i] === QUOTE && startsWith(buf, i, end, TIME_KEY)) {
      timeMs = parseTimestamp(buf, i + TIME_KEY.length, end);
      break;
    }
  }
  if (Number.isNaN(timeMs) || buf[end - 1] !== 0x7d) return false;
  unwrapped.wrapper = 'docker';
  unwrapped.buf = scratch;
  unwrapped.start = 0;
  unwrapped.end = length;
  unwrapped.timeMs = timeMs;
  unwrapped.partial = false;
  return true;
}

/** Either wrapper; true with `unwrapped` filled. Cheap to reject: one byte test each. */
export function unwrapContainerLine(buf: Buffer, start: number, end: number): boolean {
  const first = buf[start];
  if (first === 0x7b) return buf[start + 1] === QUOTE && buf[start + 2] === 0x6c && unwrapDockerLine(buf, start, end);
  if (first >= 0x30 && first <= 0x39) return unwrapCriLine(buf, start, end);
  return false;
}
