// The coordinator's telemetry: Prometheus counters fed by its typed events, gauges read from its state
// at each scrape, and the event log as structured lines.
import { PassThrough } from 'node:stream';
import type { JobSummary, WorkerInfo } from '@loganalyzer/contract';
import { createLogger, LogLevel } from '@loganalyzer/server-kit';
import { register } from 'prom-client';
import { CoordinatorEvent, EventBus } from '../src/events';
import { coordinatorMetrics } from '../src/telemetry/coordinator-metrics';
import { logEvents } from '../src/telemetry/event-log';

const chunk = { job_id: 'job-1', worker_id: 'w1' };
const EVENTS: CoordinatorEvent[] = [
  { type: 'chunk_dispatched', ...chunk, chunk_id: 0, attempt: 1, backup: false },
  { type: 'chunk_dispatched', ...chunk, chunk_id: 1, attempt: 1, backup: false },
  { type: 'chunk_expired', ...chunk, chunk_id: 1, attempt: 1, reason: 'lease not renewed for 3000 ms' },
  { type: 'chunk_dispatched', ...chunk, chunk_id: 1, attempt: 2, backup: false },
  { type: 'chunk_dispatched', ...chunk, chunk_id: 0, attempt: 2, backup: true },
  { type: 'chunk_committed', ...chunk, chunk_id: 0, attempt: 2, duration_ms: 120, bytes: 1000, lines: 10 },
  { type: 'result_refused', ...chunk, chunk_id: 0, reason: 'the chunk was committed by another attempt' },
  { type: 'chunk_failed', ...chunk, chunk_id: 1, attempt: 2, error: 'input_changed' },
  { type: 'chunk_dispatched', ...chunk, chunk_id: 1, attempt: 3, backup: false },
  { type: 'chunk_released', ...chunk, chunk_id: 1, attempt: 3 },
  { type: 'chunk_dispatched', ...chunk, chunk_id: 1, attempt: 4, backup: false },
  { type: 'chunk_committed', ...chunk, chunk_id: 1, attempt: 4, duration_ms: 80, bytes: 234, lines: 3 },
];

function source(jobs: Array<Pick<JobSummary, 'status'>> = [], workers: Array<Pick<WorkerInfo, 'status'>> = []) {
  return { events: new EventBus(), listJobs: () => jobs as JobSummary[], listWorkers: () => workers as WorkerInfo[] };
}

/** Every sample of the registry by name and labels, as a scrape would read it. */
async function samples(registry: ReturnType<typeof coordinatorMetrics>, prefix = 'loganalyzer_'): Promise<Record<string, number>> {
  const families = await registry.getMetricsAsJSON();
  return Object.fromEntries(
    families
      .filter((family) => family.name.startsWith(prefix))
      .flatMap((family) =>
        (family.values as Array<{ metricName?: string; labels: Record<string, string | number>; value: number }>).map((v) => {
          const labels = Object.entries(v.labels).map(([k, l]) => `${k}=${l}`).join(',');
          return [`${v.metricName ?? family.name}${labels ? `{${labels}}` : ''}`, v.value];
        }),
      ),
  );
}

it('counts each chunk transition the events report: dispatches, retries, backups, commits with their bytes and lines', async () => {
  const coordinator = source();
  const registry = coordinatorMetrics(coordinator);

  for (const event of EVENTS) coordinator.events.emit(event);

  const counts = await samples(registry, 'loganalyzer_c');
  expect(counts).toMatchObject({
    loganalyzer_chunks_dispatched_total: 6,
    loganalyzer_chunks_retried_total: 3,
    loganalyzer_chunks_backup_total: 1,
    loganalyzer_chunks_committed_total: 2,
    loganalyzer_chunks_expired_total: 1,
    loganalyzer_chunks_failed_total: 1,
    loganalyzer_chunks_released_total: 1,
    loganalyzer_committed_bytes_total: 1234,
    loganalyzer_committed_lines_total: 13,
    loganalyzer_chunk_commit_seconds_count: 2,
    loganalyzer_chunk_commit_seconds_sum: 0.2,
    'loganalyzer_chunk_commit_seconds_bucket{le=0.1}': 1,
    'loganalyzer_chunk_commit_seconds_bucket{le=0.5}': 2,
  });
  expect((await samples(registry, 'loganalyzer_results')).loganalyzer_results_refused_total).toBe(1);
});

