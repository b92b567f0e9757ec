// The self-contained HTML report: the text report's sections as tables, plus SVG charts (requests and
// errors over time, status classes, latency percentiles). Inline CSS, no scripts, no external requests
// (its Content-Security-Policy forbids them); every string from a log is escaped by escapeHtml.
import type { Job, MetricsReport } from '@loganalyzer/contract';
import { summaryRows } from '../format-report';
import { escapeHtml as esc } from './html-escape';
import { byCount, msOrDash, number, percent, statusGroups } from './numbers';
import { latencySvg, statusClassesSvg, timelineSvg } from './svg-charts';
import { columnSpan, timelineColumns } from './timeline-columns';

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 760px; color: #1d2733; }
h1 { font-size: 1.3rem; word-break: break-all; } h2 { font-size: 1.05rem; margin-top: 2rem; border-bottom: 1px solid #d5dbe3; }
table { border-collapse: collapse; } td, th { padding: 2px 12px 2px 0; text-align: left; vertical-align: top; }
td.sub { padding-left: 1.5em; } td.n { text-align: right; font-variant-numeric: tabular-nums; } td.key { word-break: break-all; font-family: ui-monospace, monospace; }
.note { color: #5b6673; } svg { display: block; margin: .5rem 0; } svg text { font: 12px system-ui, sans-serif; fill: #36414d; }
rect.requests { fill: #4a7fc1; } rect.errors { fill: #d64545; } rect.bar { fill: #4a7fc1; } .axis { stroke: #8a96a3; }
.legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 12px; } `;

type Row = Array<{ text: string; numeric?: boolean; key?: boolean; sub?: boolean }>;

function table(rows: Row[], head?: string[]): string {
  const header = head ? `<tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr>` : '';
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td${c.numeric ? ' class="n"' : c.key ? ` class="key${c.sub ? ' sub' : ''}"` : ''}>${esc(c.text)}</td>`).join('')}</tr>`).join('');
  return `<table>${header}${body}</table>`;
}

function section(title: string, ...content: Array<string | null>): string {
  return `<section><h2>${esc(title)}</h2>${content.filter((c) => c !== null).join('')}</section>`;
}

function counts(title: string, record: Record<string, number>): string {
  const entries = byCount(record);
  return entries.length === 0 ? '' : section(title, table(entries.map(([k, n]) => [{ text: k, key: true }, { text: number(n), numeric: true }])));
}

function timeline(m: MetricsReport): string {
  const folded = timelineColumns(m.timeline, 120);
  if (folded === null) return '';
  const legend = `<p class="legend note"><span style="background:#4a7fc1"></span>requests<span style="background:#d64545"></span>errors, per ${columnSpan(folded.minutesPerColumn)}</p>`;
  return section('Requests and errors over time', legend, timelineSvg(folded));
}

function statuses(m: MetricsReport): string {
  const groups = statusGroups(m.status_classes, m.status_codes);
  if (groups.length === 0) return '';
  const rows: Row[] = [];
  for (const g of groups) {
    rows.push([{ text: g.name, key: true }, { text: number(g.count), numeric: true }]);
    for (const [code, n] of g.codes) rows.push([{ text: code, key: true, sub: true }, { text: number(n), numeric: true }]);
  }
  return section('Status codes', statusClassesSvg(m), table(rows));
}

function responseTimes(m: MetricsReport): string {
  if (m.timed_requests === 0) return '';
  const rt = m.response_time;
  const rows: Array<[string, number | null]> = [['min', rt.min], ['p50', rt.p50], ['p90', rt.p90], ['p95', rt.p95], ['p99', rt.p99], ['p99.9', rt.p99_9], ['max', rt.max]];
  return section(
    'Response time',
    `<p class="note">percentiles within ${esc(percent(rt.relative_error))} of exact</p>`,
    latencySvg(m),
    table(rows.map(([k, v]) => [{ text: k }, { text: msOrDash(v), numeric: true }])),
  );
}

const TOP_TITLES = { paths: 'Top paths', clients: 'Top clients', user_agents: 'Top user agents', error_messages: 'Top error messages', apps: 'Top apps' } as const;

function tops(m: MetricsReport): string {
  return (['paths', 'clients', 'user_agents', 'error_messages', 'apps'] as const)
    .map((dimension) => {
      const top = m.top[dimension];
      if (top.items.length === 0) return '';
      const withErrors = dimension === 'paths' || dimension === 'apps';
      const head = ['count', 'key', ...(withErrors ? ['errors'] : []), ...(dimension === 'paths' ? ['p95'] : [])];
      const rows = top.items.map((item): Row => [
        { text: item.exact ? number(item.count) : `~${number(item.count)}–${number(item.count_max)}`, numeric: true },
        { text: item.key, key: true },
        ...(withErrors ? [{ text: number(item.errors), numeric: true }] : []),
        ...(dimension === 'paths' ? [{ text: msOrDash(item.p95_response_time), numeric: true }] : []),
      ]);
      const bound = top.exact ? 'exact' : 'a ~low–high count is a range holding the true count; ordered by the low end';
      return section(TOP_TITLES[dimension], `<p class="note">${esc(bound)}</p>`, table(rows, head));
    })
    .join('');
}

function malformed(m: MetricsReport): string {
  const families = counts('Malformed lines by family', m.malformed.by_family);
  if (m.malformed.samples.length === 0) return families;
  const samples = m.malformed.samples.slice(0, 3).map((s): Row => [{ text: `${s.file}@${s.offset}`, key: true }, { text: s.family }, { text: s.text, key: true }]);
  return families + section('Malformed samples', table(samples, ['where', 'family', 'line']));
}

export function renderHtmlReport(job: Job, elapsedMs: number): string {
  const m = job.metrics;
  const title = job.inputs > 1 ? `${job.filepath} and ${job.inputs - 1} more` : job.filepath;
  const summary = summaryRows(m, (t) => t ?? '-', (t) => (t ? ` at ${t}` : ''));
  const p = job.progress;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${esc(`loganalyzer: ${title}`)}</title><style>${STYLE}</style></head><body>`,
    `<h1>${esc(title)}</h1>`,
    `<p class="note">${esc(`${job.status} in ${(elapsedMs / 1000).toFixed(2)} s (${p.chunks_total} chunk(s), format ${job.format})${job.finished_at ? `, finished ${job.finished_at}` : ''}`)}</p>`,
    p.appended_bytes > 0 ? `<p class="note">${esc(`${number(p.appended_bytes)} bytes were appended after the job was planned; they are not in this report`)}</p>` : '',
    section('Summary', table(summary.map(([k, v]) => [{ text: k }, { text: v }]))),
    responseTimes(m),
    statuses(m),
    timeline(m),
    counts('Levels', m.levels),
    counts('Methods', m.methods),
    counts('Formats', m.formats),
    tops(m),
    malformed(m),
    '</body></html>',
    '',
  ].join('\n');
}
