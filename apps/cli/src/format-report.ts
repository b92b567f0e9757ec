// The human-readable report of a finished job.
import type { Job } from '@loganalyzer/contract';

const number = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 3 });
const percent = (r: number): string => `${(r * 100).toFixed(2)}%`;

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

export function formatReport(job: Job, elapsedMs: number): string {
  const m = job.metrics;
  const p = job.progress;
  const rows: Array<[string, string]> = [
    ['error_count', number(m.error_count)],
    ['request_count', number(m.request_count)],
    ['total_response_time', `${number(m.total_response_time)} ms`],
    ['avg_response_time', `${number(m.avg_response_time)} ms`],
    ['error_rate', `${percent(m.error_rate)} (errors per request)`],
    ['lines', number(m.lines)],
    ['blank_lines', number(m.blank_lines)],
    ['malformed_lines', number(m.malformed_lines)],
    ['bytes', `${number(m.bytes)} (${bytes(m.bytes)})`],
    ['first_timestamp', m.first_timestamp ?? '-'],
    ['last_timestamp', m.last_timestamp ?? '-'],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  const lines = [
    `${job.filepath}: ${job.status} in ${(elapsedMs / 1000).toFixed(2)} s (${p.chunks_total} chunk(s)${p.chunks_reassigned ? `, ${p.chunks_reassigned} reassigned` : ''})`,
    '',
    ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
  ];
  const levels = Object.entries(m.levels).sort((a, b) => b[1] - a[1]);
  if (levels.length > 0) {
    lines.push('', '  levels');
    for (const [level, count] of levels) lines.push(`    ${level.padEnd(width - 2)}  ${number(count)}`);
  }
  return lines.join('\n');
}
