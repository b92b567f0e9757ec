// checkPartial refuses a bad partial whole, naming the bad field, before a merge changes anything: a
// merger that is handed one stays exactly as it was, and keeps merging good partials correctly.
import { analyzeRange } from '../src/analyze';
import { AnalyzerError } from '../src/errors';
import { generateMixedLog, writeLogFile } from '../src/log-generators';
import { MetricsMerger } from '../src/metrics-merger';
import { checkPartial } from '../src/partial-check';
import { emptyMetrics, mergeAll, PartialMetrics } from '../src/partial-metrics';
import { thrownBy, useTempDir } from './helpers';

const temp = useTempDir();
let filepath = '';
let fileSize = 0;
/** The first half of the file, merged before each bad partial. */
let first: PartialMetrics;
/** The second half, which each case corrupts in one place. */
let second: PartialMetrics;

beforeAll(() => {
  filepath = temp.path('mixed.log');
  fileSize = writeLogFile(filepath, generateMixedLog(3000, { seed: 17 }));
  first = analyzeRange(filepath, 0, Math.floor(fileSize / 2));
  second = analyzeRange(filepath, Math.floor(fileSize / 2), fileSize - Math.floor(fileSize / 2));
});

/** A deep copy of the second half with one change made. */
function corrupt(change: (p: PartialMetrics) => void): PartialMetrics {
  const copy = structuredClone(second);
  change(copy);
  return copy;
}

const firstSketchedPath = (): number => second.top.paths.entries.findIndex((entry) => entry[4] !== null);
const firstSketchedMinute = (): number => second.timeline.sketches.findIndex((sketch) => sketch !== null);

it('works on a second half that has every kind of sketch to corrupt', () => {
  // Without these, the cases below would corrupt fields that are null or empty and prove less.
  expect([second.latency !== null, firstSketchedPath() >= 0, firstSketchedMinute() >= 0, second.timeline.seconds.length > 0, second.top.clients.entries.length > 0]).toStrictEqual([
    true,
    true,
    true,
    true,
    true,
  ]);
});

const cases: Array<[string, () => PartialMetrics, () => string]> = [
  ['bad latency text', () => corrupt((p) => (p.latency = '3;12:x')), () => 'latency: latency sketch does not decode: not a serialized quantile sketch'],
  ['latency that is not text', () => corrupt((p) => (p.latency = 12 as never)), () => 'latency: latency sketch must be a string or null, got 12'],
  ['bad HyperLogLog', () => corrupt((p) => (p.unique_clients = Buffer.from('Xfoo').toString('base64'))), () => 'unique_clients: HyperLogLog does not decode: not a serialized HyperLogLog'],
  [
    'bad top-k entry sketch',
    () => corrupt((p) => (p.top.paths.entries[firstSketchedPath()][4] = '0;5:0')),
    () => `top.paths.entries[${firstSketchedPath()}]: latency sketch does not decode: not a serialized quantile sketch`,
  ],
  [
    'top-k keys out of order',
    () => corrupt((p) => p.top.clients.entries.reverse()),
    () => 'top.clients.entries[1]: keys must be distinct and in increasing order',
  ],
  [
    'a top-k entry with an error in an exact table',
    () => corrupt((p) => (p.top.clients.entries[0][2] = 1)),
    () => 'top.clients.entries[0]: error 1 in a table marked exact',
  ],
  ['a top-k table of more keys than its capacity', () => corrupt((p) => (p.top.clients.capacity = 1)), () => `top.clients.entries: holds ${second.top.clients.entries.length} keys, more than the capacity 1`],
  ['a missing top-k table', () => corrupt((p) => delete (p.top as Partial<PartialMetrics['top']>).user_agents), () => 'top.user_agents: must be an object, got undefined'],
  [
    'bad timeline sketch',
    () => corrupt((p) => (p.timeline.sketches[firstSketchedMinute()] = '1;-')),
    () => `timeline.sketches[${firstSketchedMinute()}]: latency sketch does not decode: not a serialized quantile sketch`,
  ],
  ['bad per-second text', () => corrupt((p) => (p.timeline.seconds += ',0:1')), () => 'timeline.seconds: per-second counts do not parse: not serialized per-second counts'],
  ['negative count', () => corrupt((p) => (p.request_count = -1)), () => 'request_count: must be a non-negative safe integer, got -1'],
  ['fractional count', () => corrupt((p) => (p.bytes = 1.5)), () => 'bytes: must be a non-negative safe integer, got 1.5'],
  ['negative count in a map', () => corrupt((p) => (p.statuses['200'] = -3)), () => 'statuses["200"]: must be a non-negative safe integer, got -3'],
  ['negative timeline count', () => corrupt((p) => (p.timeline.requests[0] = -1)), () => 'timeline.requests[0]: must be a non-negative safe integer, got -1'],
  [
    'mismatched timeline arrays',
    () => corrupt((p) => p.timeline.errors.pop()),
    () => `timeline.errors: has ${second.timeline.minutes.length - 1} items where timeline.minutes has ${second.timeline.minutes.length}`,
  ],
  ['min above max', () => corrupt((p) => (p.min_response_time_us = p.max_response_time_us! + 1)), () => `min_response_time_us: ${second.max_response_time_us! + 1} is more than max_response_time_us ${second.max_response_time_us}`],
  ['a first timestamp without a last', () => corrupt((p) => (p.last_timestamp_ms = null)), () => `first_timestamp_ms: is ${second.first_timestamp_ms} while last_timestamp_ms is null`],
  [
    'too many malformed samples',
    () => corrupt((p) => (p.malformed_samples = Array.from({ length: 11 }, (_, i) => ({ file: 'x', offset: i, text: 'y', family: 'applog' })))),
    () => 'malformed_samples: holds 11 samples, more than 10',
  ],
  ['a malformed sample without an offset', () => corrupt((p) => delete (p.malformed_samples[0] as Partial<PartialMetrics['malformed_samples'][0]>).offset), () => 'malformed_samples[0].offset: must be a non-negative safe integer, got undefined'],
  ['wrong version', () => corrupt((p) => (p.version = 1 as never)), () => 'version: must be 3 or 4, got 1'],
  ['no version', () => corrupt((p) => delete (p as Partial<PartialMetrics>).version), () => 'version: must be 3 or 4, got undefined'],
];

