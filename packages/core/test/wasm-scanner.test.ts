// The wasm scanner (assembly/applog-scan.ts, src/wasm/) must give exactly the JS paths' partial
// metrics for every input and every chunking: hostile bytes, broken UTF-8, every line ending, lines
// past the buffer and past maxLineBytes, every duration unit, timestamps in any order, windows.
import { analyzeRange, analyzeRangeOnGeneralPath, AnalyzeOptions } from '../src/analyze';
import { writeApplogFile } from '../src/applog-generator';
import type { PartialMetrics } from '../src/partial-metrics';
import { applogScanner, loadApplogScanner, WasmApi } from '../src/wasm/applog-scanner';
import { chosenApplogScanner, SCANNER_ENV, WASM_MAX_LINE_BYTES } from '../src/wasm/scanner-choice';
import { readFileSync, statSync } from 'node:fs';
import { mulberry32, pick, Random, randomInt, useTempDir } from './helpers';

const temp = useTempDir();
const sizeOf = (path: string): number => statSync(path).size;

const STAMPS = ['2024-01-24 10:15:32', '2024-01-24 10:15:32.5', '2024-01-24T10:15:32.123456Z', '2024-01-24 10:15:32+02:00', '2024-01-24 10:15:32-0130', '2024-01-24 10:15:32+2', '2024-02-29 23:59:60', '2023-02-29 10:00:00', '0024-01-01 00:00:00', '2024-01-24 09:59:59.999', '2024-12-31 23:59:59.', '2024-01-24 10:15:3x'];
// UTC, CEST and BST are zone abbreviations, never levels; UTCX and UT are levels.
const LEVELS = ['INFO', 'ERROR', 'WARN', 'FATAL', 'CRITICAL', 'DEBUG', 'ABCDEFGHIJK', 'ABCDEFGHIJKLMNOPQ', 'error', 'E', '', 'UTC', 'CEST', 'BST', 'UTCX', 'UT'];
const MESSAGES = [
  'Request processed in 12ms', 'done in 0.004s', 'took 5000µs', 'took 5000μs now', 'in 250us', 'processed in 114.952 ms', 'in 1.5 s',
  'in 12msx', 'in 12 m', 'in .5s', 'in 5.s', 'in 1234567890123456ms', 'in 999999999999999s', 'in 0.0000000001s', 'in 2.5e3ms', 'took  5ms', 'in 1.0005ms', 'in 2.5us', 'took 0.0000005 s',
  'xin 5ms', 'spin 5ms then in 7ms', 'took', 'in', 'in ', '', 'Überlauf — 缓冲区 in 3µs', 'a\tb in 4ms', 'in 1ms\0', 'x'.repeat(250) + ' in 9ms',
];
const GARBAGE = ['garbage line without a timestamp', '   ', '\t \t', '', '{"not":"applog"}', '2024-13-45 99:99:99 INFO impossible date', '2024-01-24 10:15 INFO truncated'];

/** One line of a hostile applog, its ending included. */
function hostileLine(random: Random): Buffer {
  const r = random();
  let body: Buffer;
  if (r < 0.6) body = Buffer.from(`${pick(random, STAMPS)} ${pick(random, LEVELS)} ${pick(random, MESSAGES)}`);
  else if (r < 0.75) body = Buffer.from(pick(random, GARBAGE));
  else if (r < 0.85) {
    // Random bytes after a valid head: invalid UTF-8, NULs, CRs and all.
    const tail = Buffer.from(Array.from({ length: randomInt(random, 0, 40) }, () => (random() < 0.3 ? pick(random, [0x00, 0x0d, 0x80, 0xc3, 0xe2, 0xf0, 0xff, 0xed, 0xa0]) : randomInt(random, 0, 255))).filter((b) => b !== 0x0a));
    body = Buffer.concat([Buffer.from(`${pick(random, STAMPS)} ${pick(random, LEVELS)} `), tail]);
  } else if (r < 0.9) body = Buffer.from(`${pick(random, STAMPS)} INFO ${'y'.repeat(randomInt(random, 60, 400))} in 3ms`);
  else body = Buffer.from(`${pick(random, STAMPS)} ${pick(random, LEVELS)} ${pick(random, ['\xff\xfe', 'caf\u00e9', '\u{1f600}'])} in 2ms`, 'latin1');
  const ending = pick(random, ['\n', '\n', '\n', '\r\n', '\r', '\r\r\n']);
  return Buffer.concat([body, Buffer.from(ending)]);
}

