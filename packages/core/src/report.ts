// Turns merged partial metrics into the report people read: the seed's fields first, then the rest,
// with every sketch-based figure next to its error bound.
import { HLL_STANDARD_ERROR, HyperLogLog } from './analytics/hyperloglog';
import { QuantileSketch, SKETCH_RELATIVE_ACCURACY } from './analytics/quantile-sketch';
import { Timeline } from './analytics/timeline';
import { compareByGuaranteedCount, selectTop } from './analytics/rows-by-count';
import { SerializedTopK, TopK } from './analytics/top-k';
import { MalformedSample, PartialMetrics, sortKeys, TOP_DIMENSIONS, TopDimension } from './partial-metrics';
import type { TimeWindow } from './time-window';

export const TOP_N = 10;
const PERCENTILES = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['p99_9', 0.999],
] as const;

export interface ResponseTimeReport {
  unit: 'ms';
  min: number | null;
  max: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  p99_9: number | null;
  /** Percentiles are within this fraction of the exact value; min and max are exact. */
  relative_error: number;
}

export interface TopItem {
  key: string;
  /** The guaranteed count: the true count is at least this, and exactly this when exact. */
  count: number;
  /** The true count is at most this; equal to count when exact. */
  count_max: number;
  exact: boolean;
  /** Errors among the counted lines (a lower bound when not exact). */
  errors: number;
  /** Only for paths: p95 response time of the path's timed requests, ms. */
  p95_response_time?: number | null;
}

/** Items in order of their guaranteed count (count), then count_max, then key. */
export interface TopReport {
  /** Every key was counted exactly (not only the listed ones). */
  exact: boolean;
  /** The widest count_max - count a key in the table can have. */
  error_bound: number;
  /** Distinct keys tracked exactly before switching to Space-Saving. */
  capacity: number;
  items: TopItem[];
}

export interface TimelinePoint {
  minute: string;
  requests: number;
  errors: number;
  avg_response_time: number | null;
  p95_response_time: number | null;
}

export interface RateReport {
  average: number;
  peak: number;
  peak_at: string | null;
}

