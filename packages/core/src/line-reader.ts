// Streams the lines a byte range owns, through one reused buffer, so memory does not grow with the
// range size (only with the longest line, up to maxLineBytes).
//
// Ownership rule: a line belongs to the range that holds the byte just before the line's first byte;
// the file's first line belongs to the range starting at 0. So a reader skips through the first
// newline at or after `start` (unless start is 0) and keeps reading lines while the line starts at or
// before `start + size`. Every line of the file is then owned by exactly one range, for any ranges
// that tile the file.
import { readSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { isUtf8Range } from './text/utf8-range';

/**
 * Receives one line: bytes [start, end) of buf, without the '\n', and the line's offset in the file.
 * The buffer is reused: copy what you keep.
 */
export type LineHandler = (buf: Buffer, start: number, end: number, utf8Valid: boolean, fileOffset: number) => void;

/**
 * A line handler as a method. The analyzer passes one of these: a class's method is one function for
 * every range, so V8 keeps inlining it into the read loop; a fresh closure per range makes that call
 * site megamorphic after a few chunks, which halved the speed of a worker thread's later chunks.
 */
export interface LineSink {
  line: LineHandler;
}

export interface LineReaderOptions {
  /** Initial read buffer size. */
  bufferSize?: number;
  /** Lines longer than this are not delivered; they are counted in `oversizedLines`. */
  maxLineBytes?: number;
  /** Called for a line longer than maxLineBytes, with its file offset. */
  onOversizedLine?: (fileOffset: number) => void;
  /**
   * Where the file ends for this reader: bytes from here on are never read, as if the file were this
   * long. A job passes the size it planned with, so bytes appended since (even ones that continue an
   * unterminated last line) belong to no chunk.
   */
  fileEnd?: number;
}

export interface RangeReadResult {
  /** Lines delivered to the sink plus oversized lines. */
  lines: number;
  /** Bytes of all owned lines, including their newlines. */
  bytes: number;
  oversizedLines: number;
}

export const DEFAULT_BUFFER_SIZE = 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
const NEWLINE = 10;
const UTF8_STRETCH = 4096;

/** Room for the range and a typical line past its end (the last owned line may run over). */
export function smallRangeBuffer(rangeSize: number): number {
  let size = 4096;
  while (size < rangeSize + 4096 && size < DEFAULT_BUFFER_SIZE) size *= 2;
  return size;
}

export function readLinesInRange(
  fd: number,
  rangeStart: number,
  rangeSize: number,
  sink: LineSink | LineHandler,
  options: LineReaderOptions = {},
): RangeReadResult {
  const onLine: LineSink = typeof sink === 'function' ? { line: sink } : sink;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  // Room for a longest line and its '\n': only a full buffer without a newline holds an over-long line.
  const maxBufferBytes = maxLineBytes + 1;
  // At least one byte: an empty buffer never fills, and the read would never end.
  // A small range gets a small buffer: filling (and UTF-8 checking) a whole 1 MiB for a range of a few
  // lines cost a 42-byte chunk ~1.2 ms. The buffer still grows when a line does not fit.
  const wanted = Math.min(options.bufferSize ?? DEFAULT_BUFFER_SIZE, smallRangeBuffer(rangeSize));
  let buf = Buffer.allocUnsafe(Math.max(1, Math.min(wanted, maxBufferBytes)));
  const limit = rangeStart + rangeSize;
  const result: RangeReadResult = { lines: 0, bytes: 0, oversizedLines: 0 };

  let windowPos = rangeStart; // file offset of buf[0]
  let len = 0; // valid bytes in buf
  let eof = false;
  let validUtf8Until = 0; // buf[cursor, validUtf8Until) is known to be valid UTF-8

  const fileEnd = options.fileEnd ?? Infinity;
  // Every read goes through here, so none passes fileEnd.
  const fill = (): void => {
    while (len < buf.length && !eof) {
      const wanted = Math.min(buf.length - len, fileEnd - (windowPos + len));
      const n = wanted > 0 ? readSync(fd, buf, len, wanted, windowPos + len) : 0;
      if (n === 0) eof = true;
      len += n;
    }
  };
  const findNewline = (from: number): number => {
    const idx = buf.indexOf(NEWLINE, from);
    return idx !== -1 && idx < len ? idx : -1;
  };
  // Validating all complete lines of a fill at once is far cheaper than line by line; a '\n' never sits
  // inside a multi-byte character, so the batch is valid exactly when each of its lines is.
  const checkBatch = (from: number): void => {
    const last = len > from ? buf.lastIndexOf(NEWLINE, len - 1) : -1;
    validUtf8Until = last >= from && isUtf8(buf.subarray(from, last + 1)) ? last + 1 : from;
  };
  // When a batch holds a bad line, validate the following lines in small stretches rather than one
  // by one, and one by one (in JS, without a Buffer view per line) only inside a stretch that failed,
  // so one bad byte costs a few lines.
  let failedStretchEnd = -1;
  const checkStretch = (from: number, nl: number): boolean => {
    if (from >= failedStretchEnd) {
      const stretchEnd = buf.lastIndexOf(NEWLINE, Math.min(len - 1, from + UTF8_STRETCH));
      if (stretchEnd >= nl) {
        if (isUtf8(buf.subarray(from, stretchEnd + 1))) {
          validUtf8Until = stretchEnd + 1;
          return true;
        }
        failedStretchEnd = stretchEnd + 1;
      }
    }
    return isUtf8Range(buf, from, nl);
  };
  const discardBefore = (cursor: number): void => {
    buf.copyWithin(0, cursor, len);
    windowPos += cursor;
    len -= cursor;
    validUtf8Until = Math.max(0, validUtf8Until - cursor);
    failedStretchEnd = Math.max(-1, failedStretchEnd - cursor);
  };

  let cursor = 0;
  if (rangeStart > 0) {
    // Skip the tail of the line that the previous range owns.
    for (;;) {
      fill();
      const nl = findNewline(0);
      if (nl !== -1) {
        cursor = nl + 1;
        break;
      }
      if (eof) return result;
      windowPos += len;
      len = 0;
    }
    if (windowPos + cursor > limit) return result;
  } else {
    fill();
  }
  checkBatch(cursor);

  let scanFrom = cursor;
  while (windowPos + cursor <= limit && (cursor < len || !eof)) {
    const nl = findNewline(scanFrom);
    if (nl !== -1) {
      const valid = nl < validUtf8Until || checkStretch(cursor, nl);
      onLine.line(buf, cursor, nl, valid, windowPos + cursor);
      result.lines++;
      result.bytes += nl + 1 - cursor;
      cursor = nl + 1;
      scanFrom = cursor;
      continue;
    }
    if (eof) {
      // The last line of the file has no newline; it still counts.
      onLine.line(buf, cursor, len, isUtf8Range(buf, cursor, len), windowPos + cursor);
      result.lines++;
      result.bytes += len - cursor;
      cursor = len;
      break;
    }
    // The line continues past the buffer: keep its head, make room, read more.
    scanFrom = len - cursor;
    discardBefore(cursor);
    cursor = 0;
    if (len === buf.length) {
      if (buf.length >= maxBufferBytes) {
        const skipped = skipOversizedLine();
        result.lines++;
        result.oversizedLines++;
        result.bytes += skipped.bytes;
        if (skipped.eof) break;
        cursor = skipped.cursor;
        scanFrom = cursor;
        checkBatch(cursor);
        continue;
      }
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBufferBytes));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    fill();
    checkBatch(0);
  }
  return result;

  // Drops an over-long line (buf holds its first maxLineBytes + 1 bytes) without buffering it.
  function skipOversizedLine(): { bytes: number; eof: boolean; cursor: number } {
    options.onOversizedLine?.(windowPos);
    let bytes = 0;
    for (;;) {
      const nl = findNewline(0);
      if (nl !== -1) return { bytes: bytes + nl + 1, eof: false, cursor: nl + 1 };
      bytes += len;
      windowPos += len;
      len = 0;
      if (eof) return { bytes, eof: true, cursor: 0 };
      fill();
      if (len === 0) return { bytes, eof: true, cursor: 0 };
    }
  }
}
