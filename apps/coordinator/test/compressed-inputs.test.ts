// Compressed inputs at the coordinator: a path's first bytes decide its kind, a gzip input is one
// chunk over its whole compressed size, its partial's decompressed bytes pass the byte checks, and
// compressions that cannot be read fail the job naming the file. zstd is read like gzip.
import { readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { ChunkTask } from '@loganalyzer/contract';
import { analyzeCompressedFile, analyzeFilePartial, mergeAll, PartialMetrics, toReport } from '@loganalyzer/core';
import { Coordinator } from '../src/coordinator';
import { SqliteStore } from '../src/state/sqlite-store';
import { COMPRESSED_WORK_FACTOR } from '../src/work-estimate';
import { fakeSender, partialOf, registerWorker, reportDone, reportKey, sends, settle, setup, startJob, T0, useTempLogs } from './helpers';

const logs = useTempLogs();

function compressedPartialOf(task: ChunkTask): Promise<PartialMetrics> {
  if (task.input.kind === 'file') return Promise.resolve(partialOf(task));
  return analyzeCompressedFile(task.input.path, task.input.kind, { snapshot: task.snapshot });
}

function gzipOf(name: string, lines: number, seed: number): { plain: string; gz: string } {
  const plain = logs.applog(name, lines, seed).path;
  return { plain, gz: logs.write(`${name}.gz`, gzipSync(readFileSync(plain))) };
}

it('reads a bare path by its first bytes: a gzip one is one whole chunk of kind gzip, whatever its name', async () => {
  const { coordinator, sent } = setup();
  await registerWorker(coordinator, 'a', 4);
  const plain = logs.applog('plain.log', 400, 1);
  const { gz } = gzipOf('named-plain', 3000, 2);
  const disguised = logs.write('disguised.log', readFileSync(gz));
  const jobId = await startJob(coordinator, { inputs: [disguised, plain.path], chunk_size: 4096 });

  const job = coordinator.getJob(jobId);
  const gzSize = statSync(disguised).size;
  expect(gzSize).toBeGreaterThan(4096);
  expect(job.input_progress.map((i) => [i.input, i.chunks_total, i.bytes_total])).toStrictEqual([
    [{ kind: 'gzip', path: disguised }, 1, gzSize],
    [{ kind: 'file', path: plain.path }, Math.ceil(plain.size / 4096), plain.size],
  ]);
  const gzTasks = sent.map((s) => s.task).filter((t) => t.input.kind === 'gzip');
  expect(gzTasks.map((t) => [t.start, t.size])).toStrictEqual([[0, gzSize]]);
});

/** A zstd frame of one raw block (at most 128 KiB) in a 128 KiB window: valid zstd, written without a compressor. */
function zstdFrameOf(text: Buffer): Buffer {
  const block = text.length * 8 + 1; // raw block, last
  return Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38, block & 0xff, (block >> 8) & 0xff, block >> 16]), text]);
}

it('reads a bare zstd path as one whole chunk of kind zstd, whatever its name, on every Node', async () => {
  const { coordinator, sent } = setup();
  await registerWorker(coordinator, 'a', 4);
  const plain = logs.applog('zstd-plain.log', 3000, 7);
  const text = readFileSync(plain.path).subarray(0, 100_000);
  const zst = logs.write('disguised-zstd.log', Buffer.concat([zstdFrameOf(text.subarray(0, 60_000)), zstdFrameOf(text.subarray(60_000))]));
  const jobId = await startJob(coordinator, { inputs: [zst], chunk_size: 4096 });
  const size = statSync(zst).size;
  expect(coordinator.getJob(jobId).input_progress.map((i) => [i.input, i.chunks_total, i.bytes_total])).toStrictEqual([[{ kind: 'zstd', path: zst }, 1, size]]);
  expect(sent.map((s) => [s.task.input.kind, s.task.start, s.task.size])).toStrictEqual([['zstd', 0, size]]);
  sent[0].accept();
  const metrics = await compressedPartialOf(sent[0].task);
  expect(metrics.bytes).toBe(100_000);
  expect(coordinator.reportMetrics({ ...reportKey(sent[0]), metrics })).toStrictEqual({ accepted: true, reason: 'committed' });
  await settle();
  await coordinator.idle();
  expect([coordinator.getJob(jobId).status, coordinator.getJob(jobId).metrics?.bytes]).toStrictEqual(['completed', 100_000]);
});

it('fails an input tagged zstd that is gzip, naming it', async () => {
  const { coordinator } = setup();
  const { gz } = gzipOf('tagged-zstd', 10, 8);
  const jobId = await startJob(coordinator, { inputs: [{ kind: 'zstd', path: gz }] });
  expect([coordinator.getJob(jobId).status, coordinator.getJob(jobId).error]).toStrictEqual(['failed', `${gz} was given as zstd but is gzip-compressed`]);
});