export interface MetricsReport {
  error_count: number;
  request_count: number;
  /** Milliseconds. */
  total_response_time: number;
  /** Milliseconds per timed request, 0 without any. */
  avg_response_time: number;
  /** error_count / request_count, 0 without requests (as the original defined it). */
  error_rate: number;
  timed_requests: number;
  client_errors: number;
  lines: number;
  blank_lines: number;
  /** Lines that continue the event above them (stack traces, tracebacks): neither events nor malformed. */
  continuation_lines: number;
  /** Lines whose timestamp lies outside the window: counted in no other field (but bytes). */
  outside_window: number;
  /** The time window the job analyzed ([since, until), ISO 8601, an open end null); null without one. */
  window: { since: string | null; until: string | null } | null;
  bytes: number;
  bytes_sent: number;
  malformed_lines: number;
  malformed: { by_family: Record<string, number>; samples: MalformedSample[] };
  levels: Record<string, number>;
  status_codes: Record<string, number>;
  status_classes: Record<string, number>;
  methods: Record<string, number>;
  formats: Record<string, number>;
  response_time: ResponseTimeReport;
  first_timestamp: string | null;
  last_timestamp: string | null;
  requests_per_second: RateReport;
  errors_per_minute: RateReport;
  timeline: TimelinePoint[];
  top: Record<TopDimension, TopReport>;
  unique_clients: { estimate: number; standard_error: number };
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

type SerializedTopEntry = SerializedTopK['entries'][number];

/** A live table's report, equal to topReport of its serialize(), without writing its 100,000+ keys. */
export function topReportOfTable(table: TopK, dimension: TopDimension): TopReport {
  return {
    exact: table.exact,
    error_bound: table.errorBound(),
    capacity: table.capacity,
    items: table.top(TOP_N).map((e) => ({
      key: e.key,
      count: e.count - e.error,
      count_max: e.count,
      exact: e.error === 0,
      errors: e.errors,
      ...(dimension === 'paths' ? { p95_response_time: e.latency?.quantile(0.95) ?? null } : {}),
    })),
  };
}

/** Read from the serialized table: only the listed keys' sketches are decoded, of 100,000+ keys. */
function topReport(s: SerializedTopK, dimension: TopDimension): TopReport {
  let errorBound = 0;
  for (const entry of s.entries) if (entry[2] > errorBound) errorBound = entry[2];
  const listed = selectTop<SerializedTopEntry>(s.entries, TOP_N, (a, b) => compareByGuaranteedCount(a[1], a[2], a[0], b[1], b[2], b[0]));
  return {
    exact: s.exact,
    error_bound: errorBound,
    capacity: s.capacity,
    items: listed.map(([key, count, error, errors, sketch]) => ({
      key,
      count: count - error,
      count_max: count,
      exact: error === 0,
      errors,
      ...(dimension === 'paths' ? { p95_response_time: sketch === null ? null : QuantileSketch.deserialize(sketch).quantile(0.95) } : {}),
    })),
  };
}

function statusClasses(statuses: Record<string, number>): Record<string, number> {
  const classes: Record<string, number> = {};
  for (const [status, n] of Object.entries(statuses)) {
    const cls = `${status[0]}xx`;
    classes[cls] = (classes[cls] ?? 0) + n;
  }
  return sortKeys(classes);
}

function bucketsSpanned(m: Pick<PartialMetrics, 'first_timestamp_ms' | 'last_timestamp_ms'>, bucketMs: number): number {
  if (m.first_timestamp_ms === null || m.last_timestamp_ms === null) return 1;
  return Math.floor(m.last_timestamp_ms / bucketMs) - Math.floor(m.first_timestamp_ms / bucketMs) + 1;
}

/**
 * The sketch's percentiles, held to the exact [min, max] and to non-decreasing order: a bin's value is
 * its midpoint, so the top bin can read up to 1% above the true maximum (p99.9 3,011 ms with a 3,000 ms max).
 */
function clampedPercentiles(latency: QuantileSketch | null, minUs: number | null, maxUs: number | null): Record<(typeof PERCENTILES)[number][0], number | null> {
  const out = {} as Record<(typeof PERCENTILES)[number][0], number | null>;
  let floor = minUs === null ? -Infinity : minUs / 1000;
  const ceiling = maxUs === null ? Infinity : maxUs / 1000;
  for (const [name, q] of PERCENTILES) {
    const raw = latency ? latency.quantile(q) : null;
    if (raw === null) {
      out[name] = null;
      continue;
    }
    const value = Math.min(ceiling, Math.max(floor, raw));
    out[name] = value;
    floor = value;
  }
  return out;
}

/** The report of merged partials; `window` is the one they were analyzed in, if any (partials do not carry it). */
export function toReport(m: PartialMetrics, window?: TimeWindow): MetricsReport {
  const { top: tables, timeline, ...rest } = m;
  const top = Object.fromEntries(TOP_DIMENSIONS.map((d) => [d, topReport(tables[d], d)])) as Record<TopDimension, TopReport>;
  return reportOf(rest, Timeline.deserialize(timeline), window, top);
}

/**
 * toReport with the top tables' reports and the timeline given as they are: a live merger passes its
 * own, since writing its timeline out for this to read back was half of a report's time (a 1 GiB
 * applog job's 42,000 minute sketches, 120 of 230 ms). The timeline is only read.
 */
export function reportOf(m: Omit<PartialMetrics, 'top' | 'timeline'>, timeline: Timeline, window: TimeWindow | undefined, top: Record<TopDimension, TopReport>): MetricsReport {
  const total = m.total_response_time_us / 1000;
  const latency = m.latency === null ? null : QuantileSketch.deserialize(m.latency);
  const buckets = timeline.minuteBuckets();
  const peakSecond = timeline.peakSecond();
  let peakMinute: { at: number; errors: number } | null = null;
  for (const [minute, b] of buckets) if (b.errors > 0 && (!peakMinute || b.errors > peakMinute.errors)) peakMinute = { at: minute, errors: b.errors };

  const percentiles = clampedPercentiles(latency, m.min_response_time_us, m.max_response_time_us);
  return {
    error_count: m.error_count,
    request_count: m.request_count,
    total_response_time: total,
    avg_response_time: m.timed_requests === 0 ? 0 : total / m.timed_requests,
    error_rate: m.request_count === 0 ? 0 : m.error_count / m.request_count,
    timed_requests: m.timed_requests,
    client_errors: m.client_errors,
    lines: m.lines,
    blank_lines: m.blank_lines,
    continuation_lines: m.continuation_lines,
    outside_window: m.outside_window,
    window: window === undefined ? null : { since: iso(window.sinceMs ?? null), until: iso(window.untilMs ?? null) },
    bytes: m.bytes,
    bytes_sent: m.bytes_sent,
    malformed_lines: m.malformed_lines,
    malformed: { by_family: m.malformed_by_family, samples: m.malformed_samples },
    levels: m.levels,
    status_codes: m.statuses,
    status_classes: statusClasses(m.statuses),
    methods: m.methods,
    formats: m.formats,
    response_time: {
      unit: 'ms',
      min: m.min_response_time_us === null ? null : m.min_response_time_us / 1000,
      max: m.max_response_time_us === null ? null : m.max_response_time_us / 1000,
      ...percentiles,
      relative_error: SKETCH_RELATIVE_ACCURACY,
    },
    first_timestamp: iso(m.first_timestamp_ms),
    last_timestamp: iso(m.last_timestamp_ms),
    // Averages over the whole seconds / minutes from the first timestamp's to the last's, both included,
    // so an average never exceeds its peak.
    requests_per_second: {
      average: m.request_count / bucketsSpanned(m, 1000),
      peak: peakSecond?.requests ?? 0,
      peak_at: iso(peakSecond?.at ?? null),
    },
    errors_per_minute: {
      average: m.error_count / bucketsSpanned(m, 60_000),
      peak: peakMinute?.errors ?? 0,
      peak_at: iso(peakMinute?.at ?? null),
    },
    timeline: buckets.map(([minute, b]) => ({
      minute: new Date(minute).toISOString(),
      requests: b.requests,
      errors: b.errors,
      avg_response_time: b.timed === 0 ? null : b.duration_us / 1000 / b.timed,
      p95_response_time: b.sketch ? b.sketch.quantile(0.95) : null,
    })),
    top,
    unique_clients: { estimate: HyperLogLog.deserialize(m.unique_clients).estimate(), standard_error: HLL_STANDARD_ERROR },
  };
}