function hostileFile(name: string, seed: number, lines: number, lastLine = ''): string {
  const random = mulberry32(seed);
  return temp.write(name, Buffer.concat([...Array.from({ length: lines }, () => hostileLine(random)), Buffer.from(lastLine)]));
}

const wasm = (options: AnalyzeOptions): AnalyzeOptions => ({ format: 'applog', topCapacity: 20, ...options, scanner: 'wasm' });
const js = (options: AnalyzeOptions): AnalyzeOptions => ({ format: 'applog', topCapacity: 20, ...options, scanner: 'js' });

function expectSame(path: string, start: number, size: number, options: AnalyzeOptions = {}): PartialMetrics {
  const onWasm = analyzeRange(path, start, size, wasm(options));
  const onJs = analyzeRange(path, start, size, js(options));
  expect({ start, size, options, metrics: onWasm }).toStrictEqual({ start, size, options, metrics: onJs });
  return onWasm;
}

it('runs on WebAssembly here, so the comparisons below compare two different scanners', () => {
  expect(applogScanner()).not.toBeNull();
  expect(chosenApplogScanner('wasm')).toBe(applogScanner());
  expect(chosenApplogScanner('js')).toBeNull();
});

it('hostile files hold every kind of line the comparisons must cover', () => {
  const path = hostileFile('coverage.log', 1, 3000, 'no newline at the end in 5ms');
  const metrics = expectSame(path, 0, 1 << 30, { maxLineBytes: 300 });
  expect(Object.keys(metrics.malformed_by_family).sort()).toStrictEqual(['applog', 'invalid_utf8', 'oversized']);
  expect(metrics.blank_lines).toBeGreaterThan(50);
  expect(metrics.timed_requests).toBeGreaterThan(200);
  expect(Object.keys(metrics.levels)).toEqual(expect.arrayContaining(['ABCDEFGHIJK', 'CRITICAL', 'ERROR', 'FATAL', 'INFO']));
  expect(metrics.top.error_messages.entries.length).toBeGreaterThan(5);
  expect(metrics.malformed_samples).toHaveLength(10);
});

it('equals the JS path on hostile files, whole and in random ranges, with tiny and odd buffers', () => {
  const random = mulberry32(7);
  for (let file = 0; file < 6; file++) {
    const path = hostileFile(`hostile-${file}.log`, 100 + file, 800, file % 2 === 0 ? '2024-01-24 10:15:32 INFO last in 1ms' : '');
    const size = sizeOf(path);
    for (const options of [{}, { bufferSize: 1 }, { bufferSize: 7 }, { bufferSize: 64, maxLineBytes: 100 }, { maxLineBytes: 52 }, { bufferSize: 4096, maxLineBytes: 4096 }]) {
      expectSame(path, 0, size, options);
      for (let k = 0; k < 4; k++) {
        const start = randomInt(random, 0, size - 1);
        expectSame(path, start, randomInt(random, 1, size - start + 10), options);
      }
    }
  }
});

it('equals the JS path for a range starting at every offset of a small file, and tiling it at every cut', () => {
  const path = hostileFile('small.log', 42, 12, '2024-01-24 10:15:32 WARN unterminated in 7ms');
  const size = sizeOf(path);
  for (let cut = 0; cut <= size; cut++) {
    expectSame(path, 0, cut, { bufferSize: 3 });
    expectSame(path, cut, size - cut + 1, { bufferSize: 16, maxLineBytes: 60 });
    expectSame(path, cut, 5);
  }
});

it('equals the JS path inside a time window, and with the file ending at a planned size', () => {
  const path = hostileFile('window.log', 9, 2000);
  const size = sizeOf(path);
  const window = { sinceMs: Date.UTC(2024, 0, 24, 10, 15, 32, 100), untilMs: Date.UTC(2024, 0, 24, 10, 15, 33) };
  expect(expectSame(path, 0, size, { window }).outside_window).toBeGreaterThan(100);
  expectSame(path, 0, size, { window: { sinceMs: 0 } });
  expectSame(path, 0, size, { window: { untilMs: Date.UTC(2024, 0, 24) } });
  const { dev, ino, mtimeMs } = statSync(path);
  expectSame(path, 100, size, { snapshot: { size: Math.floor(size / 2), mtime_ms: mtimeMs, dev, ino } });
});

