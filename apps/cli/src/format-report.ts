// The human-readable report of a finished job: the seed's metrics first, then percentiles, rates,
// breakdowns and top tables, each sketch figure with its bound. Every string in it came from a log
// file or a request (paths, user agents, messages, samples, even the counted levels and methods), so
// each goes through escapeControl: a raw ESC in a log shows as \x1b instead of driving the terminal.
import type { Job, MetricsReport } from '@loganalyzer/contract';
import { escapeControl } from '@loganalyzer/server-kit';

const number = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 3 });
const percent = (r: number): string => `${(r * 100).toFixed(2)}%`;
const msOrDash = (v: number | null | undefined): string => (v === null || v === undefined ? '-' : `${number(v)} ms`);

function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

function table(rows: Array<[string, string]>, indent = '  '): string[] {
  const width = Math.max(0, ...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `${indent}${k.padEnd(width)}  ${v}`);
}

function counts(title: string, record: Record<string, number>, indent = '  '): string[] {
  const entries = Object.entries(record).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (entries.length === 0) return [];
  return ['', `${indent}${title}`, ...table(entries.map(([k, n]) => [escapeControl(k), number(n)]), indent + '  ')];
}

function tops(m: MetricsReport): string[] {
  const lines: string[] = [];
  const titles = { paths: 'top paths', clients: 'top clients', user_agents: 'top user agents', error_messages: 'top error messages' } as const;
  for (const dimension of ['paths', 'clients', 'user_agents', 'error_messages'] as const) {
    const top = m.top[dimension];
    if (top.items.length === 0) continue;
    const bound = top.exact ? 'exact' : `counts may be high by up to ${number(top.error_bound)}`;
    lines.push('', `  ${titles[dimension]} (${bound})`);
    for (const item of top.items) {
      const extra = dimension === 'paths' ? `  errors ${number(item.errors)}  p95 ${msOrDash(item.p95_response_time)}` : '';
      // Escaped before it is cut, so the width counts what is shown.
      const shown = escapeControl(item.key);
      const key = shown.length > 80 ? `${shown.slice(0, 77)}...` : shown;
      lines.push(`    ${number(item.count).padStart(10)}  ${key}${extra}`);
    }
  }
  return lines;
}

export function formatReport(job: Job, elapsedMs: number): string {
  const m = job.metrics;
  const p = job.progress;
  const rt = m.response_time;
  const filepath = escapeControl(job.filepath);
  const timestamp = (t: string | null): string => (t === null ? '-' : escapeControl(t));
  const peakAt = (t: string | null | undefined): string => (t ? ` at ${escapeControl(t)}` : '');
  const lines = [
    `${job.inputs > 1 ? `${filepath} and ${job.inputs - 1} more` : filepath}: ${job.status} in ${(elapsedMs / 1000).toFixed(2)} s (${p.chunks_total} chunk(s)${p.chunks_reassigned ? `, ${p.chunks_reassigned} reassigned` : ''}, format ${escapeControl(job.format)})`,
    ...(p.appended_bytes > 0 ? [`note: ${number(p.appended_bytes)} bytes were appended after the job was planned; they are not in this report`] : []),
    '',
    ...table([
      ['error_count', number(m.error_count)],
      ['request_count', number(m.request_count)],
      ['total_response_time', `${number(m.total_response_time)} ms`],
      ['avg_response_time', `${number(m.avg_response_time)} ms (over ${number(m.timed_requests)} timed requests)`],
      ['error_rate', `${percent(m.error_rate)} (errors per request)`],
      ['client_errors', number(m.client_errors)],
      ['lines', number(m.lines)],
      ['blank_lines', number(m.blank_lines)],
      ['malformed_lines', number(m.malformed_lines)],
      ['bytes', `${number(m.bytes)} (${bytes(m.bytes)})`],
      ['bytes_sent', `${number(m.bytes_sent)} (${bytes(m.bytes_sent)})`],
      ['first_timestamp', timestamp(m.first_timestamp)],
      ['last_timestamp', timestamp(m.last_timestamp)],
      ['requests_per_second', `avg ${number(m.requests_per_second.average)}, peak ${number(m.requests_per_second.peak)}${peakAt(m.requests_per_second.peak_at)}`],
      ['errors_per_minute', `avg ${number(m.errors_per_minute.average)}, peak ${number(m.errors_per_minute.peak)}${peakAt(m.errors_per_minute.peak_at)}`],
      ['unique_clients', `~${number(m.unique_clients.estimate)} (standard error ${percent(m.unique_clients.standard_error)})`],
    ]),
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
    ...counts('levels', m.levels),
    ...counts('status classes', m.status_classes),
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
