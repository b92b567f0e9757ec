// The mergeable partial result of one or more chunks, in the compact form it travels in: counters,
// small maps, and serialized sketches (DDSketch, HyperLogLog, Space-Saving, timeline). Counts and sums
// merge exactly; the sketches merge within their stated bounds (and, for HyperLogLog and the
// DDSketch bins, exactly too). Partials from elsewhere are checked by checkPartial before a merge.
import { HyperLogLog } from './analytics/hyperloglog';
import { SerializedTimeline, Timeline } from './analytics/timeline';
import { DEFAULT_TOP_K_CAPACITY, SerializedTopK, TopK } from './analytics/top-k';
import { MetricsMerger } from './metrics-merger';

/**
 * The shape of PartialMetrics this code writes. 4: a top table that is no longer exact may list fewer
 * rows than its capacity (a chunk's partial writes its largest counts only), so a key it lacks may
 * have occurred up to its smallest count, full or not.
 */
export const PARTIAL_METRICS_VERSION = 4;
/**
 * The versions a merge reads: 3 wrote every non-exact table full, which reads the same under 4's rule
 * (a state file of the version before resumes). Any other is refused.
 */
export const READABLE_PARTIAL_VERSIONS = [3, 4] as const;
export type PartialMetricsVersion = (typeof READABLE_PARTIAL_VERSIONS)[number];
export const MAX_MALFORMED_SAMPLES = 10;
export const MALFORMED_SAMPLE_BYTES = 200;

export interface MalformedSample {
  file: string;
  /** Byte offset of the line in the file. */
  offset: number;
  /** The line's first 200 bytes (invalid UTF-8 shown as U+FFFD). */
  text: string;
  family: string;
}

export const TOP_DIMENSIONS = ['paths', 'clients', 'user_agents', 'error_messages', 'apps'] as const;
export type TopDimension = (typeof TOP_DIMENSIONS)[number];

export interface PartialMetrics {
  version: PartialMetricsVersion;
  /** Every line, blank or not (`wc -l`, plus an unterminated last line). */
  lines: number;
  blank_lines: number;
  /** Lines without a timestamp that continue the event above them (stack traces); not malformed. */
  continuation_lines: number;
  /**
   * Lines whose own timestamp lies outside the job's time window; they count in no other field but
   * bytes. Lines without a timestamp of their own are never outside (see AnalyzeOptions.window).
   */
  outside_window: number;
  /** Bytes of the lines, newlines included, in the window or not: over a whole file, its size. */
  bytes: number;
  malformed_lines: number;
  request_count: number;
  /** Requests that carry a duration. */
  timed_requests: number;
  error_count: number;
  client_errors: number;
  /** Sum of durations, integer microseconds. */
  total_response_time_us: number;
  min_response_time_us: number | null;
  max_response_time_us: number | null;
  bytes_sent: number;
  levels: Record<string, number>;
  statuses: Record<string, number>;
  methods: Record<string, number>;
  formats: Record<string, number>;
  malformed_by_family: Record<string, number>;
  malformed_samples: MalformedSample[];
  first_timestamp_ms: number | null;
  last_timestamp_ms: number | null;
  /**
   * DDSketch (1% relative accuracy) of response times in ms, null when no request was timed. The text
   * is "zeroCount;key:count,Δkey:count,…": the zero bin's count, then the non-zero bins in increasing
   * key order, the first key as is (it may be negative) and each later one as its gap from the one
   * before, every gap and count at least 1 ("0;402:3,2:1"). Keys are the sketch's logarithmic bins.
   */
  latency: string | null;
  /**
   * HyperLogLog of client addresses (2^14 registers, each 0–19), in base64: "S" then 3 bytes per
   * non-zero register (uint16 little-endian index, then its value) in index order while fewer than
   * a third of the registers are set, else "D" then all 16384 register bytes.
   */
  unique_clients: string;
  /** Per-key counts; each entry's sketch (paths only) is written as `latency` is. */
  top: Record<TopDimension, SerializedTopK>;
  /** Per-minute columns, each minute's sketch written as `latency` is, and the per-second text. */
  timeline: SerializedTimeline;
}

export function emptyMetrics(topCapacity = DEFAULT_TOP_K_CAPACITY): PartialMetrics {
  const emptyTop = new TopK(topCapacity).serialize();
  return {
    version: PARTIAL_METRICS_VERSION,
    lines: 0,
    blank_lines: 0,
    continuation_lines: 0,
    outside_window: 0,
    bytes: 0,
    malformed_lines: 0,
    request_count: 0,
    timed_requests: 0,
    error_count: 0,
    client_errors: 0,
    total_response_time_us: 0,
    min_response_time_us: null,
    max_response_time_us: null,
    bytes_sent: 0,
    levels: {},
    statuses: {},
    methods: {},
    formats: {},
    malformed_by_family: {},
    malformed_samples: [],
    first_timestamp_ms: null,
    last_timestamp_ms: null,
    latency: null,
    unique_clients: new HyperLogLog().serialize(),
    top: { paths: emptyTop, clients: emptyTop, user_agents: emptyTop, error_messages: emptyTop, apps: emptyTop },
    timeline: new Timeline().serialize(),
  };
}

/** Key order must not depend on merge order, so that equal results serialize identically. */
export function sortKeys(record: Record<string, number>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key];
  return sorted;
}

function compareSamples(a: MalformedSample, b: MalformedSample): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : a.offset - b.offset;
}

/** The earliest samples by (file, offset): the same ten whatever the chunking. */
export function keepFirstSamples(samples: MalformedSample[]): MalformedSample[] {
  return [...samples].sort(compareSamples).slice(0, MAX_MALFORMED_SAMPLES);
}

/** Merges two partials into a new one; neither input is changed. */
export function mergeMetrics(a: PartialMetrics, b: PartialMetrics): PartialMetrics {
  return new MetricsMerger().add(a).add(b).result();
}

export function mergeAll(parts: Iterable<PartialMetrics>): PartialMetrics {
  const merger = new MetricsMerger();
  for (const part of parts) merger.add(part);
  return merger.result();
}
