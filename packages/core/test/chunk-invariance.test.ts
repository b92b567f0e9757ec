// Any chunking of a file, merged in any order or tree, gives exactly the single-pass report: for files
// of every format with every nasty case, and, when top-k must fall back to Space-Saving, everything
// but the top tables stays exact and the top counts stay within their stated bounds.
import { readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile, analyzeFilePartial, analyzeRange, AnalyzeOptions } from '../src/analyze';
import { planChunks } from '../src/chunk-planner';
import { generateAccessLog, generateJsonLog, generateMixedLog, writeLogFile } from '../src/log-generators';
import { emptyMetrics, mergeMetrics, PartialMetrics, TOP_DIMENSIONS } from '../src/partial-metrics';
import { MetricsReport, toReport } from '../src/report';
import { mulberry32, Random, randomInt, rangesFromCuts, shuffled, useTempDir } from './helpers';

const temp = useTempDir();
const files = { mixed: '', smallMixed: '', access: '', json: '' };

/** Generated lines, then an unterminated last line: the reader must still count it exactly once. */
function writeWithUnterminatedLastLine(name: string, lines: Iterable<Buffer>, last: string): string {
  const filepath = temp.path(name);
  writeLogFile(filepath, [...lines, Buffer.from(last)]);
  return filepath;
}

beforeAll(() => {
  files.mixed = writeWithUnterminatedLastLine('mixed.log', generateMixedLog(3000, { seed: 11 }), '2024-01-24 12:00:00 ERROR no newline at the end');
  files.smallMixed = writeWithUnterminatedLastLine('small-mixed.log', generateMixedLog(40, { seed: 23 }), 'level=warn msg="unterminated last line"');
  files.access = temp.path('access.log');
  writeLogFile(files.access, generateAccessLog(1500, { seed: 13, withRequestTime: true }));
  files.json = temp.path('json.log');
  writeLogFile(files.json, generateJsonLog(1500, { seed: 14 }));
});

function fileSize(filepath: string): number {
  return readFileSync(filepath).length;
}

/** The partials of planChunks(size, chunkSize), each read with its own small buffer to force refills. */
function analyzeChunks(filepath: string, chunkSize: number, options: AnalyzeOptions = {}): PartialMetrics[] {
  return planChunks(fileSize(filepath), chunkSize).map((range, i) => analyzeRange(filepath, range.start, range.size, { ...options, bufferSize: 16 << (i % 8) }));
}

/** An integer in [min, max], small ones as likely as large ones on a log scale. */
function logUniformInt(random: Random, min: number, max: number): number {
  return Math.round(Math.exp(Math.log(min) + random() * (Math.log(max) - Math.log(min))));
}

/** Merges in a random tree: every grouping of the same parts must give the same result. */
function mergeInRandomTree(random: Random, parts: readonly PartialMetrics[]): PartialMetrics {
  if (parts.length === 0) return emptyMetrics();
  if (parts.length === 1) return parts[0];
  const split = randomInt(random, 1, parts.length - 1);
  return mergeMetrics(mergeInRandomTree(random, parts.slice(0, split)), mergeInRandomTree(random, parts.slice(split)));
}

/** Merges left to right in a random order. */
function mergeInRandomOrder(random: Random, parts: readonly PartialMetrics[]): PartialMetrics {
  return shuffled(random, parts).reduce(mergeMetrics, emptyMetrics());
}

function expectSameReport(label: string, merged: PartialMetrics, reference: MetricsReport): void {
  const report = toReport(merged);
  expect({ label, report }).toStrictEqual({ label, report: reference });
  // toStrictEqual ignores key order; the serialized reports must match byte for byte.
  expect({ label, json: JSON.stringify(report) }).toStrictEqual({ label, json: JSON.stringify(reference) });
}

it('generates mixed files holding every format and every kind of nasty line', async () => {
  for (const [filepath, lines, malformedFamilies] of [
    [files.mixed, 3001, ['access', 'applog', 'invalid_utf8', 'json', 'logfmt', 'unknown']],
    [files.smallMixed, 41, ['applog', 'invalid_utf8']],
  ] as const) {
    const report = await analyzeFile(filepath);
    const content = readFileSync(filepath);
    expect(Object.keys(report.formats)).toStrictEqual(['applog', 'combined', 'common', 'json', 'logfmt']);
    expect(Object.keys(report.malformed.by_family)).toStrictEqual(malformedFamilies);
    expect([report.lines, report.bytes]).toStrictEqual([lines, content.length]);
    expect(report.blank_lines > 0 && content.includes('\r\n') && content[content.length - 1] !== 0x0a).toBe(true);
    // Exact top tables are what lets the merged report equal the single pass to the last field.
    expect(TOP_DIMENSIONS.map((d) => report.top[d].exact)).toStrictEqual(TOP_DIMENSIONS.map(() => true));
  }
});

