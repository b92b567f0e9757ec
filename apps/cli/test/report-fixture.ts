// A small log whose report every figure of is known: 3 minutes of JSON requests (statuses 200, 404, 500,
// 503; a path and a user agent holding HTML and a terminal escape), 2 error lines and a malformed one;
// analyzed by the single pass and wrapped as a completed job.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job, MetricsReport } from '@loganalyzer/contract';
import { analyzeFile, TimeWindow } from '@loganalyzer/core';

export const NASTY_PATH = '/<script>alert("x")</script>\u001b[2J';
export const NASTY_AGENT = `curl/8.0 <b>'bold'</b>`;

interface Request {
  minute: number;
  second: number;
  status: number;
  path: string;
  ms: number;
  ip: string;
  agent: string;
}

const requests: Request[] = [
  { minute: 0, second: 1, status: 200, path: '/', ms: 10, ip: '10.0.0.1', agent: 'Mozilla/5.0' },
  { minute: 0, second: 2, status: 200, path: '/', ms: 20, ip: '10.0.0.2', agent: 'Mozilla/5.0' },
  { minute: 0, second: 3, status: 404, path: '/missing', ms: 5, ip: '10.0.0.1', agent: 'Mozilla/5.0' },
  { minute: 1, second: 0, status: 200, path: NASTY_PATH, ms: 30, ip: '10.0.0.3', agent: NASTY_AGENT },
  { minute: 1, second: 5, status: 500, path: '/api', ms: 400, ip: '10.0.0.3', agent: NASTY_AGENT },
  { minute: 1, second: 9, status: 503, path: '/api', ms: 1000, ip: '10.0.0.4', agent: 'Mozilla/5.0' },
  { minute: 2, second: 0, status: 200, path: '/', ms: 15, ip: '10.0.0.1', agent: 'Mozilla/5.0' },
];

function line(r: Request): string {
  const time = new Date(Date.UTC(2024, 0, 24, 10, r.minute, r.second)).toISOString();
  return JSON.stringify({ time, method: 'GET', path: r.path, status: r.status, duration_ms: r.ms, ip: r.ip, user_agent: r.agent });
}

/** With `window`, the job analyzed only that window of the log (as `--since` / `--until` ask). */
export async function writeReportFixture(dir: string, window?: TimeWindow): Promise<{ file: string; job: Job; metrics: MetricsReport }> {
  const file = join(dir, window === undefined ? 'fixture.log' : 'windowed-fixture.log');
  writeFileSync(
    file,
    [
      ...requests.map(line),
      JSON.stringify({ time: '2024-01-24T10:01:30Z', level: 'error', message: 'db down' }),
      JSON.stringify({ time: '2024-01-24T10:02:10Z', level: 'error', message: 'db down' }),
      'not a log line',
      '',
    ].join('\n'),
  );
  const metrics = await analyzeFile(file, { window });
  const job: Job = {
    job_id: 'job-1',
    filepath: file,
    inputs: 1,
    status: 'completed',
    created_at: '2024-01-24T11:00:00.000Z',
    finished_at: '2024-01-24T11:00:01.000Z',
    format: 'auto',
    chunk_size: 4096,
    progress: { chunks_total: 1, chunks_done: 1, bytes_total: metrics.bytes, bytes_done: metrics.bytes, chunks_reassigned: 0, backup_attempts: 0, results_refused: 0, appended_bytes: 0 },
    input_progress: [],
    metrics,
  };
  return { file, job, metrics };
}
