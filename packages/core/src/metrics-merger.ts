// Merges any number of partials into one, keeping the running total live: counters are summed as
// results arrive and the sketches stay deserialized, so each merge costs the size of the incoming
// partial, not of everything merged so far. result() serializes once.
import { HyperLogLog } from './analytics/hyperloglog';
import { QuantileSketch } from './analytics/quantile-sketch';
import { Timeline } from './analytics/timeline';
import { DEFAULT_TOP_K_CAPACITY, TopK } from './analytics/top-k';
import { keepFirstSamples, MalformedSample, PartialMetrics, sortKeys, TOP_DIMENSIONS, TopDimension } from './partial-metrics';

const SUMMED = ['lines', 'blank_lines', 'bytes', 'malformed_lines', 'request_count', 'timed_requests', 'error_count', 'client_errors', 'total_response_time_us', 'bytes_sent'] as const;
const COUNTED = ['levels', 'statuses', 'methods', 'formats', 'malformed_by_family'] as const;

type Extreme = 'min_response_time_us' | 'max_response_time_us' | 'first_timestamp_ms' | 'last_timestamp_ms';
const EXTREMES: Array<[Extreme, (a: number, b: number) => number]> = [
  ['min_response_time_us', Math.min],
  ['max_response_time_us', Math.max],
  ['first_timestamp_ms', Math.min],
  ['last_timestamp_ms', Math.max],
];

export class MetricsMerger {
  private readonly sums = Object.fromEntries(SUMMED.map((k) => [k, 0])) as Record<(typeof SUMMED)[number], number>;
  private readonly counts = Object.fromEntries(COUNTED.map((k) => [k, {}])) as Record<(typeof COUNTED)[number], Record<string, number>>;
  private readonly extremes: Record<Extreme, number | null> = { min_response_time_us: null, max_response_time_us: null, first_timestamp_ms: null, last_timestamp_ms: null };
  private samples: MalformedSample[] = [];
  private latency: QuantileSketch | null = null;
  private readonly clients = new HyperLogLog();
  private readonly top: Record<TopDimension, TopK | null> = { paths: null, clients: null, user_agents: null, error_messages: null };
  private readonly timeline = new Timeline();
  private merged = 0;

  /** How many partials have been added. */
  get size(): number {
    return this.merged;
  }

  add(p: PartialMetrics): this {
    this.merged++;
    for (const k of SUMMED) this.sums[k] += p[k];
    for (const k of COUNTED) {
      const target = this.counts[k];
      for (const [key, n] of Object.entries(p[k])) target[key] = (target[key] ?? 0) + n;
    }
    for (const [k, choose] of EXTREMES) {
      const v = p[k];
      if (v !== null) this.extremes[k] = this.extremes[k] === null ? v : choose(this.extremes[k] as number, v);
    }
    if (p.malformed_samples.length > 0) this.samples = keepFirstSamples([...this.samples, ...p.malformed_samples]);
    if (p.latency !== null) (this.latency ??= QuantileSketch.empty()).merge(QuantileSketch.deserialize(p.latency));
    this.clients.merge(HyperLogLog.deserialize(p.unique_clients));
    for (const d of TOP_DIMENSIONS) {
      if (p.top[d].total === 0 && this.top[d] !== null) continue;
      const incoming = TopK.deserialize(p.top[d], d === 'paths');
      const current = this.top[d];
      if (current === null) this.top[d] = incoming;
      else current.merge(incoming);
    }
    if (p.timeline.minutes.length > 0 || p.timeline.seconds.length > 0) this.timeline.mergeSerialized(p.timeline);
    return this;
  }

  result(): PartialMetrics {
    const top = Object.fromEntries(TOP_DIMENSIONS.map((d) => [d, (this.top[d] ?? new TopK(DEFAULT_TOP_K_CAPACITY)).serialize()])) as PartialMetrics['top'];
    const sums = this.sums;
    // Field order as the accumulator writes it, so equal results serialize identically.
    return {
      lines: sums.lines,
      blank_lines: sums.blank_lines,
      bytes: sums.bytes,
      malformed_lines: sums.malformed_lines,
      request_count: sums.request_count,
      timed_requests: sums.timed_requests,
      error_count: sums.error_count,
      client_errors: sums.client_errors,
      total_response_time_us: sums.total_response_time_us,
      min_response_time_us: this.extremes.min_response_time_us,
      max_response_time_us: this.extremes.max_response_time_us,
      bytes_sent: sums.bytes_sent,
      levels: sortKeys(this.counts.levels),
      statuses: sortKeys(this.counts.statuses),
      methods: sortKeys(this.counts.methods),
      formats: sortKeys(this.counts.formats),
      malformed_by_family: sortKeys(this.counts.malformed_by_family),
      malformed_samples: this.samples,
      first_timestamp_ms: this.extremes.first_timestamp_ms,
      last_timestamp_ms: this.extremes.last_timestamp_ms,
      latency: this.latency === null ? null : this.latency.serialize(),
      unique_clients: this.clients.serialize(),
      top,
      timeline: this.timeline.serialize(),
    };
  }
}