it('gives a gzip chunk a deadline for its decompressed work', async () => {
  const { coordinator, sent, clock } = setup({ deadlineBaseMs: 1000, deadlineBytesPerSecond: 1000, leaseMs: 1e12, workerTimeoutMs: 1e12 });
  await registerWorker(coordinator, 'a', 1);
  const { gz } = gzipOf('deadline', 200, 3);
  await startJob(coordinator, { filepath: gz });
  const size = statSync(gz).size;
  sent[0].accept();
  // Just before the deadline, the attempt still runs; just after it, the chunk is taken back.
  const deadline = 1000 + size * COMPRESSED_WORK_FACTOR;
  clock.advance(deadline - 1);
  coordinator.sweep();
  expect(coordinator.getJob(sent[0].task.job_id).progress.chunks_reassigned).toBe(0);
  clock.advance(2);
  coordinator.sweep();
  expect(coordinator.getJob(sent[0].task.job_id).progress.chunks_reassigned).toBe(1);
  expect(clock.now() - T0).toBe(deadline + 1);
});

it('commits a gzip chunk that owns more (decompressed) bytes than the file has, and completes the job with the merge of single passes', async () => {
  const { coordinator, sent } = setup();
  await registerWorker(coordinator, 'a', 8);
  const plain = logs.applog('mixed-plain.log', 700, 4);
  const first = gzipOf('first', 1500, 5);
  const second = gzipOf('second', 900, 6);
  const jobId = await startJob(coordinator, { inputs: [plain.path, first.gz, second.gz], chunk_size: 5000 });
  for (let next = 0; next < sent.length; next++) {
    sent[next].accept();
    const metrics = await compressedPartialOf(sent[next].task);
    if (sent[next].task.input.kind === 'gzip') expect(metrics.bytes).toBeGreaterThan(statSync(sent[next].task.input.path).size);
    expect(coordinator.reportMetrics({ ...reportKey(sent[next]), metrics })).toStrictEqual({ accepted: true, reason: 'committed' });
    await settle();
  }
  await coordinator.idle();

  const job = coordinator.getJob(jobId);
  expect([job.status, job.error]).toStrictEqual(['completed', undefined]);
  const reference = toReport(mergeAll([analyzeFilePartial(plain.path), await analyzeCompressedFile(first.gz, 'gzip'), await analyzeCompressedFile(second.gz, 'gzip')]));
  expect(job.metrics).toStrictEqual(reference);
  expect(job.metrics.bytes).toBe(statSync(plain.path).size + statSync(first.plain).size + statSync(second.plain).size);
});

