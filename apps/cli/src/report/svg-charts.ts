// The HTML report's charts as inline SVG: requests and errors over time, status classes, latency
// percentiles. Each bar carries its figure in data-value and a <title>, so a test (or a hover) reads
// the number the bar was drawn from.
import type { MetricsReport } from '@loganalyzer/contract';
import { escapeHtml } from './html-escape';
import { number } from './numbers';
import { columnSpan, TimelineColumns } from './timeline-columns';

const WIDTH = 720;
const esc = escapeHtml;
const fixed = (n: number): string => (Math.round(n * 100) / 100).toString();

/** Requests per column as bars, the column's errors as a red bar beside them, on one scale. */
export function timelineSvg(folded: TimelineColumns): string {
  const height = 220;
  const top = 16;
  const bottom = 28;
  const left = 56;
  const plotW = WIDTH - left - 8;
  const plotH = height - top - bottom;
  const peak = Math.max(1, ...folded.columns.map((c) => Math.max(c.requests, c.errors)));
  const step = plotW / folded.columns.length;
  // Side by side: errors can outnumber requests (error lines that are not requests), so an overlay could hide them.
  const barW = Math.max(0.5, step * 0.45);
  const span = columnSpan(folded.minutesPerColumn);
  const bars = folded.columns
    .map((c, i) => {
      const x = left + i * step;
      const bar = (cls: string, value: number, offset: number): string => {
        const h = (value / peak) * plotH;
        return `<rect class="${cls}" x="${fixed(x + offset)}" y="${fixed(top + plotH - h)}" width="${fixed(barW)}" height="${fixed(h)}" data-start="${c.start}" data-value="${value}"><title>${c.start}: ${number(value)} ${cls} in the ${span}</title></rect>`;
      };
      return bar('requests', c.requests, 0) + (c.errors > 0 ? bar('errors', c.errors, barW) : '');
    })
    .join('');
  const first = folded.columns[0].start.slice(0, 16).replace('T', ' ');
  const end = folded.end.slice(0, 16).replace('T', ' ');
  return [
    `<svg id="chart-timeline" role="img" aria-label="requests and errors per ${span}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">`,
    `<line class="axis" x1="${left}" y1="${top + plotH}" x2="${WIDTH - 8}" y2="${top + plotH}"/>`,
    `<text class="label" x="${left - 6}" y="${top + 4}" text-anchor="end">${number(peak)}</text>`,
    `<text class="label" x="${left - 6}" y="${top + plotH}" text-anchor="end">0</text>`,
    bars,
    `<text class="label" x="${left}" y="${height - 8}">${first}</text>`,
    `<text class="label" x="${WIDTH - 8}" y="${height - 8}" text-anchor="end">${end} UTC</text>`,
    '</svg>',
  ].join('');
}

export interface LabelledValue {
  label: string;
  value: number;
  /** What is printed after the bar; default the value as a number. */
  shown?: string;
}

/** One horizontal bar per row, its label to the left and its figure to the right. */
export function horizontalBarsSvg(id: string, ariaLabel: string, rows: LabelledValue[]): string {
  const rowH = 26;
  const left = 80;
  const right = 140;
  const height = rows.length * rowH + 8;
  const peak = Math.max(1, ...rows.map((r) => r.value));
  const body = rows
    .map((r, i) => {
      const y = 4 + i * rowH;
      const w = (r.value / peak) * (WIDTH - left - right);
      const shown = esc(r.shown ?? number(r.value));
      return [
        `<g class="row" data-label="${esc(r.label)}" data-value="${r.value}">`,
        `<text class="label" x="${left - 8}" y="${y + 17}" text-anchor="end">${esc(r.label)}</text>`,
        `<rect class="bar" x="${left}" y="${y + 3}" width="${fixed(Math.max(w, r.value > 0 ? 1 : 0))}" height="${rowH - 8}"><title>${esc(r.label)}: ${shown}</title></rect>`,
        `<text class="figure" x="${fixed(left + w + 8)}" y="${y + 17}">${shown}</text>`,
        '</g>',
      ].join('');
    })
    .join('');
  return `<svg id="${esc(id)}" role="img" aria-label="${esc(ariaLabel)}" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}">${body}</svg>`;
}

export function statusClassesSvg(m: MetricsReport): string | null {
  const rows = Object.keys(m.status_classes)
    .sort()
    .map((label) => ({ label, value: m.status_classes[label] }));
  return rows.length === 0 ? null : horizontalBarsSvg('chart-status-classes', 'requests by status class', rows);
}

export function latencySvg(m: MetricsReport): string | null {
  const rt = m.response_time;
  const points: Array<[string, number | null]> = [
    ['p50', rt.p50],
    ['p90', rt.p90],
    ['p95', rt.p95],
    ['p99', rt.p99],
    ['p99.9', rt.p99_9],
    ['max', rt.max],
  ];
  const rows = points.filter((p): p is [string, number] => p[1] !== null).map(([label, value]) => ({ label, value, shown: `${number(value)} ms` }));
  return m.timed_requests === 0 || rows.length === 0 ? null : horizontalBarsSvg('chart-latency', 'response time percentiles in ms', rows);
}
