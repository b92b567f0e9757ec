// Checks a partial that came from elsewhere and decodes its sketches, all before a merge changes
// anything: MetricsMerger.addChecked then applies the result and has nothing left that can fail, so a
// bad partial is refused whole instead of leaving the merger half-changed.
import { HyperLogLog } from './analytics/hyperloglog';
import type { QuantileSketch } from './analytics/quantile-sketch';
import type { CheckedTimeline } from './analytics/timeline';
import type { TopK } from './analytics/top-k';
import {
  checkArray,
  checkCount,
  checkCountOrNull,
  checkCounts,
  checkIntegerOrNull,
  checkObject,
  checkString,
  decodeSketchOrNull,
  invalidPartial,
  shown,
} from './checks/field-checks';
import { checkTimeline } from './checks/timeline-check';
import { checkTopK } from './checks/top-k-check';
import { COUNTED_FIELDS, SUMMED_FIELDS } from './partial-fields';
import { MAX_MALFORMED_SAMPLES, PartialMetrics, READABLE_PARTIAL_VERSIONS, TOP_DIMENSIONS, TopDimension } from './partial-metrics';

declare const checkedPartialBrand: unique symbol;

/** A partial that checkPartial has passed, its sketches decoded. Merges read it and never change it. */
export interface CheckedPartial {
  /** The partial itself, for its counters, maps and samples: it must not change before the merge. */
  readonly partial: PartialMetrics;
  readonly latency: QuantileSketch | null;
  readonly uniqueClients: HyperLogLog;
  readonly top: Readonly<Record<TopDimension, TopK>>;
  readonly timeline: CheckedTimeline;
  /** Only checkPartial makes one. */
  readonly [checkedPartialBrand]: true;
}

/** Both null, or low ≤ high (a range's ends: response times, timestamps). */
function checkRange(low: number | null, high: number | null, lowName: string, highName: string): void {
  if ((low === null) !== (high === null)) throw invalidPartial(lowName, `is ${low} while ${highName} is ${high}`);
  if (low !== null && high !== null && low > high) throw invalidPartial(lowName, `${low} is more than ${highName} ${high}`);
}

function checkSamples(value: unknown): void {
  const samples = checkArray(value, 'malformed_samples');
  if (samples.length > MAX_MALFORMED_SAMPLES) {
    throw invalidPartial('malformed_samples', `holds ${samples.length} samples, more than ${MAX_MALFORMED_SAMPLES}`);
  }
  samples.forEach((item, i) => {
    const at = `malformed_samples[${i}]`;
    const sample = checkObject(item, at);
    checkString(sample.file, `${at}.file`);
    checkCount(sample.offset, `${at}.offset`);
    checkString(sample.text, `${at}.text`);
    checkString(sample.family, `${at}.family`);
  });
}

function decodeClients(value: unknown): HyperLogLog {
  const text = checkString(value, 'unique_clients');
  try {
    return HyperLogLog.deserialize(text);
  } catch (err) {
    throw invalidPartial('unique_clients', `HyperLogLog does not decode: ${(err as Error).message}`, err);
  }
}

/**
 * Checks everything a merge of p needs and decodes its sketches; throws AnalyzerError('invalid_partial')
 * naming the first bad field's path (`top.paths.entries[3]: latency sketch does not decode: …`).
 */
export function checkPartial(p: PartialMetrics): CheckedPartial {
  const fields = checkObject(p, 'partial');
  if (!(READABLE_PARTIAL_VERSIONS as readonly unknown[]).includes(fields.version)) throw invalidPartial('version', `must be ${READABLE_PARTIAL_VERSIONS.join(' or ')}, got ${shown(fields.version)}`);
  for (const name of SUMMED_FIELDS) checkCount(fields[name], name);
  for (const name of COUNTED_FIELDS) checkCounts(fields[name], name);
  const minUs = checkCountOrNull(fields.min_response_time_us, 'min_response_time_us');
  const maxUs = checkCountOrNull(fields.max_response_time_us, 'max_response_time_us');
  checkRange(minUs, maxUs, 'min_response_time_us', 'max_response_time_us');
  const first = checkIntegerOrNull(fields.first_timestamp_ms, 'first_timestamp_ms');
  const last = checkIntegerOrNull(fields.last_timestamp_ms, 'last_timestamp_ms');
  checkRange(first, last, 'first_timestamp_ms', 'last_timestamp_ms');
  checkSamples(fields.malformed_samples);
  const latency = decodeSketchOrNull(fields.latency, 'latency');
  const uniqueClients = decodeClients(fields.unique_clients);
  const tables = checkObject(fields.top, 'top');
  const top = Object.fromEntries(TOP_DIMENSIONS.map((d) => [d, checkTopK(tables[d], `top.${d}`, d === 'paths')])) as Record<TopDimension, TopK>;
  const timeline = checkTimeline(fields.timeline, 'timeline');
  return { partial: p, latency, uniqueClients, top, timeline } as CheckedPartial;
}
