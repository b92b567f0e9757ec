// A time window keeps exactly the lines whose own timestamp lies in [since, until): any chunking of a
// file analyzed with a window equals the single pass over a copy holding only those lines (and the
// lines without a timestamp, which are always kept), with the rest counted as outside_window. For
// every format, out-of-order timestamps, the applog fast path and gzip.
import { readdirSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { analyzeFile, analyzeFilePartial, analyzeRange, analyzeRangeOnGeneralPath, AnalyzeOptions } from '../src/analyze';
import { generateApplog } from '../src/applog-generator';
import { planChunks } from '../src/chunk-planner';
import { analyzeCompressedFile } from '../src/compressed-analyze';
import { generateAccessLog, generateJsonLog, generateMixedLog, writeLogFile } from '../src/log-generators';
import { mergeAll, PartialMetrics } from '../src/partial-metrics';
import { MetricsReport, toReport } from '../src/report';
import type { TimeWindow } from '../src/time-window';
import { mulberry32, Random, randomInt, shuffled, splitLines, useTempDir } from './helpers';

const temp = useTempDir();
const MTIME = new Date(Date.UTC(2025, 0, 15, 12));

function write(name: string, content: Buffer): string {
  const filepath = temp.write(name, content);
  // Year-less timestamps read as of the mtime: the filtered copy must read them alike.
  utimesSync(filepath, MTIME, MTIME);
  return filepath;
}

/** Each line of the file with its own timestamp (null without one), told by analyzing that line alone. */
function timedLines(filepath: string, options: AnalyzeOptions): Array<{ bytes: Buffer; timeMs: number | null }> {
  const lines = splitLines(readFileSync(filepath));
  const content = readFileSync(filepath);
  let offset = 0;
  return lines.map((line) => {
    // The range [offset - 1, offset) owns exactly the line starting at offset (see line-reader.ts).
    const alone = offset === 0 ? analyzeRange(filepath, 0, 0, options) : analyzeRange(filepath, offset - 1, 1, options);
    expect(alone.lines).toBe(1);
    const end = offset + line.length;
    const bytes = content.subarray(offset, Math.min(content.length, end + 1));
    offset = end + 1;
    return { bytes, timeMs: alone.first_timestamp_ms };
  });
}

const inWindow = (timeMs: number | null, w: TimeWindow) => timeMs === null || ((w.sinceMs === undefined || timeMs >= w.sinceMs) && (w.untilMs === undefined || timeMs < w.untilMs));

/** The single pass over a copy of the file holding only the lines the window keeps. */
function filteredReference(name: string, filepath: string, window: TimeWindow, options: AnalyzeOptions, lines = timedLines(filepath, options)): MetricsReport {
  const kept = lines.filter((l) => inWindow(l.timeMs, window));
  const copy = write(`${name}.filtered`, Buffer.concat(kept.map((l) => l.bytes)));
  const expected = analyzeFilePartial(copy, options);
  return comparable({ ...expected, outside_window: lines.length - kept.length, bytes: statSync(filepath).size }, window);
}

/** Samples name their file and offset, which the filtered copy shifts; the lines they quote are the same. */
function comparable(m: PartialMetrics, window: TimeWindow): MetricsReport {
  return toReport({ ...m, malformed_samples: m.malformed_samples.map((s) => ({ ...s, file: '', offset: 0 })) }, window);
}

/** A window between two of the file's own timestamps, or open at one end. */
function randomWindow(random: Random, times: number[]): TimeWindow {
  const sorted = [...times].sort((a, b) => a - b);
  const at = () => sorted[randomInt(random, 0, sorted.length - 1)] + randomInt(random, -1, 1);
  const [a, b] = [at(), at()].sort((x, y) => x - y);
  const shape = random();
  if (shape < 0.2) return { sinceMs: a };
  if (shape < 0.4) return { untilMs: b };
  return { sinceMs: a, untilMs: b === a ? a + 1 : b };
}

function chunked(filepath: string, chunkSize: number, options: AnalyzeOptions, general = false): PartialMetrics {
  const read = general ? analyzeRangeOnGeneralPath : analyzeRange;
  return mergeAll(planChunks(statSync(filepath).size, chunkSize).map((r, i) => read(filepath, r.start, r.size, { ...options, bufferSize: 16 << (i % 8) })));
}

function eventFormatsContent(): Buffer {
  const dirs = ['real', 'documented'].map((d) => join(__dirname, 'fixtures', d));
  return Buffer.concat(dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => readFileSync(join(dir, f)))));
}