it.each(cases)('refuses a partial with %s, naming the field, and leaves the merger unchanged', (_, bad, message) => {
  const merger = new MetricsMerger().add(first);
  const before = merger.result();
  const err = thrownBy(() => merger.add(bad()));
  expect(err).toBeInstanceOf(AnalyzerError);
  expect({ code: (err as AnalyzerError).code, message: (err as AnalyzerError).message }).toStrictEqual({ code: 'invalid_partial', message: message() });
  expect(merger.result()).toStrictEqual(before);
  expect(merger.size).toBe(1);
  // Still a working merger: the good second half gives the single pass.
  expect(merger.add(second).result()).toStrictEqual(analyzeRange(filepath, 0, fileSize));
});

it('refuses something that is not a partial at all', () => {
  const err = thrownBy(() => checkPartial(null as never)) as AnalyzerError;
  expect([err.code, err.message]).toStrictEqual(['invalid_partial', 'partial: must be an object, got null']);
});

it('merges a valid partial through add exactly as through addChecked, and as the single pass', () => {
  const viaAdd = new MetricsMerger().add(first).add(second).result();
  const viaChecked = new MetricsMerger().addChecked(checkPartial(first)).addChecked(checkPartial(second)).result();
  const whole = analyzeRange(filepath, 0, fileSize);
  expect(viaAdd).toStrictEqual(whole);
  expect(viaChecked).toStrictEqual(whole);
  expect(JSON.stringify(viaAdd)).toBe(JSON.stringify(whole));
  expect(JSON.stringify(viaChecked)).toBe(JSON.stringify(whole));
});

it('checks a partial that went through JSON, and leaves the partial it checked unchanged', () => {
  const copy = structuredClone(second);
  const checked = checkPartial(JSON.parse(JSON.stringify(second)) as PartialMetrics);
  new MetricsMerger().add(first).addChecked(checked);
  expect(second).toStrictEqual(copy);
  expect(checked.partial).toStrictEqual(copy);
});

it('adds one checked partial to several mergers, and twice to one, as if each were fresh', () => {
  const checked = checkPartial(second);
  const a = new MetricsMerger().addChecked(checked).result();
  const b = new MetricsMerger().add(first).addChecked(checked).result();
  const twice = new MetricsMerger().addChecked(checked).addChecked(checked).result();
  expect(a).toStrictEqual(second);
  expect(b).toStrictEqual(analyzeRange(filepath, 0, fileSize));
  expect(twice).toStrictEqual(mergeAll([second, structuredClone(second)]));
  expect(twice.lines).toBe(2 * second.lines);
});

it('carries the version first, in every partial it makes', () => {
  expect(Object.keys(emptyMetrics())[0]).toBe('version');
  expect(Object.keys(first)[0]).toBe('version');
  expect(Object.keys(new MetricsMerger().add(first).result())[0]).toBe('version');
  expect([emptyMetrics().version, first.version, mergeAll([first, second]).version]).toStrictEqual([4, 4, 4]);
});
