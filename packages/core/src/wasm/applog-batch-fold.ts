// Folds one batch of the scanner's columns into the accumulator, in line order (so malformed samples,
// the first ten by offset, are the JS path's). A tight loop over typed arrays, no call into wasm.
import type { MetricsAccumulator } from '../analytics/metrics-accumulator';
import { levelAt } from '../level-names';
import type { ApplogScanner } from './applog-scanner';

// The line kinds of assembly/applog-scan.ts.
const KIND_APPLOG = 0;
const KIND_BLANK = 1;
const KIND_INVALID_UTF8 = 2;
const KIND_OUTSIDE_WINDOW = 4;

/** Rows [0, rows) of the scanner's columns; buf is its data buffer, whose byte 0 is file offset windowPos. */
export function foldApplogBatch(acc: MetricsAccumulator, scanner: ApplogScanner, rows: number, buf: Buffer, windowPos: number): void {
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
    } else {
      acc.addMalformed(kind === KIND_INVALID_UTF8 ? 'invalid_utf8' : 'applog', buf, starts[i], ends[i], windowPos + starts[i]);
    }
  }
}
