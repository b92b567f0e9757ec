// The applog fast path on the wasm scanner: reads a byte range's lines into the scanner's memory and
// folds them a batch at a time. Line ownership, the buffer's growth up to maxLineBytes + 1, oversized
// lines and fileEnd follow line-reader.ts readLinesInRange step for step (see its comments); what
// moved into wasm is the per-line work: the newline search, UTF-8 checks and parsing.
import { readSync } from 'node:fs';
import type { MetricsAccumulator } from '../analytics/metrics-accumulator';
import { DEFAULT_BUFFER_SIZE, DEFAULT_MAX_LINE_BYTES, LineReaderOptions, smallRangeBuffer } from '../line-reader';
import { countOtherLines, foldApplogBatch, ParsedLineSink } from './applog-batch-fold';
import type { ApplogScanner } from './applog-scanner';

const NEWLINE = 10;

export interface ApplogRangeOptions extends Pick<LineReaderOptions, 'bufferSize' | 'maxLineBytes' | 'fileEnd'> {
  /** The job's time window, open ends as infinities. */
  sinceMs: number;
  untilMs: number;
  /**
   * Under `auto`: where the lines that are not applog go, to be detected; null counts them malformed.
   * When most of a range's first lines would go there, the range is declined (mostlyOtherLines).
   */
  otherLines: ParsedLineSink | null;
}

/**
 * Under `auto`, a range whose first batch of lines is mostly not applog (an access log, JSON lines)
 * is declined, for the JS line reader and auto-detection alone to read from its start. Handing all their lines
 * over from the batch fold cost JSON lines 1.16× and combined 1.09× the time (measured before the
 * scanner's memory stopped growing, which was part of it; the profile also showed the JSON parser
 * inlined worse). Either way every line is read as auto-detection reads it; only the speed differs.
 */
function mostlyOtherLines(scanner: ApplogScanner, rows: number): boolean {
  return 2 * countOtherLines(scanner, rows) > rows;
}

/**
 * Folds the applog lines that [rangeStart, rangeStart + rangeSize) owns into acc, as the JS fast path
 * would; returns the bytes of those lines, newlines included. Null when an `auto` range is declined
 * (mostlyOtherLines), with nothing counted in acc yet.
 */
export function readApplogRange(fd: number, rangeStart: number, rangeSize: number, scanner: ApplogScanner, acc: MetricsAccumulator, options: ApplogRangeOptions): number | null {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const maxBufferBytes = maxLineBytes + 1;
  const wanted = Math.min(options.bufferSize ?? DEFAULT_BUFFER_SIZE, smallRangeBuffer(rangeSize));
  let buf = scanner.dataBuffer(Math.max(1, Math.min(wanted, maxBufferBytes)));
  const limit = rangeStart + rangeSize;
  const fileEnd = options.fileEnd ?? Infinity;
  const { sinceMs, untilMs, otherLines } = options;
  let bytes = 0;
  // Whether the range is past the choice between scanner and JS reader (there is none outside auto).
  let judged = otherLines === null;

  let windowPos = rangeStart; // file offset of buf[0]
  let len = 0; // valid bytes in buf
  let eof = false;

  const fill = (): void => {
    while (len < buf.length && !eof) {
      const want = Math.min(buf.length - len, fileEnd - (windowPos + len));
      const n = want > 0 ? readSync(fd, buf, len, want, windowPos + len) : 0;
      if (n === 0) eof = true;
      len += n;
    }
  };
  const findNewline = (from: number): number => {
    const idx = buf.indexOf(NEWLINE, from);
    return idx !== -1 && idx < len ? idx : -1;
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
      if (eof) return bytes;
      windowPos += len;
      len = 0;
    }
    if (windowPos + cursor > limit) return bytes;
  } else {
    fill();
  }

  while (windowPos + cursor <= limit && (cursor < len || !eof)) {
    const rows = scanner.scan(cursor, len, Math.min(limit - windowPos, len), eof, sinceMs, untilMs);
    if (rows > 0) {
      if (!judged) {
        judged = true;
        // Nothing is counted yet (no line folded, none skipped as oversized): the JS reader can start over.
        if (bytes === 0 && mostlyOtherLines(scanner, rows)) return null;
      }
      foldApplogBatch(acc, scanner, rows, buf, windowPos, otherLines);
      const end = scanner.scanEnd();
      bytes += end - cursor;
      cursor = end;
      continue;
    }
    // No row: at eof the loop would have ended (a last line without '\n' is scanned too), so the line
    // at cursor continues past the buffer: keep its head, make room, read more.
    if (eof) break;
    buf.copyWithin(0, cursor, len);
    windowPos += cursor;
    len -= cursor;
    cursor = 0;
    if (len === buf.length) {
      if (buf.length >= maxBufferBytes) {
        // Too long to be a log event we can parse: counted, never buffered whole.
        acc.addMalformed('oversized', null, 0, 0, windowPos);
        const skipped = skipOversizedLine();
        bytes += skipped;
        if (eof && cursor === 0) break;
        continue;
      }
      buf = scanner.dataBuffer(Math.min(buf.length * 2, maxBufferBytes));
    }
    fill();
  }
  return bytes;

  // Drops an over-long line (buf holds its first maxLineBytes + 1 bytes) without buffering it; leaves
  // cursor after its '\n', or 0 with eof set when the file ends inside it. Returns its bytes.
  function skipOversizedLine(): number {
    let skipped = 0;
    for (;;) {
      const nl = findNewline(0);
      if (nl !== -1) {
        cursor = nl + 1;
        return skipped + nl + 1;
      }
      skipped += len;
      windowPos += len;
      len = 0;
      if (eof) return skipped;
      fill();
      if (len === 0) {
        eof = true;
        return skipped;
      }
    }
  }
}
