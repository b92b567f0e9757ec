// Bar charts drawn with block characters, one column per value, eight steps per row: the report's
// requests and errors over time, bounded to the width it is given.
import { columnSpan, timelineColumns } from './timeline-columns';

const EIGHTHS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** Rows from top to bottom; the tallest value fills every row, any value above zero shows at least one eighth. */
export function barRows(values: number[], height: number): string[] {
  const max = Math.max(0, ...values);
  const eighths = values.map((v) => (v <= 0 || max === 0 ? 0 : Math.max(1, Math.round((v / max) * height * 8))));
  const rows: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    rows.push(eighths.map((e) => EIGHTHS[Math.min(8, Math.max(0, e - row * 8))]).join(''));
  }
  return rows;
}

const format = (n: number): string => n.toLocaleString('en-US');
/** 2024-01-24T10:15:00.000Z → 2024-01-24 10:15 */
const minute = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

/** A chart with its peak on the axis at the top and 0 at the bottom; labelWidth lines up charts drawn one under the other. */
function chart(title: string, values: number[], height: number, indent: string, labelWidth: number): string[] {
  const rows = barRows(values, height);
  const peak = format(Math.max(...values));
  const width = Math.max(peak.length, labelWidth);
  return [
    `${indent}${title}`,
    ...rows.map((row, i) => `${indent}  ${(i === 0 ? peak : i === rows.length - 1 ? '0' : '').padStart(width)} |${row}`),
  ];
}

export interface TimelineChartOptions {
  /** Columns of bars at most (the chart's width is this plus its axis). */
  maxColumns?: number;
  height?: number;
  indent?: string;
}

/** Requests per minute (or per a longer span, to fit the width), then errors when there are any, over one time axis. */
export function timelineChart(timeline: Parameters<typeof timelineColumns>[0], options: TimelineChartOptions = {}): string[] {
  const indent = options.indent ?? '  ';
  const folded = timelineColumns(timeline, options.maxColumns ?? 60);
  if (folded === null) return [];
  const span = columnSpan(folded.minutesPerColumn);
  const requests = folded.columns.map((c) => c.requests);
  const errors = folded.columns.map((c) => c.errors);
  const height = options.height ?? 6;
  const labelWidth = format(Math.max(...requests, ...errors)).length;
  const lines: string[] = [];
  if (requests.some((n) => n > 0)) lines.push(...chart(`requests per ${span}`, requests, height, indent, labelWidth));
  if (errors.some((n) => n > 0)) lines.push(...chart(`errors per ${span}`, errors, Math.max(2, Math.ceil(height / 2)), indent, labelWidth));
  if (lines.length === 0) return [];
  // The time axis under the bars: first minute at the left, end of the last column at the right.
  const axisStart = lines[lines.length - 1].indexOf('|') + 1;
  const from = minute(folded.columns[0].start);
  // The end's date only when it is not the start's.
  const to = folded.end.slice(0, 10) === folded.columns[0].start.slice(0, 10) ? minute(folded.end).slice(11) : minute(folded.end);
  const gap = Math.max(1, folded.columns.length - from.length - to.length);
  lines.push(`${' '.repeat(axisStart)}${from}${' '.repeat(gap)}${to} UTC`);
  return lines;
}
