import { statSync } from 'node:fs';
import { analyzeFile, analyzeFilePartial, analyzeRange } from '../src/analyze';
import { writeApplogFile } from '../src/applog-generator';
import { planChunks } from '../src/chunk-planner';
import { emptyMetrics, mergeAll, mergeMetrics, PartialMetrics } from '../src/partial-metrics';
import { toReport } from '../src/report';
import { MetricsMerger } from '../src/metrics-merger';
import { generateMixedLog, writeLogFile } from '../src/testing';
import { mulberry32, Random, randomInt, rangesFromCuts, shuffled, useTempDir } from './helpers';

const temp = useTempDir();
let filepath = '';
let fileSize = 0;

beforeAll(() => {
  filepath = temp.path('generated.log');
  fileSize = writeApplogFile(filepath, 4000, { seed: 42 });
});

function randomRanges(random: Random): { chunking: string; partials: PartialMetrics[] } {
  const cutCount = randomInt(random, 0, 60);
  const cuts = Array.from({ length: cutCount }, () => randomInt(random, 1, fileSize - 1));
  // A few 1-byte chunks next to random cuts, where a line boundary is most likely to be mishandled.
  for (const cut of cuts.slice(0, 5)) cuts.push(cut + 1);
  const ranges = rangesFromCuts(fileSize, cuts);
  return { chunking: `${ranges.length} ranges`, partials: ranges.map((r) => analyzeRange(filepath, r.start, r.size)) };
}

/** Merges in a random tree: every grouping of the same sequence must give the same result. */
function mergeInRandomTree(random: Random, parts: readonly PartialMetrics[]): PartialMetrics {
  if (parts.length === 0) return emptyMetrics();
  if (parts.length === 1) return parts[0];
  const split = randomInt(random, 1, parts.length - 1);
  return mergeMetrics(mergeInRandomTree(random, parts.slice(0, split)), mergeInRandomTree(random, parts.slice(split)));
}

it('generates a file that exercises every kind of line', async () => {
  const report = await analyzeFile(filepath);
  expect(report.bytes).toBe(statSync(filepath).size);
  expect(report.lines).toBe(4000);
  // Without these the merge tests below would prove less than they claim.
  expect(report.malformed_lines > 0 && report.blank_lines > 0 && report.error_count > 0 && report.request_count > 0).toBe(true);
  expect(Object.keys(report.levels)).toStrictEqual(['CRITICAL', 'DEBUG', 'ERROR', 'FATAL', 'INFO', 'TRACE', 'WARN']);
});

it('merges random chunkings, in shuffled orders and groupings, into exactly the single-pass report', async () => {
  const reference = await analyzeFile(filepath);
  const random = mulberry32(7);
  for (let round = 0; round < 30; round++) {
    const { chunking, partials } = randomRanges(random);
    const sequential = toReport(mergeAll(shuffled(random, partials)));
    const tree = toReport(mergeInRandomTree(random, shuffled(random, partials)));
    expect({ chunking, report: sequential }).toStrictEqual({ chunking, report: reference });
    expect({ chunking, report: tree }).toStrictEqual({ chunking, report: reference });
    // toStrictEqual ignores key order; the serialized reports must match byte for byte.
    expect(JSON.stringify(sequential)).toBe(JSON.stringify(reference));
    expect(JSON.stringify(tree)).toBe(JSON.stringify(reference));
  }
});

it('merges the chunks of planChunks into exactly the single-pass partial metrics', () => {
  const reference = analyzeFilePartial(filepath);
  for (const chunkSize of [1000, 4096, 65_536, fileSize]) {
    const partials = planChunks(fileSize, chunkSize).map((r) => analyzeRange(filepath, r.start, r.size));
    const merged = mergeAll(partials.reverse());
    expect({ chunkSize, merged }).toStrictEqual({ chunkSize, merged: reference });
    expect(JSON.stringify(merged)).toBe(JSON.stringify(reference));
  }
});