it('equals the general path on the generated logs, shuffled within the hour too', () => {
  const path = temp.path('generated.log');
  const size = writeApplogFile(path, 30_000, { seed: 5 });
  for (const [start, length] of [[0, size], [12_345, 400_000], [size - 1000, 1000]]) {
    const onWasm = analyzeRange(path, start, length, wasm({}));
    expect(onWasm).toStrictEqual(analyzeRangeOnGeneralPath(path, start, length, { format: 'applog', topCapacity: 20 }));
  }
  const lines = readFileSync(path).toString('latin1').split('\n');
  const random = mulberry32(3);
  for (let i = lines.length - 2; i > 0; i--) {
    const j = randomInt(random, Math.max(0, i - 500), i);
    [lines[i], lines[j]] = [lines[j], lines[i]];
  }
  const shuffledPath = temp.write('shuffled.log', Buffer.from(lines.join('\n'), 'latin1'));
  expectSame(shuffledPath, 0, size);
});

it('reads timestamps of thousands of minutes in random order, impossible dates among them, as the JS path does', () => {
  // More distinct minutes than the scanner's table of recent prefixes has slots, revisited in random
  // order, with impossible dates whose bytes differ from a real minute's only in the day.
  const random = mulberry32(17);
  const start = Date.UTC(2024, 1, 27, 0, 0, 0);
  const lines = Array.from({ length: 20_000 }, (_, i) => {
    const ms = start + Math.floor(random() * 3 * 86_400_000);
    let stamp = new Date(ms).toISOString().replace('T', ' ').slice(0, 23);
    if (i % 97 === 0) stamp = stamp.replace(/^2024-02-\d\d/, pick(random, ['2024-02-30', '2023-02-29', '2024-02-31']));
    return `${stamp} ${pick(random, ['INFO', 'ERROR'])} step ${i} in ${i % 40}ms`;
  });
  const path = temp.write('many-minutes.log', lines.join('\n'));
  const metrics = expectSame(path, 0, sizeOf(path));
  expect(metrics.timeline.minutes.length).toBeGreaterThan(1000);
  expect(metrics.malformed_lines).toBeGreaterThan(0);
});

it('numbers more distinct levels than the scanner has slots for, and still equals the JS path', () => {
  const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
  const levels = Array.from({ length: 150 }, (_, i) => letters[i % 26] + letters[Math.floor(i / 26)] + 'LEVEL'.slice(0, i % 6));
  const lines = Array.from({ length: 3000 }, (_, i) => `2024-01-24 10:15:${String(i % 60).padStart(2, '0')} ${levels[(i * 7) % levels.length]} step ${i} in ${i % 50}ms`);
  const path = temp.write('levels.log', lines.join('\n'));
  const metrics = expectSame(path, 0, sizeOf(path));
  expect(Object.keys(metrics.levels)).toHaveLength(150);
});

it('leaves lines longer than its 32-bit offsets reach to the JS path', () => {
  expect(chosenApplogScanner('wasm', WASM_MAX_LINE_BYTES)).not.toBeNull();
  expect(chosenApplogScanner('wasm', WASM_MAX_LINE_BYTES + 1)).toBeNull();
});

it('falls back to the JS path where WebAssembly, or its SIMD, is missing', () => {
  expect(loadApplogScanner({})).toBeNull();
  const real = (globalThis as { WebAssembly?: WasmApi }).WebAssembly!;
  const noSimd: WasmApi = { validate: () => false, Module: real.Module, Instance: real.Instance };
  expect(loadApplogScanner({ WebAssembly: noSimd })).toBeNull();
  expect(loadApplogScanner({ WebAssembly: real })).not.toBeNull();
});

describe(`the ${SCANNER_ENV} environment variable`, () => {
  const saved = process.env[SCANNER_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[SCANNER_ENV];
    else process.env[SCANNER_ENV] = saved;
  });

  it('picks the scanner when the option does not', () => {
    process.env[SCANNER_ENV] = 'js';
    expect(chosenApplogScanner(undefined)).toBeNull();
    expect(chosenApplogScanner('wasm')).not.toBeNull();
    process.env[SCANNER_ENV] = 'wasm';
    expect(chosenApplogScanner(undefined)).not.toBeNull();
    delete process.env[SCANNER_ENV];
    expect(chosenApplogScanner(undefined)).not.toBeNull();
  });

  it('is refused when it names no scanner, as the option is', () => {
    process.env[SCANNER_ENV] = 'asm';
    expect(() => chosenApplogScanner(undefined)).toThrow("LOGANALYZER_SCANNER must be 'wasm' or 'js', got asm");
    expect(() => analyzeRange(temp.write('x.log', 'x\n'), 0, 2, { scanner: 'fast' as never })).toThrow("scanner must be 'wasm' or 'js', got fast");
  });
});