it('merges the 1-byte chunks of a small mixed file into exactly the single-pass report', async () => {
  const reference = await analyzeFile(files.smallMixed);
  const partials = analyzeChunks(files.smallMixed, 1);
  expect(partials.length).toBe(fileSize(files.smallMixed));
  const random = mulberry32(21);
  expectSameReport('random order', mergeInRandomOrder(random, partials), reference);
  expectSameReport('random tree', mergeInRandomTree(random, shuffled(random, partials)), reference);
});

it('merges chunks of every size from 2 bytes to the whole small file into exactly the single-pass report', async () => {
  const reference = await analyzeFile(files.smallMixed);
  const random = mulberry32(22);
  for (const chunkSize of [2, 3, 5, 17, 64, 199, 1000, fileSize(files.smallMixed)]) {
    expectSameReport(`chunk size ${chunkSize}`, mergeInRandomTree(random, shuffled(random, analyzeChunks(files.smallMixed, chunkSize))), reference);
  }
});

it.each(['mixed', 'access', 'json'] as const)('merges random chunkings of the %s file, in random orders and trees, into exactly the single-pass report', async (name) => {
  const filepath = files[name];
  const reference = await analyzeFile(filepath);
  expect(TOP_DIMENSIONS.map((d) => reference.top[d].exact)).toStrictEqual(TOP_DIMENSIONS.map(() => true));
  const random = mulberry32(name.length * 31);
  const size = fileSize(filepath);
  for (let round = 0; round < 6; round++) {
    const chunkSize = logUniformInt(random, 2048, Math.ceil(size / 3));
    const partials = analyzeChunks(filepath, chunkSize);
    if (round % 2 === 0) expectSameReport(`chunk size ${chunkSize}, random order`, mergeInRandomOrder(random, partials), reference);
    else expectSameReport(`chunk size ${chunkSize}, random tree`, mergeInRandomTree(random, shuffled(random, partials)), reference);
  }
});

it('counts lines longer than maxLineBytes as oversized exactly once whatever the chunking', async () => {
  const options = { maxLineBytes: 120 };
  const random = mulberry32(23);
  for (const [filepath, chunkSizes] of [
    [files.smallMixed, [37, 119, 120, 121, 1000]],
    [files.mixed, [logUniformInt(random, 4096, 60_000)]],
  ] as const) {
    const reference = await analyzeFile(filepath, options);
    // Long access, JSON and logfmt lines pass 120 bytes: without them this would prove nothing.
    expect((reference.malformed.by_family.oversized ?? 0) >= 3).toBe(true);
    for (const chunkSize of chunkSizes) {
      expectSameReport(`chunk size ${chunkSize}`, mergeInRandomTree(random, shuffled(random, analyzeChunks(filepath, chunkSize, options))), reference);
    }
  }
});

it('merges a chunk of sub-millisecond requests with one whose slowest took exactly 1 ms into exactly the single-pass report', async () => {
  // Durations 0.1 ms, then 0.5 ms and 1 ms: the 1 ms sketch bin (key 0) lies beyond the first chunk's
  // bins, which the merge must grow to reach.
  const lines = ['time=2024-01-24T10:15:32Z path=/x duration=100us', 'time=2024-01-24T10:15:33Z path=/x duration=500us', 'time=2024-01-24T10:15:34Z path=/x duration=1ms'];
  const filepath = temp.write('sub-millisecond.log', lines.map((line) => `${line}\n`).join(''));
  const reference = await analyzeFile(filepath);
  expect([reference.response_time.min, reference.response_time.max]).toStrictEqual([0.1, 1]);
  const [first, rest] = rangesFromCuts(fileSize(filepath), [lines[0].length]).map((r) => analyzeRange(filepath, r.start, r.size));
  expectSameReport('first chunk merged with the rest', mergeMetrics(first, rest), reference);
  expectSameReport('the rest merged with the first chunk', mergeMetrics(rest, first), reference);
});

/** Small enough that paths and clients, at least, fall back to Space-Saving. */
const CAPACITY = 8;

