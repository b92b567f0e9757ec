// Merges any number of partials into one, keeping the running total live: counters are summed as
// results arrive and the sketches stay deserialized, so each merge costs the size of the incoming
// partial, not of everything merged so far. result() serializes once. A partial is checked whole
// (checkPartial) before anything changes, so a bad one leaves the merger as it was.
import { HyperLogLog } from './analytics/hyperloglog';
import { QuantileSketch } from './analytics/quantile-sketch';
import { Timeline } from './analytics/timeline';
import { DEFAULT_TOP_K_CAPACITY, TopK } from './analytics/top-k';
import { CheckedPartial, checkPartial } from './partial-check';
import { COUNTED_FIELDS, CountedField, SUMMED_FIELDS, SummedField } from './partial-fields';
import { MetricsReport, reportOf, topReportOfTable, TopReport } from './report';
import type { TimeWindow } from './time-window';
import { keepFirstSamples, MalformedSample, PARTIAL_METRICS_VERSION, PartialMetrics, sortKeys, TOP_DIMENSIONS, TopDimension } from './partial-metrics';

type Extreme = 'min_response_time_us' | 'max_response_time_us' | 'first_timestamp_ms' | 'last_timestamp_ms';
const EXTREMES: Array<[Extreme, (a: number, b: number) => number]> = [
  ['min_response_time_us', Math.min],
  ['max_response_time_us', Math.max],
  ['first_timestamp_ms', Math.min],
  ['last_timestamp_ms', Math.max],
];

export class MetricsMerger {
  private readonly sums = Object.fromEntries(SUMMED_FIELDS.map((k) => [k, 0])) as Record<SummedField, number>;
  private readonly counts = Object.fromEntries(COUNTED_FIELDS.map((k) => [k, {}])) as Record<CountedField, Record<string, number>>;
  private readonly extremes: Record<Extreme, number | null> = { min_response_time_us: null, max_response_time_us: null, first_timestamp_ms: null, last_timestamp_ms: null };
  private samples: MalformedSample[] = [];
  private latency: QuantileSketch | null = null;
  private readonly clients = new HyperLogLog();
  private readonly top: Record<TopDimension, TopK | null> = { paths: null, clients: null, user_agents: null, error_messages: null, apps: null };
  private readonly timeline = new Timeline();
  private merged = 0;

  /** How many partials have been added. */
  get size(): number {
    return this.merged;
  }

  /** Checks p whole, then adds it; throws AnalyzerError('invalid_partial') having changed nothing. */
  add(p: PartialMetrics): this {
    return this.addChecked(checkPartial(p));
  }

  /**
   * Adds a partial checkPartial has passed. Nothing here can fail on its data, so a merge is never
   * left half done. The checked partial is only read: it can be added again, here or elsewhere.
   */
  addChecked(c: CheckedPartial): this {
    const p = c.partial;
    this.merged++;
    for (const k of SUMMED_FIELDS) this.sums[k] += p[k];
    for (const k of COUNTED_FIELDS) {
      const target = this.counts[k];
      for (const [key, n] of Object.entries(p[k])) target[key] = (target[key] ?? 0) + n;
    }
    for (const [k, choose] of EXTREMES) {
      const v = p[k];
      if (v !== null) this.extremes[k] = this.extremes[k] === null ? v : choose(this.extremes[k] as number, v);
    }
    if (p.malformed_samples.length > 0) this.samples = keepFirstSamples([...this.samples, ...p.malformed_samples]);
    if (c.latency !== null) (this.latency ??= QuantileSketch.empty()).merge(c.latency);
    this.clients.merge(c.uniqueClients);
    for (const d of TOP_DIMENSIONS) {
      const incoming = c.top[d];
      let table = this.top[d];
      if (table !== null && incoming.total === 0) continue;
      // The first table is merged into an empty one of its capacity rather than taken over, so the
      // checked partial stays unchanged for whoever else holds it.
      table ??= this.top[d] = new TopK(incoming.capacity, d === 'paths');
      table.merge(incoming);
    }
    const timeline = c.timeline.serialized;
    if (timeline.minutes.length > 0 || timeline.seconds.length > 0) this.timeline.mergeChecked(c.timeline);
    return this;
  }

  result(): PartialMetrics {
    const { timeline, ...rest } = this.assemble(Object.fromEntries(TOP_DIMENSIONS.map((d) => [d, this.tableOf(d).serialize()])) as PartialMetrics['top']);
    // Field order as the accumulator writes it (timeline last), so equal results serialize identically.
    return { ...rest, timeline: timeline.serialize() };
  }

  /**
   * toReport(this.result(), window), reading the top tables in place: serializing 100,000+ keys with
   * their sketches for the ten that are shown made every poll of a running job cost a merge.
   */
  report(window?: TimeWindow): MetricsReport {
    const { top: _, timeline, ...rest } = this.assemble(null);
    return reportOf(rest, timeline, window, Object.fromEntries(TOP_DIMENSIONS.map((d) => [d, topReportOfTable(this.tableOf(d), d)])) as Record<TopDimension, TopReport>);
  }

  private tableOf(d: TopDimension): TopK {
    return this.top[d] ?? new TopK(DEFAULT_TOP_K_CAPACITY);
  }

  /** The merged fields, with `top` as given and the live timeline (result() writes it out). */
  private assemble<T>(top: T): Omit<PartialMetrics, 'top' | 'timeline'> & { top: T; timeline: Timeline } {
    const sums = this.sums;
    // Field order as the accumulator writes it, so equal results serialize identically.
    return {
      version: PARTIAL_METRICS_VERSION,
      lines: sums.lines,
      blank_lines: sums.blank_lines,
      continuation_lines: sums.continuation_lines,
      outside_window: sums.outside_window,
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
      timeline: this.timeline,
    };
  }
}
