// The worker's telemetry. Prometheus metrics: each chunk its processor runs is counted by outcome, with
// its bytes and lines; chunks in flight and thread utilisation are read at each scrape. Logs: JSON lines
// with the fields of the chunk they are about.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createChunkPool, statInput } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { createLogger } from '@loganalyzer/server-kit';
import type { Registry } from 'prom-client';
import { ChunkWorker } from '../src/chunk-worker';
import { pinoWorkerLog } from '../src/telemetry/worker-log';
import { linesOfPartial, WorkerMetrics } from '../src/telemetry/worker-metrics';
import { fakeReporter, sampleMetrics, task } from './helpers';

async function samples(registry: Registry): Promise<Record<string, number>> {
  const families = await registry.getMetricsAsJSON();
  return Object.fromEntries(
    families
      .filter((family) => family.name.startsWith('loganalyzer_worker_'))
      .flatMap((family) => (family.values as Array<{ metricName?: string; value: number }>).map((v) => [v.metricName ?? family.name, v.value])),
  );
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'worker-telemetry-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("reads the line count from the head of a pool thread's JSON, equal to the partial's own", async () => {
  const path = join(dir, 'app.log');
  const size = writeApplogFile(path, 5000, { seed: 7 });
  const pool = createChunkPool({ concurrency: 1 });
  try {
    const job = { filepath: path, start: 1000, size: size - 2000, options: { snapshot: await statInput(path) } };
    const [blocks, partial] = [await pool.runAsJson(job), await pool.run(job)];

    expect(partial.lines).toBeGreaterThan(4000);
    expect(linesOfPartial(blocks)).toBe(partial.lines);
    expect(linesOfPartial(partial)).toBe(partial.lines);
  } finally {
    await pool.close();
  }
});

it('does not guess a line count from JSON of another shape', () => {
  expect(linesOfPartial([Buffer.from('{"lines":12,"version":2}')])).toBeUndefined();
  expect(linesOfPartial([])).toBeUndefined();
});

it('counts chunks analyzed, failed and aborted, with the bytes and lines of those analyzed', async () => {
  const metrics = new WorkerMetrics({ chunksInFlight: () => 0 });
  const outcomes = [() => Promise.resolve(sampleMetrics()), () => Promise.reject(new Error('input_changed')), () => Promise.resolve(sampleMetrics())];
  const process = metrics.counting(() => outcomes.shift()!());
  const aborted = new AbortController();
  aborted.abort(new Error('the lease is no longer live'));
  const abortedProcess = metrics.counting(() => Promise.reject(new Error('aborted')));

  await process(task({ size: 1000 }), new AbortController().signal);
  await expect(process(task({ size: 2000 }), new AbortController().signal)).rejects.toThrow('input_changed');
  await process(task({ size: 24 }), new AbortController().signal);
  await expect(abortedProcess(task(), aborted.signal)).rejects.toThrow('aborted');

  expect(await samples(metrics.registry)).toMatchObject({
    loganalyzer_worker_chunks_processed_total: 2,
    loganalyzer_worker_chunks_failed_total: 1,
    loganalyzer_worker_chunks_aborted_total: 1,
    loganalyzer_worker_processed_bytes_total: 1024,
    loganalyzer_worker_processed_lines_total: 2 * sampleMetrics().lines,
    loganalyzer_worker_chunk_seconds_count: 2,
  });
});

it('reads chunks in flight and thread utilisation when scraped', async () => {
  let inFlight = 3;
  const metrics = new WorkerMetrics({ chunksInFlight: () => inFlight, threadUtilization: () => 0.25 });

  const first = await samples(metrics.registry);
  inFlight = 1;
  const second = await samples(metrics.registry);

  expect([first.loganalyzer_worker_chunks_in_flight, second.loganalyzer_worker_chunks_in_flight]).toStrictEqual([3, 1]);
  expect(second.loganalyzer_worker_thread_utilization).toBe(0.25);
  expect(Object.keys(await samples(new WorkerMetrics({ chunksInFlight: () => 0 }).registry))).not.toContain('loganalyzer_worker_thread_utilization');
});

it('logs what happens to a chunk with the fields that name it, a failure as a warning, through pino as JSON', async () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const logger = createLogger({ name: 'worker', style: 'json', destination: stream }).child({ worker_id: 'w-1' });
  const { reporter, reported } = fakeReporter();
  const worker = new ChunkWorker({ workerId: 'w-1', concurrency: 1, process: () => Promise.reject(new Error('input_changed: \u001b[2J')), reporter, log: pinoWorkerLog(logger) });

  worker.accept(task());
  await reported(1);

  expect(text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line))).toStrictEqual([
    {
      level: 'warn', time: expect.any(String), pid: process.pid, name: 'worker', worker_id: 'w-1',
      job_id: 'job-1', chunk_id: 3, attempt: 2,
      msg: 'chunk 3 of job job-1 failed: input_changed: \\x1b[2J',
    },
  ]);
});