it('fails a job on a compression it cannot read, naming the file and the compression, and sends nothing', async () => {
  const { coordinator, sent } = setup();
  await registerWorker(coordinator, 'a', 1);
  const cases: Array<[string, number[]]> = [
    ['a.log.xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
    ['a.log.bz2', [...Buffer.from('BZh91AY&SY')]],
    ['a.zip', [0x50, 0x4b, 0x03, 0x04]],
    ['a.7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
    ['a.log.lz4', [0x04, 0x22, 0x4d, 0x18]],
  ];
  const ok = logs.applog('ok.log', 10);
  for (const [name, magic] of cases) {
    const path = logs.write(name, Buffer.concat([Buffer.from(magic), Buffer.alloc(64, 7)]));
    const jobId = await startJob(coordinator, { inputs: [ok.path, path] });
    const compression = { xz: 'xz', bz2: 'bzip2', zip: 'zip', '7z': '7z', lz4: 'lz4' }[name.split('.').at(-1) as string];
    expect({ name, status: coordinator.getJob(jobId).status, error: coordinator.getJob(jobId).error }).toStrictEqual({
      name,
      status: 'failed',
      error: `${path} is ${compression}-compressed: loganalyzer reads plain text, gzip and zstd (decompress it first)`,
    });
  }
  expect(sent).toHaveLength(0);
});

it('fails an input tagged gzip that is not gzip, naming it', async () => {
  const { coordinator } = setup();
  const plain = logs.applog('tagged.log', 10);
  const jobId = await startJob(coordinator, { inputs: [{ kind: 'gzip', path: plain.path }] });
  expect([coordinator.getJob(jobId).status, coordinator.getJob(jobId).error]).toStrictEqual(['failed', `${plain.path} was given as gzip but is not compressed`]);
});

it('still refuses a plain chunk that owns more bytes than its input has from its start', async () => {
  const { coordinator, sent } = setup();
  await registerWorker(coordinator, 'a', 1);
  const plain = logs.applog('refused.log', 50, 7);
  await startJob(coordinator, { filepath: plain.path });
  sent[0].accept();
  const metrics = { ...partialOf(sent[0].task), bytes: plain.size + 1 };
  expect(() => reportDone(coordinator, sent[0], metrics)).toThrow(`it owns ${plain.size + 1} bytes, but its input has only ${plain.size} from the chunk's start`);
});

it('fails the job at once on a permanent chunk failure (an input that cannot be analyzed), without retrying it', async () => {
  const { coordinator, sent } = setup({ maxAttempts: 4 });
  await registerWorker(coordinator, 'a', 1);
  await registerWorker(coordinator, 'b', 1);
  const { gz } = gzipOf('permanent', 100, 8);
  const jobId = await startJob(coordinator, { filepath: gz });
  sent[0].accept();
  const error = `${gz} is not valid gzip: unexpected end of file`;
  expect(coordinator.reportChunkFailure({ ...reportKey(sent[0]), error, permanent: true })).toStrictEqual({ accepted: true, reason: 'recorded' });
  await settle();

  const job = coordinator.getJob(jobId);
  expect([job.status, job.error]).toStrictEqual(['failed', `chunk 0 (${gz}, bytes 0–${statSync(gz).size}) cannot be analyzed: ${error}`]);
  expect(sent).toHaveLength(1);
});

it('retries a chunk failure that is not permanent', async () => {
  const { coordinator, sent } = setup({ maxAttempts: 4 });
  await registerWorker(coordinator, 'a', 1);
  const { gz } = gzipOf('transient', 100, 9);
  const jobId = await startJob(coordinator, { filepath: gz });
  sent[0].accept();
  coordinator.reportChunkFailure({ ...reportKey(sent[0]), error: 'EIO: i/o error, read' });
  await settle();
  expect([coordinator.getJob(jobId).status, sent.length]).toStrictEqual(['running', 2]);
});

it('gives a gzip chunk time for its work before it counts as a straggler beside plain chunks', async () => {
  const s = setup({ stragglerMinMs: 1000, stragglerFactor: 4, workerTimeoutMs: 60_000, leaseMs: 60_000 });
  await registerWorker(s.coordinator, 'a', 4);
  const { gz } = gzipOf('straggling', 400, 10);
  const plain = logs.applog('beside.log', 400, 11);
  const chunkSize = Math.ceil(plain.size / 3);
  await startJob(s.coordinator, { inputs: [gz, plain.path], chunk_size: chunkSize });
  await registerWorker(s.coordinator, 'b', 1);
  expect(s.sent.map((c) => c.task.input.kind)).toStrictEqual(['gzip', 'file', 'file', 'file']);
  s.sent.forEach((c) => c.accept());
  const start = s.clock.now();
  s.clock.advance(100);
  for (const chunk of s.sent.slice(1)) reportDone(s.coordinator, chunk);
  await settle();
  // A plain chunk would get its backup after max(1000, 4 × 100 ms); the gzip one after as many times that as it has work.
  const scale = (statSync(gz).size * COMPRESSED_WORK_FACTOR) / chunkSize;
  expect(scale).toBeGreaterThan(2);
  const at = async (ms: number) => {
    s.clock.advance(start + ms - s.clock.now());
    s.coordinator.heartbeat('a', [s.sent[0].task.lease_token]);
    s.coordinator.heartbeat('b', []);
    s.coordinator.sweep();
    await settle();
  };
  await at(1000);
  await at(Math.ceil(1000 * scale) - 1);
  expect(s.sent).toHaveLength(4);
  await at(Math.ceil(1000 * scale));
  expect(sends(s.sent).slice(4)).toStrictEqual([['b', 0, 2]]);
});

it('keeps a bare path\'s detected kind across a restart on the state file, and completes the gzip chunk after it', async () => {
  const path = logs.path('gzip-restart.db');
  const { plain, gz } = gzipOf('restart', 800, 12);
  // Planned with no worker to take the chunk, so it is pending at the restart.
  const first = setup({ store: new SqliteStore(path) });
  const jobId = await startJob(first.coordinator, { filepath: gz });
  expect(first.coordinator.getJob(jobId).input_progress[0].input).toStrictEqual({ kind: 'gzip', path: gz });
  await first.coordinator.close();

  const { sendChunk, sent } = fakeSender();
  const second = new Coordinator({ sendChunk, store: new SqliteStore(path) });
  second.start();
  try {
    await registerWorker(second, 'b', 1);
    await settle();
    expect(sent.map((s) => [s.task.input, s.task.start, s.task.size])).toStrictEqual([[{ kind: 'gzip', path: gz }, 0, statSync(gz).size]]);
    sent[0].accept();
    second.reportMetrics({ ...reportKey(sent[0]), metrics: await compressedPartialOf(sent[0].task) });
    await second.idle();
    const job = second.getJob(jobId);
    expect([job.status, job.metrics.lines, job.metrics.bytes]).toStrictEqual(['completed', 800, statSync(plain).size]);
  } finally {
    await second.close();
  }
});