const files: Array<[string, () => Buffer, AnalyzeOptions]> = [
  ['mixed', () => Buffer.concat([...generateMixedLog(1200, { seed: 31 })]), {}],
  ['access', () => Buffer.concat([...generateAccessLog(800, { seed: 32, withRequestTime: true })]), {}],
  ['json', () => Buffer.concat([...generateJsonLog(800, { seed: 33 })]), {}],
  ['event-formats', eventFormatsContent, {}],
  // Timestamps in any order: the window is a per-line test, not a cut at a point of the file.
  ['shuffled-applog', () => Buffer.concat(shuffled(mulberry32(34), [...generateApplog(1200, { seed: 34 })])), { format: 'applog' }],
];

it.each(files)('gives a %s file analyzed in a window, in random chunkings, the single pass over its in-window lines', (name, content, options) => {
  const filepath = write(`${name}.log`, content());
  const lines = timedLines(filepath, options);
  const times = lines.flatMap((l) => (l.timeMs === null ? [] : [l.timeMs]));
  expect(times.length).toBeGreaterThan(20);
  const random = mulberry32(name.length * 7919);
  const outside: number[] = [];
  for (let round = 0; round < 4; round++) {
    const window = randomWindow(random, times);
    const reference = filteredReference(`${name}-${round}`, filepath, window, options, lines);
    outside.push(reference.outside_window);
    const size = statSync(filepath).size;
    for (const chunkSize of [randomInt(random, 40, 400), randomInt(random, 400, size + 1)]) {
      const context = { name, round, window, chunkSize };
      expect({ ...context, report: comparable(chunked(filepath, chunkSize, { ...options, window }), window) }).toStrictEqual({ ...context, report: reference });
    }
  }
  // The windows cut: some lines fell outside them, and some inside.
  expect(outside.some((n) => n > 0) && outside.some((n) => n < times.length)).toBe(true);
});

it('keeps the applog fast path equal to the general path in a window', () => {
  const filepath = write('window-fast.log', Buffer.concat([...generateApplog(3000, { seed: 35 })]));
  const window = { sinceMs: Date.UTC(2024, 0, 24, 10, 20), untilMs: Date.UTC(2024, 0, 24, 10, 25) };
  const fast = chunked(filepath, 5000, { format: 'applog', window });
  expect(fast.outside_window).toBeGreaterThan(0);
  expect(fast.lines).toBeGreaterThan(0);
  expect(fast).toStrictEqual(chunked(filepath, 5000, { format: 'applog', window }, true));
});

it('gives a gzip file in a window the single pass over its in-window lines', async () => {
  const filepath = write('window-gz.log', Buffer.concat([...generateMixedLog(1500, { seed: 36 })]));
  const gz = write('window-gz.log.gz', gzipSync(readFileSync(filepath)));
  const window = { sinceMs: Date.UTC(2024, 0, 24, 10, 18) };
  const expected = filteredReference('window-gz', filepath, window, {});
  expect(expected.outside_window).toBeGreaterThan(0);
  expect(comparable(await analyzeCompressedFile(gz, 'gzip', { window }), window)).toStrictEqual(expected);
});

it('counts every timestamped line outside an empty stretch of time, and no other metric', async () => {
  const filepath = write('window-none.log', Buffer.from('2024-01-24 10:00:00 ERROR a\n\n  at frame\n2024-01-24 10:00:01 INFO b took 5ms\nnot a log line\n'));
  const report = await analyzeFile(filepath, { window: { sinceMs: Date.UTC(2030, 0, 1) } });
  expect([report.outside_window, report.lines, report.blank_lines, report.continuation_lines, report.malformed_lines, report.error_count, report.request_count]).toStrictEqual([2, 3, 1, 1, 1, 0, 0]);
  expect([report.first_timestamp, report.window]).toStrictEqual([null, { since: '2030-01-01T00:00:00.000Z', until: null }]);
  expect((await analyzeFile(filepath)).window).toBeNull();
});

it.each([
  [{ sinceMs: 10, untilMs: 10 }, 'window.sinceMs (10) must be before window.untilMs (10)'],
  [{ sinceMs: 11, untilMs: 10 }, 'window.sinceMs (11) must be before window.untilMs (10)'],
  [{ sinceMs: 1.5 }, 'window.sinceMs must be an integer (epoch ms), got 1.5'],
])('refuses the window %p with invalid_argument', (window, message) => {
  const filepath = write('window-bad.log', Buffer.from('x\n'));
  expect(() => analyzeRange(filepath, 0, 2, { window })).toThrow(message);
});
