// Folds one batch of the scanner's columns into the accumulator, in line order (so malformed samples,
// the first ten by offset, are the JS path's). A tight loop over typed arrays, no call into wasm.
// Under `auto`, a line that is not applog goes to auto-detection (otherLines) instead of being
// malformed: the scanner has done its newline search, UTF-8 check and CR already.
import type { MetricsAccumulator } from '../analytics/metrics-accumulator';
import { levelAt } from '../level-names';
import type { ApplogScanner } from './applog-scanner';

// The line kinds of assembly/applog-scan.ts.
const KIND_APPLOG = 0;
const KIND_BLANK = 1;
const KIND_INVALID_UTF8 = 2;
const KIND_MALFORMED = 3;
const KIND_OUTSIDE_WINDOW = 4;

/** Takes a line that is not blank, is valid UTF-8 and has no CR at its end (the analyzer's RangeAnalyzer). */
export interface ParsedLineSink {
  parsedLine(buf: Buffer, lineStart: number, lineEnd: number, fileOffset: number): void;
}

/**
 * Rows [0, rows) of the scanner's columns; buf is its data buffer, whose byte 0 is file offset
 * windowPos. A line that is not applog is malformed, or otherLines' to read when there is one.
 */
export function foldApplogBatch(acc: MetricsAccumulator, scanner: ApplogScanner, rows: number, buf: Buffer, windowPos: number, otherLines: ParsedLineSink | null): void {
  const { kinds, starts, ends, times, durations, levelSlots, levelStarts, levelEnds, levelOfSlot } = scanner;
  for (let i = 0; i < rows; i++) {
    const kind = kinds[i];
    if (kind === KIND_APPLOG) {
      const levelEnd = levelEnds[i];
      const end = ends[i];
      const slot = levelSlots[i];
      let level = slot >= 0 ? levelOfSlot[slot] : undefined;
      if (level === undefined) {
        level = levelAt(buf, levelStarts[i], levelEnd);
        if (slot >= 0) levelOfSlot[slot] = level;
      }
      acc.addApplogFields(buf, times[i], level, Math.min(levelEnd + 1, end), end, durations[i]);
    } else if (kind === KIND_BLANK) {
      acc.addBlank();
    } else if (kind === KIND_OUTSIDE_WINDOW) {
      acc.addOutsideWindow();
    } else if (kind === KIND_INVALID_UTF8) {
      acc.addMalformed('invalid_utf8', buf, starts[i], ends[i], windowPos + starts[i]);
    } else if (otherLines !== null) {
      otherLines.parsedLine(buf, starts[i], ends[i], windowPos + starts[i]);
    } else {
      acc.addMalformed('applog', buf, starts[i], ends[i], windowPos + starts[i]);
    }
  }
}

/** How many of the batch's rows [0, rows) are lines that are not applog (blank and broken lines aside). */
export function countOtherLines(scanner: ApplogScanner, rows: number): number {
  const kinds = scanner.kinds;
  let other = 0;
  for (let i = 0; i < rows; i++) if (kinds[i] === KIND_MALFORMED) other++;
  return other;
}
