// Folds application-log lines ("2024-01-24 10:15:32.123 INFO Request processed in 127ms") into
// mergeable metrics. Works on bytes and offsets: no string is made per line.
import { findReportedDuration } from './duration';
import { levelAt } from './level-names';
import { emptyMetrics, PartialMetrics, sortKeys } from './metrics';
import { parseTimestamp, timestampEnd } from './timestamp';

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const MAX_LEVEL_LENGTH = 16;

export class ApplogAccumulator {
  private readonly m: PartialMetrics = emptyMetrics();
  private readonly levels = new Map<string, number>();
  private first = Infinity;
  private last = -Infinity;

  /** One line without its '\n'; bytesWithNewline is what the line occupied in the file. */
  addLine(buf: Buffer, start: number, end: number, utf8Valid: boolean): void {
    const m = this.m;
    m.lines++;
    if (end > start && buf[end - 1] === CR) end--;
    let i = start;
    while (i < end && (buf[i] === SPACE || buf[i] === TAB)) i++;
    if (i === end) {
      m.blank_lines++;
      return;
    }
    if (!utf8Valid) {
      m.malformed_lines++;
      return;
    }
    const time = parseTimestamp(buf, start, end);
    if (Number.isNaN(time)) {
      m.malformed_lines++;
      return;
    }
    i = timestampEnd;
    if (i >= end || buf[i] !== SPACE) {
      m.malformed_lines++;
      return;
    }
    const levelStart = ++i;
    while (i < end && buf[i] >= 0x41 && buf[i] <= 0x5a) i++;
    const levelEnd = i;
    if (levelEnd === levelStart || levelEnd - levelStart > MAX_LEVEL_LENGTH || (i < end && buf[i] !== SPACE)) {
      m.malformed_lines++;
      return;
    }

    const level = levelAt(buf, levelStart, levelEnd);
    this.levels.set(level.name, (this.levels.get(level.name) ?? 0) + 1);
    if (level.isError) m.error_count++;
    if (time < this.first) this.first = time;
    if (time > this.last) this.last = time;

    const micros = findReportedDuration(buf, levelEnd + 1, end);
    if (micros >= 0) {
      m.request_count++;
      m.total_response_time_us += micros;
    }
  }

  addMalformed(): void {
    this.m.lines++;
    this.m.malformed_lines++;
  }

  result(bytes: number): PartialMetrics {
    return {
      ...this.m,
      bytes,
      levels: sortKeys(Object.fromEntries(this.levels)),
      first_timestamp_ms: this.first === Infinity ? null : this.first,
      last_timestamp_ms: this.last === -Infinity ? null : this.last,
    };
  }
}