/** True count of every key per dimension, from a single pass whose capacity holds every key. */
function exactCounts(filepath: string): Record<string, Map<string, number>> {
  const exact = analyzeFilePartial(filepath, { topCapacity: 1_000_000 });
  return Object.fromEntries(TOP_DIMENSIONS.map((d) => [d, new Map(exact.top[d].entries.map(([key, count]) => [key, count]))]));
}

function withoutTop(report: MetricsReport): Omit<MetricsReport, 'top'> {
  const { top: _top, ...rest } = report;
  return rest;
}

it.each(['mixed', 'access'] as const)('with a top-k capacity of 8, keeps every figure but the top tables exact, and each true top count within [count, count_max], for the %s file', async (name) => {
  const filepath = files[name];
  const truth = exactCounts(filepath);
  const exactReport = await analyzeFile(filepath, { topCapacity: 1_000_000 });
  const singlePass = await analyzeFile(filepath, { topCapacity: CAPACITY });
  // Without Space-Saving in play this test would prove nothing about it.
  expect([singlePass.top.paths.exact, singlePass.top.clients.exact]).toStrictEqual([false, false]);
  expect(withoutTop(singlePass)).toStrictEqual(withoutTop(exactReport));

  const random = mulberry32(name.length * 37);
  const size = fileSize(filepath);
  for (let round = 0; round < 3; round++) {
    const chunkSize = logUniformInt(random, 2048, Math.ceil(size / 4));
    const merged = toReport(mergeInRandomTree(random, shuffled(random, analyzeChunks(filepath, chunkSize, { topCapacity: CAPACITY }))));
    expect({ chunkSize, report: withoutTop(merged) }).toStrictEqual({ chunkSize, report: withoutTop(exactReport) });
    for (const dimension of TOP_DIMENSIONS) {
      const counts = truth[dimension];
      const total = [...counts.values()].reduce((a, b) => a + b, 0);
      const top = merged.top[dimension];
      expect({ dimension, capacity: top.capacity, items: top.items.length }).toStrictEqual({ dimension, capacity: CAPACITY, items: Math.min(CAPACITY, counts.size) });
      for (const item of top.items) {
        const trueCount = counts.get(item.key) ?? 0;
        const bounded =
          item.count <= trueCount && trueCount <= item.count_max && item.exact === (item.count === item.count_max) && item.count_max - item.count <= top.error_bound && top.error_bound <= total / CAPACITY;
        expect({ chunkSize, dimension, item, trueCount, bounded }).toStrictEqual({ chunkSize, dimension, item, trueCount, bounded: true });
      }
      // Space-Saving's promise: a key seen more than total / capacity times is always monitored.
      const reported = new Set(top.items.map((item) => item.key));
      const frequentMissing = [...counts].filter(([key, n]) => n > total / CAPACITY && !reported.has(key));
      expect({ chunkSize, dimension, frequentMissing }).toStrictEqual({ chunkSize, dimension, frequentMissing: [] });
    }
  }
});

/**
 * Every event-format fixture (syslog, error logs, Java and Python traces, dpkg, logcat, …) in one file
 * with an mtime, so year-less timestamps read the same in every chunk.
 */
function writeEventFormatsFile(): string {
  const dirs = ['real', 'documented'].map((d) => join(__dirname, 'fixtures', d));
  const content = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => readFileSync(join(dir, f)))).reduce((all, b) => Buffer.concat([all, b]), Buffer.alloc(0));
  const filepath = temp.write('event-formats.log', content);
  const mtime = new Date(Date.UTC(2025, 0, 15, 12));
  utimesSync(filepath, mtime, mtime);
  return filepath;
}

it('merges random chunkings of a file of every event format and its continuation lines into exactly the single-pass report', async () => {
  const filepath = writeEventFormatsFile();
  const reference = await analyzeFile(filepath);
  // Malformed: only the two server-state lines HAProxy writes without a time when it logs raw.
  expect(reference.continuation_lines >= 30 && reference.malformed_lines === 2 && Object.keys(reference.formats).length >= 4).toBe(true);
  const random = mulberry32(57);
  const size = fileSize(filepath);
  for (const chunkSize of [61, logUniformInt(random, 100, 2000), logUniformInt(random, 2000, Math.ceil(size / 3))]) {
    expectSameReport(`chunk size ${chunkSize}`, mergeInRandomTree(random, shuffled(random, analyzeChunks(filepath, chunkSize))), reference);
  }
});
