// The pool runs the compiled thread entry (dist/chunk-thread.js), so this suite tests the built package.
import { isAscii } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { closeSync, constants, copyFileSync, existsSync, openSync, readFileSync, truncateSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
// Types come from src, so a missing build fails with the message below rather than a type error.
import type * as Core from '../src';
import { analyzeFile } from '../src/analyze';
import { writeApplogFile } from '../src/applog-generator';
import { useTempDir } from './helpers';
import { zstdFixtureText } from './zstd-fixture-text';

const threadEntry = join(__dirname, '..', 'dist', 'chunk-thread.js');
if (!existsSync(threadEntry)) {
  throw new Error(`${threadEntry} is missing: build @loganalyzer/core first (npx tsc -p tsconfig.build.json in packages/core)`);
}
// Loaded only after the check above, so a missing build fails with the message rather than a resolve error.
const core = require('../dist') as typeof Core;

const temp = useTempDir();
let filepath = '';
let fileSize = 0;
let pool: Core.ChunkPool;

beforeAll(() => {
  filepath = temp.path('pool.log');
  fileSize = writeApplogFile(filepath, 5000, { seed: 9 });
  pool = core.createChunkPool({ concurrency: 2 });
});

afterAll(async () => {
  await pool.close();
});

async function runAll(chunkSize: number): Promise<Core.MetricsReport> {
  const chunks = core.planChunks(fileSize, chunkSize);
  const runs = chunks.map((chunk) => pool.run({ filepath, start: chunk.start, size: chunk.size }));
  expect(pool.pending).toBe(chunks.length);
  const partials = await Promise.all(runs);
  expect(pool.pending).toBe(0);
  return core.toReport(core.mergeAll(partials));
}

it('runs every chunk of a generated file on two threads and merges to the single-pass report', async () => {
  const reference = await analyzeFile(filepath);
  expect(pool.concurrency).toBe(2);
  for (const chunkSize of [core.defaultChunkSize(fileSize, 2), 4099]) {
    const report = await runAll(chunkSize);
    expect({ chunkSize, report }).toStrictEqual({ chunkSize, report: reference });
    expect(JSON.stringify(report)).toBe(JSON.stringify(reference));
  }
});

it('passes the reader options to the threads', async () => {
  const reference = await analyzeFile(filepath, { maxLineBytes: 40, bufferSize: 16 });
  const partials = await Promise.all(
    core.planChunks(fileSize, 20_000).map((chunk) => pool.run({ filepath, ...chunk, options: { maxLineBytes: 40, bufferSize: 16 } })),
  );
  const report = core.toReport(core.mergeAll(partials));
  expect(report).toStrictEqual(reference);
  // Most generated lines exceed 40 bytes, so the option really reached the threads.
  expect(report.malformed_lines > report.lines / 2).toBe(true);
});

it('runs applog chunks on the threads\' wasm scanner, each partial the JS scanner\'s, chunk after chunk', async () => {
  const chunks = core.planChunks(fileSize, 7001);
  for (const scanner of ['wasm', 'js'] as const) {
    const partials = await Promise.all(chunks.map((chunk) => pool.run({ filepath, ...chunk, options: { format: 'applog', scanner } })));
    partials.forEach((partial, i) => {
      const reference = core.analyzeRange(filepath, chunks[i].start, chunks[i].size, { format: 'applog', scanner: 'js' });
      expect({ scanner, chunk: chunks[i], partial }).toStrictEqual({ scanner, chunk: chunks[i], partial: reference });
    });
  }
});

it('answers runAsJson with the JSON of the same partial, in ASCII, in blocks of their own', async () => {
  const chunks = core.planChunks(fileSize, 7001);
  const [objects, bytes] = await Promise.all([
    Promise.all(chunks.map((chunk) => pool.run({ filepath, ...chunk }))),
    Promise.all(chunks.map((chunk) => pool.runAsJson({ filepath, ...chunk }))),
  ]);
  const texts = bytes.map((blocks) => Buffer.concat(blocks).toString('utf8'));
  // Characters past ASCII are \u escapes (json-parts.ts): the same values, parsed.
  expect(bytes.every((blocks) => blocks.every((b) => isAscii(b)))).toBe(true);
  const decoded = texts.map((text) => JSON.parse(text) as Core.PartialMetrics);
  expect(decoded).toStrictEqual(objects.map((partial) => JSON.parse(JSON.stringify(partial))));
  // Moved, not views into a shared pool slab: every block starts its own ArrayBuffer.
  expect(bytes.flat().every((b) => b.byteOffset === 0 && b.buffer.byteLength >= b.byteLength)).toBe(true);
  expect(core.toReport(core.mergeAll(decoded))).toStrictEqual(await analyzeFile(filepath));
});

it('rejects runAsJson of a missing file with file_not_found', async () => {
  const missing = temp.path('missing-too.log');
  await expect(pool.runAsJson({ filepath: missing, start: 0, size: 100 })).rejects.toMatchObject({ code: 'file_not_found', message: `log file not found: ${missing}` });
  expect(pool.pending).toBe(0);
});

it('rejects a chunk of a missing file with file_not_found, and keeps working', async () => {
  const missing = temp.path('missing.log');
  const err: unknown = await pool.run({ filepath: missing, start: 0, size: 100 }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(core.AnalyzerError);
  expect({ code: (err as Core.AnalyzerError).code, message: (err as Core.AnalyzerError).message }).toStrictEqual({
    code: 'file_not_found',
    message: `log file not found: ${missing}`,
  });
  expect(pool.pending).toBe(0);
  const partial = await pool.run({ filepath, start: 0, size: fileSize });
  expect(partial.lines).toBe(5000);
});

it('closes idempotently, concurrently and after the fact', async () => {
  const own = core.createChunkPool({ concurrency: 1 });
  await expect(own.run({ filepath, start: 0, size: 1 })).resolves.toMatchObject({ lines: 1 });
  await expect(Promise.all([own.close(), own.close()])).resolves.toStrictEqual([undefined, undefined]);
  await expect(own.close()).resolves.toBeUndefined();
});

it.each([0, -1, 1.5, NaN])('rejects concurrency %p with invalid_argument', (concurrency) => {
  let err: unknown;
  try {
    core.createChunkPool({ concurrency });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(core.AnalyzerError);
  expect([(err as Core.AnalyzerError).code, (err as Core.AnalyzerError).message]).toStrictEqual([
    'invalid_argument',
    `concurrency must be a positive integer, got ${concurrency}`,
  ]);
});

it('reads a chunk against its snapshot in the thread: appended bytes unread, a cut file refused', async () => {
  const grown = temp.path('grown.log');
  copyFileSync(filepath, grown);
  const snapshot = await core.statInput(grown);
  execFileSync('sh', ['-c', 'printf "2024-01-24T10:20:00Z INFO appended 5ms\\n" >> "$1"', 'sh', grown]);
  const partial = await pool.run({ filepath: grown, start: 0, size: snapshot.size, options: { snapshot } });
  expect({ ...partial, malformed_samples: [] }).toStrictEqual({ ...core.analyzeFilePartial(filepath), malformed_samples: [] });
  truncateSync(grown, 100);
  const err: unknown = await pool.run({ filepath: grown, start: 0, size: 1000, options: { snapshot } }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(core.AnalyzerError);
  expect([(err as Core.AnalyzerError).code, (err as Core.AnalyzerError).message]).toStrictEqual(['input_changed', `${grown} changed during the job: ${snapshot.size} → 100 bytes`]);
});

it('aborts a chunk stuck opening a FIFO nobody writes to, and runs the next chunk on a fresh thread', async () => {
  const fifo = temp.path('stuck.fifo');
  execFileSync('mkfifo', [fifo]);
  // One thread, so the chunk after the abort can only run if the stuck thread was replaced.
  const single = core.createChunkPool({ concurrency: 1 });
  let released = false;
  try {
    await single.run({ filepath, start: 0, size: 1 });
    const controller = new AbortController();
    const stuck = single.run({ filepath: fifo, start: 0, size: 100 }, { signal: controller.signal });
    // Time for the thread to reach open(), which blocks until the FIFO has a writer.
    await delay(200);
    expect(single.pending).toBe(1);
    controller.abort('took too long');
    const err: unknown = await stuck.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(core.AnalyzerError);
    expect([(err as Core.AnalyzerError).code, (err as Core.AnalyzerError).message]).toStrictEqual(['aborted', 'chunk aborted: took too long']);
    expect(single.pending).toBe(0);
    await expect(single.run({ filepath, start: 0, size: fileSize })).resolves.toMatchObject({ lines: 5000 });
  } finally {
    // A thread blocked in a system call ends only when the call returns: opening the FIFO's write end
    // lets its open() return, so the terminated thread can exit. A non-blocking open for writing
    // succeeds only while a reader is waiting, which also proves the chunk had really started.
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
      released = true;
    } catch {
      released = false;
    }
    await single.close();
  }
  expect(released).toBe(true);
});

it('rejects a run whose signal is already aborted, without running it', async () => {
  const controller = new AbortController();
  controller.abort();
  const err: unknown = await pool.runAsJson({ filepath, start: 0, size: fileSize }, { signal: controller.signal }).catch((e: unknown) => e);
  expect([(err as Core.AnalyzerError).code, (err as Core.AnalyzerError).message]).toStrictEqual(['aborted', 'chunk aborted: This operation was aborted']);
  expect(pool.pending).toBe(0);
});

describe('gzip chunks', () => {
  let gz = '';
  let snapshot: Core.InputSnapshot;
  /** Samples name their file: the gzip's metrics and the plain file's differ only there. */
  const fromPlain = (m: Core.PartialMetrics): Core.PartialMetrics => ({ ...m, malformed_samples: m.malformed_samples.map((s) => ({ ...s, file: filepath })) });
  beforeAll(async () => {
    gz = temp.write('pool.log.gz', gzipSync(readFileSync(filepath)));
    snapshot = await core.statInput(gz);
  });

  it('runs a gzip file as one chunk in a thread, as objects and as JSON, with the plain file\'s metrics', async () => {
    const reference = core.analyzeFilePartial(filepath);
    const metrics = await pool.run({ filepath: gz, start: 0, size: snapshot.size, compression: 'gzip', options: { snapshot } });
    expect(fromPlain(metrics)).toStrictEqual(reference);
    const json = Buffer.concat(await pool.runAsJson({ filepath: gz, start: 0, size: snapshot.size, compression: 'gzip', options: { snapshot } }));
    expect(fromPlain(JSON.parse(json.toString()))).toStrictEqual(reference);
  });

  it('refuses a gzip chunk that is not the whole planned file', async () => {
    const err = await pool.run({ filepath: gz, start: 10, size: snapshot.size - 10, compression: 'gzip', options: { snapshot } }).catch((e: unknown) => e);
    expect([(err as Core.AnalyzerError).code, (err as Core.AnalyzerError).message]).toStrictEqual([
      'invalid_argument',
      `${gz} is gzip-compressed: a chunk of it must be the whole file as planned (start 0, size ${snapshot.size}), got 10+${snapshot.size - 10}`,
    ]);
  });

  it('aborts a gzip chunk, and the pool runs the next one', async () => {
    const big = temp.write('big.log.gz', gzipSync(Buffer.concat(Array.from({ length: 40 }, () => readFileSync(filepath)))));
    const bigSnapshot = await core.statInput(big);
    const controller = new AbortController();
    const running = pool.run({ filepath: big, start: 0, size: bigSnapshot.size, compression: 'gzip', options: { snapshot: bigSnapshot } }, { signal: controller.signal });
    controller.abort('the lease is no longer live');
    const err = await running.catch((e: unknown) => e);
    expect([(err as Core.AnalyzerError).code, (err as Core.AnalyzerError).message]).toStrictEqual(['aborted', 'chunk aborted: the lease is no longer live']);
    expect(fromPlain(await pool.run({ filepath: gz, start: 0, size: snapshot.size, compression: 'gzip', options: { snapshot } }))).toStrictEqual(core.analyzeFilePartial(filepath));
  });
});

describe('zstd chunks', () => {
  const fixture = readFileSync(join(__dirname, 'fixtures', 'zstd', 'frames.log.zst'));

  it('runs a multi-frame zstd file as one chunk in a thread, with the plain file\'s metrics', async () => {
    const zst = temp.write('pool.log.zst', fixture);
    const plain = temp.write('pool-zst.log', zstdFixtureText());
    const snapshot = await core.statInput(zst);
    const metrics = await pool.run({ filepath: zst, start: 0, size: snapshot.size, compression: 'zstd', options: { snapshot } });
    expect({ ...metrics, malformed_samples: metrics.malformed_samples.map((s) => ({ ...s, file: plain })) }).toStrictEqual(core.analyzeFilePartial(plain));
  });

  it('fails a truncated zstd in the thread with invalid_input naming the file', async () => {
    const cut = temp.write('pool-cut.log.zst', fixture.subarray(0, 50_000));
    const snapshot = await core.statInput(cut);
    const err = await pool.run({ filepath: cut, start: 0, size: snapshot.size, compression: 'zstd', options: { snapshot } }).catch((e: unknown) => e);
    expect([(err as Core.AnalyzerError).code, (err as Core.AnalyzerError).message]).toStrictEqual(['invalid_input', `${cut} is not valid zstd: unexpected end of file`]);
  });

  it('aborts a zstd chunk decoding a bomb of RLE blocks, and the pool runs the next one', async () => {
    // 4 bytes per RLE block of 128 KiB of 'a': 1 MB of these decompresses to 32 GiB, for minutes.
    const rle = Buffer.alloc(4 * 250_000);
    for (let at = 0; at < rle.length; at += 4) {
      rle.writeUIntLE(128 * 1024 * 8 + 2, at, 3); // block header: size, type 1 (RLE), not last
      rle[at + 3] = 0x61;
    }
    const bomb = temp.write('bomb.log.zst', Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x38]), rle]));
    const snapshot = await core.statInput(bomb);
    const controller = new AbortController();
    const running = pool.run({ filepath: bomb, start: 0, size: snapshot.size, compression: 'zstd', options: { snapshot, maxLineBytes: 1024 } }, { signal: controller.signal });
    // Long enough for the thread to be decoding (the chunk cannot finish in minutes either way).
    await delay(300);
    controller.abort('the lease is no longer live');
    const err = await running.catch((e: unknown) => e);
    expect([(err as Core.AnalyzerError).code, (err as Core.AnalyzerError).message]).toStrictEqual(['aborted', 'chunk aborted: the lease is no longer live']);
    const zst = temp.write('after-bomb.log.zst', fixture);
    const after = await core.statInput(zst);
    expect((await pool.run({ filepath: zst, start: 0, size: after.size, compression: 'zstd', options: { snapshot: after } })).bytes).toBe(zstdFixtureText().length);
  });
});