it('is associative and commutative on real partials, key order included', () => {
  const random = mulberry32(8);
  const { partials } = randomRanges(random);
  for (let round = 0; round < 50; round++) {
    const [a, b, c] = [0, 1, 2].map(() => partials[randomInt(random, 0, partials.length - 1)]);
    const left = mergeMetrics(mergeMetrics(a, b), c);
    const right = mergeMetrics(a, mergeMetrics(b, c));
    expect(right).toStrictEqual(left);
    expect(JSON.stringify(right)).toBe(JSON.stringify(left));
    expect(JSON.stringify(mergeMetrics(b, a))).toBe(JSON.stringify(mergeMetrics(a, b)));
  }
});

it('orders level keys alphabetically whatever order the parts saw them in', () => {
  const a: PartialMetrics = { ...emptyMetrics(), lines: 1, levels: { WARN: 1 } };
  const b: PartialMetrics = { ...emptyMetrics(), lines: 2, levels: { ERROR: 2, INFO: 1 } };
  expect(JSON.stringify(mergeMetrics(a, b).levels)).toBe('{"ERROR":2,"INFO":1,"WARN":1}');
  expect(JSON.stringify(mergeMetrics(b, a).levels)).toBe('{"ERROR":2,"INFO":1,"WARN":1}');
});

it('treats the empty metrics as the identity on both sides', () => {
  const part = analyzeRange(filepath, 0, 5000);
  expect(mergeMetrics(emptyMetrics(), part)).toStrictEqual(part);
  expect(mergeMetrics(part, emptyMetrics())).toStrictEqual(part);
  expect(mergeAll([])).toStrictEqual(emptyMetrics());
});

it('keeps a null timestamp only when both sides have none', () => {
  const none = emptyMetrics();
  const some: PartialMetrics = { ...emptyMetrics(), first_timestamp_ms: 5, last_timestamp_ms: 9 };
  const other: PartialMetrics = { ...emptyMetrics(), first_timestamp_ms: 3, last_timestamp_ms: 7 };
  expect([mergeMetrics(none, none).first_timestamp_ms, mergeMetrics(none, none).last_timestamp_ms]).toStrictEqual([null, null]);
  expect([mergeMetrics(none, some).first_timestamp_ms, mergeMetrics(some, none).last_timestamp_ms]).toStrictEqual([5, 9]);
  expect([mergeMetrics(some, other).first_timestamp_ms, mergeMetrics(some, other).last_timestamp_ms]).toStrictEqual([3, 9]);
});

it('leaves its inputs unchanged', () => {
  const a: PartialMetrics = { ...emptyMetrics(), lines: 1, levels: { INFO: 1 } };
  const b: PartialMetrics = { ...emptyMetrics(), lines: 1, levels: { INFO: 2 } };
  mergeMetrics(a, b);
  expect([a.levels, b.levels, a.lines]).toStrictEqual([{ INFO: 1 }, { INFO: 2 }, 1]);
});

it("reports a live merger's tables as toReport reports its serialized result, exact or approximate, in a time window or not", () => {
  const mixed = temp.path('mixed-for-report.log');
  const size = writeLogFile(mixed, generateMixedLog(6000, { seed: 77 }));
  const random = mulberry32(78);
  const ranges = rangesFromCuts(size, Array.from({ length: 7 }, () => randomInt(random, 1, size - 1)));
  // Capacity 16 drives the path, client and agent tables past their capacity, 100,000 keeps them exact.
  for (const topCapacity of [16, 100_000]) {
    const merger = new MetricsMerger();
    for (const r of ranges) merger.add(analyzeRange(mixed, r.start, r.size, { topCapacity }));
    const tables = merger.result().top;
    expect({ topCapacity, approximate: Object.values(tables).some((t) => !t.exact) }).toStrictEqual({ topCapacity, approximate: topCapacity === 16 });
    const before = JSON.stringify(merger.result());
    expect(merger.report()).toStrictEqual(toReport(merger.result()));
    // The report reads the merger's own timeline: reading it changes nothing.
    expect(JSON.stringify(merger.result())).toBe(before);
    const window = { sinceMs: Date.UTC(2024, 0, 24, 10, 20), untilMs: Date.UTC(2024, 0, 24, 11) };
    expect(merger.report(window)).toStrictEqual(toReport(merger.result(), window));
  }
  // An empty merger too: its tables are the default empty ones.
  expect(new MetricsMerger().report()).toStrictEqual(toReport(new MetricsMerger().result()));
});
