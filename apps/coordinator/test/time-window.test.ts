// A job's time window at the coordinator: it travels in every chunk task, survives a restart with
// the job, and the job's report shows it beside the count of lines outside it.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { analyzeCompressedFile, analyzeFile } from '@loganalyzer/core';
import { Coordinator } from '../src/coordinator';
import { SqliteStore } from '../src/state/sqlite-store';
import { fakeSender, partialOf, registerWorker, reportKey, settle, setup, startJob, useTempLogs, windowOf } from './helpers';

const logs = useTempLogs();
const since = Date.UTC(2024, 0, 24, 10, 16);
const until = Date.UTC(2024, 0, 24, 10, 18);

it('sends the window with every chunk, plain and gzip, and reports the merge with the window shown', async () => {
  const { coordinator, sent } = setup();
  await registerWorker(coordinator, 'a', 16);
  const plain = logs.applog('window.log', 2000, 1);
  const gz = logs.write('window.log.gz', gzipSync(readFileSync(plain.path)));
  const jobId = await startJob(coordinator, { inputs: [plain.path, gz], chunk_size: 20_000, since_ms: since, until_ms: until });
  expect(sent.length).toBeGreaterThan(2);
  expect(sent.every((s) => s.task.since_ms === since && s.task.until_ms === until)).toBe(true);
  for (const s of sent) {
    s.accept();
    const metrics = s.task.input.kind === 'gzip' ? await analyzeCompressedFile(s.task.input.path, 'gzip', { snapshot: s.task.snapshot, window: windowOf(s.task) }) : partialOf(s.task);
    coordinator.reportMetrics({ ...reportKey(s), metrics });
    await settle();
  }
  await coordinator.idle();

  const job = coordinator.getJob(jobId);
  const single = await analyzeFile(plain.path, { window: { sinceMs: since, untilMs: until } });
  expect(job.status).toBe('completed');
  expect(job.metrics.window).toStrictEqual({ since: '2024-01-24T10:16:00.000Z', until: '2024-01-24T10:18:00.000Z' });
  expect([job.metrics.outside_window, job.metrics.lines, job.metrics.error_count]).toStrictEqual([2 * single.outside_window, 2 * single.lines, 2 * single.error_count]);
  expect(single.outside_window).toBeGreaterThan(0);
});

it('shows no window on a job without one', async () => {
  const { coordinator } = setup();
  const plain = logs.applog('no-window.log', 10, 2);
  const jobId = await startJob(coordinator, { filepath: plain.path });
  expect([coordinator.getJob(jobId).metrics.window, coordinator.getJob(jobId).metrics.outside_window]).toStrictEqual([null, 0]);
});

it('keeps the window of a job across a restart on its state file', async () => {
  const path = logs.path('window.db');
  const plain = logs.applog('restart-window.log', 500, 3);
  const first = setup({ store: new SqliteStore(path) });
  await registerWorker(first.coordinator, 'a', 1);
  const jobId = await startJob(first.coordinator, { filepath: plain.path, since_ms: since });
  await first.coordinator.close();

  const { sendChunk, sent } = fakeSender();
  // No prefetch: the one chunk b's one thread takes is the one checked.
  const second = new Coordinator({ sendChunk, store: new SqliteStore(path), prefetch: 0 });
  second.start();
  await registerWorker(second, 'b', 1);
  await settle();
  try {
    expect(sent.map((s) => [s.task.job_id, s.task.since_ms, s.task.until_ms])).toStrictEqual([[jobId, since, undefined]]);
    expect(second.getJob(jobId).metrics.window).toStrictEqual({ since: '2024-01-24T10:16:00.000Z', until: null });
  } finally {
    await second.close();
  }
});
