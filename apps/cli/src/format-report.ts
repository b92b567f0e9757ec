// The human-readable report of a finished job: the seed's metrics first, then percentiles, status codes,
// the timeline chart, breakdowns and top tables, each sketch figure with its bound; a section with
// nothing in it is left out. Every string in it came from a log file or a request (paths, user agents,
// messages, samples, even the counted levels, methods and status codes), so each goes through
// escapeControl: a raw ESC in a log shows as \x1b instead of driving the terminal.
import type { Job, MetricsReport } from '@loganalyzer/contract';
import { escapeControl } from '@loganalyzer/server-kit';
import { byCount, bytes, msOrDash, number, percent, statusGroups } from './report/numbers';
import { timelineChart } from './report/terminal-chart';
import { windowText } from './report/window-text';

function table(rows: Array<[string, string]>, indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`);
}

function counts(title: string, record: Record<string, number>, indent = '  '): string[] {
  const entries = byCount(record);
  if (entries.length === 0) return [];
  return ['', `${indent}${title}`, ...table(entries.map(([k, n]) => [escapeControl(k), number(n)]), indent + '  ')];
}

function tops(m: MetricsReport): string[] {
  const lines: string[] = [];
  const titles = { paths: 'top paths', clients: 'top clients', user_agents: 'top user agents', error_messages: 'top error messages', apps: 'top apps' } as const;
  for (const dimension of ['paths', 'clients', 'user_agents', 'error_messages', 'apps'] as const) {
    const top = m.top[dimension];
    if (top.items.length === 0) continue;
    const bound = top.exact ? 'exact' : 'a ~low–high count is a range holding the true count; ordered by the low end';
    lines.push('', `  ${titles[dimension]} (${bound})`);
    // An exact row shows its count; any other the range its true count lies in, never one number.
    const shownCounts = top.items.map((item) => (item.exact ? number(item.count) : `~${number(item.count)}–${number(item.count_max)}`));
    const width = Math.max(10, ...shownCounts.map((c) => c.length));
    top.items.forEach((item, i) => {
      const extra = dimension === 'paths' ? `  errors ${number(item.errors)}  p95 ${msOrDash(item.p95_response_time)}` : dimension === 'apps' ? `  errors ${number(item.errors)}` : '';
      // Escaped before it is cut, so the width counts what is shown.
      const shown = escapeControl(item.key);
      const key = shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
      lines.push(`    ${shownCounts[i].padStart(width)}  ${key}${extra}`);
    });
  }
  return lines;
}

/**
 * The summary table: the seed's four metrics always, then only the rows that have something to say
 * (no rates for a log without requests, no unique clients for a log that names none, no window or
 * outside_window for a job without a time window).
 */
export function summaryRows(m: MetricsReport, timestamp: (t: string | null) => string, peakAt: (t: string | null | undefined) => string): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['error_count', number(m.error_count)],
    ['request_count', number(m.request_count)],
    ['total_response_time', `${number(m.total_response_time)} ms`],
    ['avg_response_time', `${number(m.avg_response_time)} ms (over ${number(m.timed_requests)} timed requests)`],
  ];
  const when = (shown: boolean, row: [string, string]): void => {
    if (shown) rows.push(row);
  };
  when(m.request_count > 0, ['error_rate', `${percent(m.error_rate)} (errors per request)`]);
  when(m.request_count > 0, ['client_errors', number(m.client_errors)]);
  rows.push(['lines', number(m.lines)]);
  when(m.blank_lines > 0, ['blank_lines', number(m.blank_lines)]);
  when(m.continuation_lines > 0, ['continuation_lines', number(m.continuation_lines)]);
  rows.push(['malformed_lines', number(m.malformed_lines)]);
  if (m.window !== null) {
    rows.push(['window', windowText(m.window, timestamp)]);
    // Said next to the count: these lines are in no other row (but bytes), so lines + outside_window is what was read.
    rows.push(['outside_window', `${number(m.outside_window)} (lines timestamped outside the window; in no other figure but bytes)`]);
  }
  rows.push(['bytes', `${number(m.bytes)} (${bytes(m.bytes)})`]);
  when(m.bytes_sent > 0, ['bytes_sent', `${number(m.bytes_sent)} (${bytes(m.bytes_sent)})`]);
  when(m.first_timestamp !== null, ['first_timestamp', timestamp(m.first_timestamp)]);
  when(m.last_timestamp !== null, ['last_timestamp', timestamp(m.last_timestamp)]);
  when(m.request_count > 0, ['requests_per_second', `avg ${number(m.requests_per_second.average)}, peak ${number(m.requests_per_second.peak)}${peakAt(m.requests_per_second.peak_at)}`]);
  when(m.error_count > 0, ['errors_per_minute', `avg ${number(m.errors_per_minute.average)}, peak ${number(m.errors_per_minute.peak)}${peakAt(m.errors_per_minute.peak_at)}`]);
  when(m.unique_clients.estimate > 0, ['unique_clients', `~${number(m.unique_clients.estimate)} (standard error ${percent(m.unique_clients.standard_error)})`]);
  return rows;
}

/** Each status class with its codes under it, when any line had a status. */
function statuses(m: MetricsReport): string[] {
  const groups = statusGroups(m.status_classes, m.status_codes);
  if (groups.length === 0) return [];
  const rows: Array<[string, string]> = [];
  for (const group of groups) {
    rows.push([escapeControl(group.name), number(group.count)]);
    for (const [code, n] of group.codes) rows.push([`  ${escapeControl(code)}`, number(n)]);
  }
  return ['', '  status codes', ...table(rows, '    ')];
}

/** Percentiles, when any request was timed. */
function responseTimes(m: MetricsReport): string[] {
  const rt = m.response_time;
  if (m.timed_requests === 0) return [];
  return [
    '',
    `  response time (percentiles within ${percent(rt.relative_error)} of exact)`,
    ...table(
      [
        ['min', msOrDash(rt.min)],
        ['p50', msOrDash(rt.p50)],
        ['p90', msOrDash(rt.p90)],
        ['p95', msOrDash(rt.p95)],
        ['p99', msOrDash(rt.p99)],
        ['p99.9', msOrDash(rt.p99_9)],
        ['max', msOrDash(rt.max)],
      ],
      '    ',
    ),
  ];
}

/** `chartColumns` bounds the timeline chart's bars (fit it to the terminal). */
export function formatReport(job: Job, elapsedMs: number, chartColumns = 60): string {
  const m = job.metrics;
  const p = job.progress;
  const filepath = escapeControl(job.filepath);
  const timestamp = (t: string | null): string => (t === null ? '-' : escapeControl(t));
  const peakAt = (t: string | null | undefined): string => (t ? ` at ${escapeControl(t)}` : '');
  const lines = [
    `${job.inputs > 1 ? `${filepath} and ${job.inputs - 1} more` : filepath}: ${job.status} in ${(elapsedMs / 1000).toFixed(2)} s (${p.chunks_total} chunk(s)${p.chunks_reassigned ? `, ${p.chunks_reassigned} reassigned` : ''}, format ${escapeControl(job.format)})`,
    ...(p.appended_bytes > 0 ? [`note: ${number(p.appended_bytes)} bytes were appended after the job was planned; they are not in this report`] : []),
    '',
    ...table(summaryRows(m, timestamp, peakAt)),
    ...responseTimes(m),
    ...statuses(m),
    ...(m.timeline.length > 0 ? ['', ...timelineChart(m.timeline, { maxColumns: chartColumns })] : []),
    ...counts('levels', m.levels),
    ...counts('methods', m.methods),
    ...counts('formats', m.formats),
    ...counts('malformed lines by family', m.malformed.by_family),
    ...tops(m),
  ];
  if (m.malformed.samples.length > 0) {
    lines.push('', '  malformed samples');
    for (const s of m.malformed.samples.slice(0, 3)) lines.push(`    ${escapeControl(s.file)}@${s.offset} [${escapeControl(s.family)}]: "${escapeControl(s.text)}"`);
  }
  return lines.join('\n');
}