it('reads jobs by status and workers by state at each scrape, every status present', async () => {
  const jobs: Array<Pick<JobSummary, 'status'>> = [{ status: 'running' }, { status: 'completed' }, { status: 'completed' }];
  const registry = coordinatorMetrics(source(jobs, [{ status: 'active' }, { status: 'inactive' }, { status: 'active' }]));

  const before = await samples(registry, 'loganalyzer_');
  jobs.push({ status: 'failed' });
  const after = await samples(registry, 'loganalyzer_jobs');

  expect(before).toMatchObject({
    'loganalyzer_jobs{status=queued}': 0,
    'loganalyzer_jobs{status=running}': 1,
    'loganalyzer_jobs{status=completed}': 2,
    'loganalyzer_jobs{status=failed}': 0,
    'loganalyzer_workers{state=active}': 2,
    'loganalyzer_workers{state=inactive}': 1,
  });
  expect(after['loganalyzer_jobs{status=failed}']).toBe(1);
});

it("keeps its counters and the process metrics in a registry of its own, not prom-client's global one", async () => {
  const [one, other] = [source(), source()];
  const [first, second] = [coordinatorMetrics(one), coordinatorMetrics(other)];

  one.events.emit(EVENTS[5]);

  expect((await samples(first)).loganalyzer_chunks_committed_total).toBe(1);
  expect((await samples(second)).loganalyzer_chunks_committed_total).toBe(0);
  expect(await first.getSingleMetricAsString('process_cpu_seconds_total')).toMatch(/^# HELP process_cpu_seconds_total/);
  expect(await register.getMetricsAsJSON()).toStrictEqual([]);
});

function eventLog(level: LogLevel) {
  const events = new EventBus();
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  logEvents(events, createLogger({ name: 'coordinator', level, style: 'json', destination: stream }));
  const lines = () => text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
  return { events, lines };
}

it('logs each event as one line with its fields as they are, its sentence as the message', () => {
  const { events, lines } = eventLog('info');

  events.emit({ type: 'chunk_failed', ...chunk, chunk_id: 3, attempt: 2, error: 'file \u001b[2J gone' });
  events.emit({ type: 'job_completed', job_id: 'job-1', chunks: 4, reassigned: 1, appended_bytes: 0 });

  expect(lines()).toStrictEqual([
    {
      level: 'warn', time: expect.any(String), pid: process.pid, name: 'coordinator',
      event: 'chunk_failed', job_id: 'job-1', worker_id: 'w1', chunk_id: 3, attempt: 2, error: 'file \\x1b[2J gone',
      msg: 'chunk 3 of job job-1 failed on w1 (attempt 2): file \\x1b[2J gone',
    },
    {
      level: 'info', time: expect.any(String), pid: process.pid, name: 'coordinator',
      event: 'job_completed', job_id: 'job-1', chunks: 4, reassigned: 1, appended_bytes: 0,
      msg: 'job job-1 completed: 4 chunk(s), 1 reassigned',
    },
  ]);
});

it('logs each dispatch, commit and release only at debug', () => {
  const info = eventLog('info');
  const debug = eventLog('debug');

  for (const { events } of [info, debug]) {
    events.emit(EVENTS[4]);
    events.emit(EVENTS[5]);
    events.emit(EVENTS[9]);
  }

  expect(info.lines()).toStrictEqual([]);
  expect(debug.lines().map((line) => [line.level, line.event, line.msg])).toStrictEqual([
    ['debug', 'chunk_dispatched', 'chunk 0 of job job-1 sent to w1 (attempt 2, a backup)'],
    ['debug', 'chunk_committed', 'chunk 0 of job job-1 committed from w1 (attempt 2, 120 ms)'],
    ['debug', 'chunk_released', 'chunk 1 of job job-1 handed back by w1 (attempt 3)'],
  ]);
});

it('logs a listener that throws as an error, and the other listeners still get the event', () => {
  const { events, lines } = eventLog('info');
  const seen: string[] = [];
  events.on(() => {
    throw new Error('dashboard gone');
  });
  events.on((event) => seen.push(event.type));

  events.emit({ type: 'worker_lost', worker_id: 'w1', reason: 'no heartbeat for 3001 ms' });

  expect(seen).toStrictEqual(['worker_lost']);
  expect(lines().map((line) => [line.level, line.msg, (line.err as { message?: string } | undefined)?.message])).toStrictEqual([
    ['warn', 'worker w1 is inactive: no heartbeat for 3001 ms', undefined],
    ['error', 'an event listener failed', 'dashboard gone'],
  ]);
});
