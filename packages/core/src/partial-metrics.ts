// The mergeable partial result of one or more chunks, in the compact form it travels in: counters,
// small maps, and serialized sketches (DDSketch, HyperLogLog, Space-Saving, timeline). Counts and sums
// merge exactly; the sketches merge within their stated bounds (and, for HyperLogLog and the
// DDSketch bins, exactly too).
import { HyperLogLog } from './analytics/hyperloglog';
import { QuantileSketch } from './analytics/quantile-sketch';
import { SerializedTimeline, Timeline } from './analytics/timeline';
import { DEFAULT_TOP_K_CAPACITY, SerializedTopK, TopK } from './analytics/top-k';

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

export const TOP_DIMENSIONS = ['paths', 'clients', 'user_agents', 'error_messages'] as const;
export type TopDimension = (typeof TOP_DIMENSIONS)[number];

export interface PartialMetrics {
  /** Every line, blank or not (`wc -l`, plus an unterminated last line). */
  lines: number;
  blank_lines: number;
  /** Bytes of the lines, newlines included: over a whole file, its size. */
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
  /** DDSketch of response times in ms (base64 protobuf), null when no timed request. */
  latency: string | null;
  /** HyperLogLog of client addresses (base64). */
  unique_clients: string;
  top: Record<TopDimension, SerializedTopK>;
  timeline: SerializedTimeline;
}

export function emptyMetrics(topCapacity = DEFAULT_TOP_K_CAPACITY): PartialMetrics {
  const emptyTop = new TopK(topCapacity).serialize();
  return {
    lines: 0,
    blank_lines: 0,
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
    top: { paths: emptyTop, clients: emptyTop, user_agents: emptyTop, error_messages: emptyTop },
    timeline: new Timeline().serialize(),
  };
}

function pick(a: number | null, b: number | null, choose: (x: number, y: number) => number): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return choose(a, b);
}

function addCounts(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [key, n] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + n;
  return sortKeys(sum);
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

function mergeLatency(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  const sketch = QuantileSketch.deserialize(a);
  sketch.merge(QuantileSketch.deserialize(b));
  return sketch.serialize();
}

function mergeTop(a: SerializedTopK, b: SerializedTopK, trackLatency: boolean): SerializedTopK {
  if (b.total === 0) return a;
  if (a.total === 0) return b;
  const top = TopK.deserialize(a, trackLatency);
  top.merge(TopK.deserialize(b, trackLatency));
  return top.serialize();
}

/** Merges two partials into a new one; neither input is changed. */
export function mergeMetrics(a: PartialMetrics, b: PartialMetrics): PartialMetrics {
  const clients = HyperLogLog.deserialize(a.unique_clients);
  clients.merge(HyperLogLog.deserialize(b.unique_clients));
  const timeline = Timeline.deserialize(a.timeline);
  timeline.merge(Timeline.deserialize(b.timeline));
  return {
    lines: a.lines + b.lines,
    blank_lines: a.blank_lines + b.blank_lines,
    bytes: a.bytes + b.bytes,
    malformed_lines: a.malformed_lines + b.malformed_lines,
    request_count: a.request_count + b.request_count,
    timed_requests: a.timed_requests + b.timed_requests,
    error_count: a.error_count + b.error_count,
    client_errors: a.client_errors + b.client_errors,
    total_response_time_us: a.total_response_time_us + b.total_response_time_us,
    min_response_time_us: pick(a.min_response_time_us, b.min_response_time_us, Math.min),
    max_response_time_us: pick(a.max_response_time_us, b.max_response_time_us, Math.max),
    bytes_sent: a.bytes_sent + b.bytes_sent,
    levels: addCounts(a.levels, b.levels),
    statuses: addCounts(a.statuses, b.statuses),
    methods: addCounts(a.methods, b.methods),
    formats: addCounts(a.formats, b.formats),
    malformed_by_family: addCounts(a.malformed_by_family, b.malformed_by_family),
    malformed_samples: keepFirstSamples([...a.malformed_samples, ...b.malformed_samples]),
    first_timestamp_ms: pick(a.first_timestamp_ms, b.first_timestamp_ms, Math.min),
    last_timestamp_ms: pick(a.last_timestamp_ms, b.last_timestamp_ms, Math.max),
    latency: mergeLatency(a.latency, b.latency),
    unique_clients: clients.serialize(),
    top: {
      paths: mergeTop(a.top.paths, b.top.paths, true),
      clients: mergeTop(a.top.clients, b.top.clients, false),
      user_agents: mergeTop(a.top.user_agents, b.top.user_agents, false),
      error_messages: mergeTop(a.top.error_messages, b.top.error_messages, false),
    },
    timeline: timeline.serialize(),
  };
}

export function mergeAll(parts: Iterable<PartialMetrics>): PartialMetrics {
  let total: PartialMetrics | null = null;
  for (const part of parts) total = total === null ? part : mergeMetrics(total, part);
  return total ?? emptyMetrics();
}
