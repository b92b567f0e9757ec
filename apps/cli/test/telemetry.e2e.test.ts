// Telemetry of a real cluster (child processes on loopback): after one job, each app's Prometheus
// exposition, read with a real parser, counts exactly that job's chunks, bytes and lines; each app
// serves the OpenAPI document the contract generates; the event log is JSON lines with the event's fields.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coordinatorOpenApi, createCoordinatorClient, createWorkerClient, Job, PROMETHEUS_CONTENT_TYPE, workerOpenApi } from '@loganalyzer/contract';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { startChild, stopChild, StartedChild } from '../src/child-process';
import { coordinatorScript, LocalCluster, workerScript } from '../src/local-cluster';
import { runJob } from '../src/run-job';
import { parseExposition, total } from './prometheus-text';

jest.setTimeout(90_000);

const LINES = 20_000;
const asJson = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc));

let dir: string;
let input: { path: string; size: number };
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'telemetry-'));
  const path = join(dir, 'app.log');
  input = { path, size: writeApplogFile(path, LINES, { seed: 12 }) };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('an embedded cluster after one job', () => {
  let cluster: LocalCluster;
  let job: Job;

  beforeAll(async () => {
    cluster = await LocalCluster.start({ workers: 2, concurrency: 1 });
    job = await runJob(cluster.client, [input.path], { chunkSize: Math.ceil(input.size / 7) });
  });
  afterAll(() => cluster?.stop());

  const workerClients = () => [...cluster.workers.values()].map((w) => createWorkerClient(w.url, { token: cluster.token }));

  it("counts at the coordinator exactly the job's chunks, and its input's bytes and lines", async () => {
    const response = await cluster.client.getPrometheusMetrics();
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    const series = parseExposition(response.body);

    expect([job.status, job.progress.chunks_total, job.progress.backup_attempts]).toStrictEqual(['completed', 7, 0]);
    expect(response.headers.get('content-type')).toBe(PROMETHEUS_CONTENT_TYPE);
    expect({
      committed: series.get('loganalyzer_chunks_committed_total'),
      dispatched: series.get('loganalyzer_chunks_dispatched_total'),
      failed: series.get('loganalyzer_chunks_failed_total'),
      expired: series.get('loganalyzer_chunks_expired_total'),
      refused: series.get('loganalyzer_results_refused_total'),
      bytes: series.get('loganalyzer_committed_bytes_total'),
      lines: series.get('loganalyzer_committed_lines_total'),
      completedJobs: series.get('loganalyzer_jobs{status="completed"}'),
      runningJobs: series.get('loganalyzer_jobs{status="running"}'),
      activeWorkers: series.get('loganalyzer_workers{state="active"}'),
      reports: series.get('loganalyzer_http_request_duration_seconds_count{method="POST",route="/metrics",status="200"}'),
    }).toStrictEqual({ committed: 7, dispatched: 7, failed: 0, expired: 0, refused: 0, bytes: input.size, lines: LINES, completedJobs: 1, runningJobs: 0, activeWorkers: 2, reports: 7 });
    expect(series.get('process_cpu_seconds_total')).toBeGreaterThan(0);
  });

  it('labels request latency with route patterns, never with the URL a request named', async () => {
    await cluster.client.getJob({ params: { job_id: job.job_id } });
    await cluster.client.getJob({ params: { job_id: 'no-such-job' } });
    const response = await cluster.client.getPrometheusMetrics();
    const routes = new Set([...parseExposition(String(response.body)).keys()].flatMap((name) => /route="([^"]*)"/.exec(name)?.[1] ?? []));

    expect(parseExposition(String(response.body)).get('loganalyzer_http_request_duration_seconds_count{method="GET",route="/jobs/:job_id",status="404"}')).toBe(1);
    expect([...routes].filter((route) => route.includes(job.job_id) || route.includes('no-such-job'))).toStrictEqual([]);
    expect(routes).toContain('/jobs/:job_id');
  });

  it("counts over the workers exactly the job's chunks, bytes and lines", async () => {
    const expositions = await Promise.all(
      workerClients().map(async (client) => {
        const response = await client.getPrometheusMetrics();
        if (response.status !== 200) throw new Error(`status ${response.status}`);
        return parseExposition(response.body);
      }),
    );

    expect({
      processed: total(expositions, 'loganalyzer_worker_chunks_processed_total'),
      failed: total(expositions, 'loganalyzer_worker_chunks_failed_total'),
      bytes: total(expositions, 'loganalyzer_worker_processed_bytes_total'),
      lines: total(expositions, 'loganalyzer_worker_processed_lines_total'),
      inFlight: total(expositions, 'loganalyzer_worker_chunks_in_flight'),
    }).toStrictEqual({ processed: 7, failed: 0, bytes: input.size, lines: LINES, inFlight: 0 });
    for (const series of expositions) {
      expect(series.get('loganalyzer_worker_thread_utilization')).toBeGreaterThanOrEqual(0);
      expect(series.get('loganalyzer_worker_thread_utilization')).toBeLessThanOrEqual(1);
    }
  });

  it('serves at GET /openapi.json of each app the document the contract generates', async () => {
    const fromCoordinator = await cluster.client.getOpenApi();
    const fromWorkers = await Promise.all(workerClients().map((client) => client.getOpenApi()));

    expect([fromCoordinator.status, fromCoordinator.body]).toStrictEqual([200, asJson(coordinatorOpenApi())]);
    for (const response of fromWorkers) expect([response.status, response.body]).toStrictEqual([200, asJson(workerOpenApi())]);
  });
});

it("writes the coordinator's events as JSON lines on stderr, with their fields, and keeps the ready lines on stdout", async () => {
  const env = { LOGANALYZER_TOKEN: 'telemetry-test-token-0123456789abcdef' };
  let coordinator: StartedChild | undefined;
  let worker: StartedChild | undefined;
  try {
    coordinator = await startChild(coordinatorScript, ['--port', '0', '--state', ':memory:', '--log-level', 'debug'], { env });
    worker = await startChild(workerScript, ['--id', 'w-log', '--port', '0', '--coordinator', coordinator.url, '--concurrency', '1'], { env });
    const client = createCoordinatorClient(coordinator.url, { token: env.LOGANALYZER_TOKEN });
    const done = await runJob(client, [input.path], { chunkSize: Math.ceil(input.size / 3) });
    const lines = coordinator.recentStderr().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const commits = lines.filter((line) => line.event === 'chunk_committed');

    expect(lines.every((line) => line.name === 'coordinator' && typeof line.level === 'string' && typeof line.msg === 'string')).toBe(true);
    expect(commits.map((line) => [line.level, line.job_id, line.worker_id, line.bytes !== undefined])).toStrictEqual(Array(3).fill(['debug', done.job_id, 'w-log', true]));
    expect(commits.map((line) => line.chunk_id).sort()).toStrictEqual([0, 1, 2]);
    expect(lines.find((line) => line.event === 'job_completed')).toMatchObject({ level: 'info', job_id: done.job_id, chunks: 3, msg: `job ${done.job_id} completed: 3 chunk(s), 0 reassigned` });
  } finally {
    if (worker) await stopChild(worker.process, 'SIGTERM');
    if (coordinator) await stopChild(coordinator.process, 'SIGTERM');
  }
});
