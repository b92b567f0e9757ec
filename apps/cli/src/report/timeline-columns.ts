// The report's per-minute timeline folded into at most N columns for a chart: the minutes from the first
// to the last, gaps counted as zero, each column the sum of the same number of consecutive minutes. A
// timeline spanning years costs one pass over its points, never one slot per minute.
import type { MetricsReport } from '@loganalyzer/contract';

export interface TimelineColumn {
  /** ISO time of the column's first minute. */
  start: string;
  requests: number;
  errors: number;
}

export interface TimelineColumns {
  minutesPerColumn: number;
  columns: TimelineColumn[];
  /** ISO time just after the last column's last minute. */
  end: string;
}

const MINUTE_MS = 60_000;

export function timelineColumns(timeline: MetricsReport['timeline'], maxColumns: number): TimelineColumns | null {
  if (timeline.length === 0 || maxColumns < 1) return null;
  const minutes = timeline.map((p) => Date.parse(p.minute));
  // A loop, not Math.min(...): a long timeline would overflow the call's arguments.
  let first = Infinity;
  let last = -Infinity;
  for (const m of minutes) {
    if (m < first) first = m;
    if (m > last) last = m;
  }
  const span = (last - first) / MINUTE_MS + 1;
  const minutesPerColumn = Math.ceil(span / maxColumns);
  const count = Math.ceil(span / minutesPerColumn);
  const columns: TimelineColumn[] = Array.from({ length: count }, (_, i) => ({
    start: new Date(first + i * minutesPerColumn * MINUTE_MS).toISOString(),
    requests: 0,
    errors: 0,
  }));
  timeline.forEach((point, i) => {
    const column = columns[Math.floor((minutes[i] - first) / MINUTE_MS / minutesPerColumn)];
    column.requests += point.requests;
    column.errors += point.errors;
  });
  return { minutesPerColumn, columns, end: new Date(first + count * minutesPerColumn * MINUTE_MS).toISOString() };
}

/** "1 minute", "15 minutes", "2 hours": what one column holds. */
export function columnSpan(minutesPerColumn: number): string {
  if (minutesPerColumn % 1440 === 0) return minutesPerColumn === 1440 ? 'day' : `${minutesPerColumn / 1440} days`;
  if (minutesPerColumn % 60 === 0) return minutesPerColumn === 60 ? 'hour' : `${minutesPerColumn / 60} hours`;
  return minutesPerColumn === 1 ? 'minute' : `${minutesPerColumn} minutes`;
}
