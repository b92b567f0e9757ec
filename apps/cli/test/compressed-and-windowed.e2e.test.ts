// Compressed inputs and time windows end to end, with a real coordinator and real workers on
// loopback: bare paths classified by their first bytes, gzip files streamed whole in the workers'
// threads and merged exactly, zstd too (fzstd on a Node without zlib's decoder), a window applied in
// every chunk, compressions that cannot be read and corrupt gzip or zstd failing the job naming the file.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeCompressedFile, analyzeFilePartial, mergeAll, toReport } from '@loganalyzer/core';
import { writeApplogFile, generateMixedLog, writeLogFile } from '@loganalyzer/core/testing';
import { LocalCluster } from '../src/local-cluster';
import { createJob, finish, tempDir } from './chaos/support';

jest.setTimeout(240_000);

let dir: string;
let cluster: LocalCluster;

beforeAll(async () => {
  dir = tempDir();
  cluster = await LocalCluster.start({ heartbeatIntervalMs: 200, workerTimeoutMs: 2000, concurrency: 2, workers: 2 });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A gzip of the text in members cut at every `memberBytes` (through lines). */
function writeGzip(name: string, text: Buffer, memberBytes = Infinity): string {
  const members: Buffer[] = [];
  for (let from = 0; from < text.length; from += memberBytes) members.push(gzipSync(text.subarray(from, Math.min(text.length, from + memberBytes))));
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat(members));
  return path;
}

it('merges a job of [plain, .gz, multi-member .gz] exactly as the single passes of each, merged', async () => {
  const plain = join(dir, 'plain.log');
  writeApplogFile(plain, 80_000, { seed: 1 });
  const mixed = join(dir, 'mixed.log');
  writeLogFile(mixed, generateMixedLog(20_000, { seed: 2 }));
  const single = writeGzip('single.log.gz', readFileSync(mixed));
  const multi = writeGzip('multi.gz', Buffer.concat([readFileSync(plain), readFileSync(mixed)]), 77_777);
  const inputs = [plain, single, multi];
  const expected = toReport(mergeAll([analyzeFilePartial(plain), await analyzeCompressedFile(single, 'gzip'), await analyzeCompressedFile(multi, 'gzip')]));

  const done = await finish(cluster, await createJob(cluster, inputs, 64 * 1024));

  expect([done.status, done.error]).toStrictEqual(['completed', undefined]);
  expect(done.metrics).toStrictEqual(expected);
  expect(done.input_progress.map((i) => [i.input, i.chunks_total, i.bytes_done === i.bytes_total])).toStrictEqual([
    [{ kind: 'file', path: plain }, expect.any(Number), true],
    [{ kind: 'gzip', path: single }, 1, true],
    [{ kind: 'gzip', path: multi }, 1, true],
  ]);
  expect(done.metrics.bytes).toBe(readFileSync(plain).length * 2 + readFileSync(mixed).length * 2);
});

it('analyzes a time window over [plain, .gz] exactly as the single passes in that window, merged', async () => {
  const plain = join(dir, 'window.log');
  writeApplogFile(plain, 60_000, { seed: 4 });
  const mixed = join(dir, 'window-mixed.log');
  writeLogFile(mixed, generateMixedLog(20_000, { seed: 5 }));
  const gz = writeGzip('window-mixed.log.gz', readFileSync(mixed), 50_000);
  const window = { sinceMs: Date.UTC(2024, 0, 24, 11, 0), untilMs: Date.UTC(2024, 0, 24, 13, 0) };
  const expected = toReport(mergeAll([analyzeFilePartial(plain, { window }), await analyzeCompressedFile(gz, 'gzip', { window })]), window);
  expect(expected.outside_window > 0 && expected.lines > 0).toBe(true);

  const r = await cluster.client.createJob({ body: { inputs: [plain, gz], chunk_size: 32 * 1024, since_ms: window.sinceMs, until_ms: window.untilMs } });
  if (r.status !== 201) throw new Error(`POST /jobs answered ${r.status}`);
  const done = await finish(cluster, r.body.job_id);

  expect([done.status, done.error]).toStrictEqual(['completed', undefined]);
  expect(done.metrics).toStrictEqual(expected);
  expect(done.metrics.window).toStrictEqual({ since: '2024-01-24T11:00:00.000Z', until: '2024-01-24T13:00:00.000Z' });
});

/** Made by the zstd CLI in nine frames (see packages/core/test/make-zstd-fixtures.ts); CI has no zstd. */
const ZSTD_FIXTURE = join(__dirname, '..', '..', '..', 'packages', 'core', 'test', 'fixtures', 'zstd', 'frames.log.zst');

it('merges a job of [plain, .gz, multi-frame .zst] exactly as the single passes of each, merged, on any Node', async () => {
  const plain = join(dir, 'zstd-job-plain.log');
  writeApplogFile(plain, 40_000, { seed: 6 });
  const gz = writeGzip('zstd-job.log.gz', readFileSync(plain), 50_000);
  const zst = join(dir, 'frames.log.zst');
  writeFileSync(zst, readFileSync(ZSTD_FIXTURE));
  const expected = toReport(mergeAll([analyzeFilePartial(plain), await analyzeCompressedFile(gz, 'gzip'), await analyzeCompressedFile(zst, 'zstd')]));
  expect(expected.lines).toBeGreaterThan(40_000);

  const done = await finish(cluster, await createJob(cluster, [plain, gz, zst], 64 * 1024));

  expect([done.status, done.error]).toStrictEqual(['completed', undefined]);
  expect(done.metrics).toStrictEqual(expected);
  expect(done.input_progress.map((i) => [i.input, i.chunks_total])).toStrictEqual([
    [{ kind: 'file', path: plain }, expect.any(Number)],
    [{ kind: 'gzip', path: gz }, 1],
    [{ kind: 'zstd', path: zst }, 1],
  ]);
});

it('fails a job on a truncated zstd at its first attempt, naming the file and what is wrong with it', async () => {
  const whole = readFileSync(ZSTD_FIXTURE);
  const cut = join(dir, 'cut.log.zst');
  writeFileSync(cut, whole.subarray(0, 40_000));
  const done = await finish(cluster, await createJob(cluster, [cut]));
  expect([done.status, done.error]).toStrictEqual(['failed', `chunk 0 (${cut}, bytes 0–40000) cannot be analyzed: ${cut} is not valid zstd: unexpected end of file`]);
  expect(done.progress.chunks_reassigned).toBe(1);
});

it('answers 400 to a window whose since_ms is not before its until_ms', async () => {
  const r = await cluster.client.createJob({ body: { inputs: [join(dir, 'window.log')], since_ms: 10, until_ms: 10 } });
  expect([r.status, (r.body as { issues?: unknown }).issues]).toStrictEqual([400, [{ location: 'body', path: ['until_ms'], code: 'custom', message: 'must be after since_ms (10), got 10' }]]);
});

it.each([
  ['app.log.xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], 'xz'],
  ['app.log.bz2', [...Buffer.from('BZh91AY&SY')], 'bzip2'],
  ['app.zip', [0x50, 0x4b, 0x03, 0x04], 'zip'],
])('fails a job on %s with one line naming the file and its compression', async (name, magic, compression) => {
  const path = join(dir, name);
  writeFileSync(path, Buffer.concat([Buffer.from(magic), Buffer.alloc(4096, 0x41)]));
  const done = await finish(cluster, await createJob(cluster, [path]));
  expect([done.status, done.error]).toStrictEqual(['failed', `${path} is ${compression}-compressed: loganalyzer reads plain text, gzip and zstd (decompress it first)`]);
  expect(done.progress.chunks_total).toBe(0);
});

it('fails a job on a truncated gzip at its first attempt, naming the file and what is wrong with it', async () => {
  const plain = join(dir, 'to-cut.log');
  writeApplogFile(plain, 20_000, { seed: 3 });
  const whole = gzipSync(readFileSync(plain));
  const cut = join(dir, 'cut.log.gz');
  writeFileSync(cut, whole.subarray(0, whole.length - 100));
  const done = await finish(cluster, await createJob(cluster, [cut]));
  // At once, on the first attempt: the same bytes fail alike on every worker.
  expect([done.status, done.error]).toStrictEqual(['failed', `chunk 0 (${cut}, bytes 0–${whole.length - 100}) cannot be analyzed: ${cut} is not valid gzip: unexpected end of file`]);
  expect(done.progress.chunks_reassigned).toBe(1);
});
