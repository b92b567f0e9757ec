// The wire shapes of analysis results: the mergeable partial a worker reports for one chunk (compact:
// counters, small maps and serialized sketches), and the derived report a user reads.
import { z } from 'zod';
import { checkedArray } from './checked-array';

const count = z.number().int().nonnegative();

/** How a time window treats lines, said once for every schema that counts them. */
export const OUTSIDE_WINDOW =
  'lines whose own timestamp lies outside the job\'s time window [since_ms, until_ms): counted here and in no other field but bytes. A line without a timestamp of its own (blank, continuation, malformed, or a record without a time field) is never outside: whether it belongs to an event in the window would depend on lines another chunk may hold';
const counts = z.record(z.string(), count);
const epochMs = z.number().int();

/** The text of a QuantileSketch (core's analytics/quantile-sketch.ts), described for what it holds. */
const sketchText = (what: string) =>
  z
    .string()
    .describe(
      `${what}: a DDSketch (1% relative accuracy) of response times in ms, written "zeroCount;key:count,Δkey:count,…" – the zero bin's count, a semicolon, then the non-zero bins in increasing key order, the first key absolute (possibly negative), each later key as its gap (at least 1) from the one before, every count at least 1 ("0;402:3,2:1")`,
    );

const isCount = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** What the entry tuple below accepts, as a plain check (see checked-array.ts). */
const isTopEntry = (e: unknown): boolean =>
  Array.isArray(e) && e.length === 5 && typeof e[0] === 'string' && isCount(e[1]) && isCount(e[2]) && isCount(e[3]) && (e[4] === null || typeof e[4] === 'string');

export const SerializedTopKSchema = z.object({
  capacity: z.number().int().positive(),
  total: count,
  exact: z.boolean(),
  entries: checkedArray(z.tuple([z.string(), count, count, count, sketchText("the key's response times (paths only)").nullable()]), isTopEntry)
    .describe(
      '[key, count, error, errors, latency sketch or null], in increasing key order: the true count is in [count - error, count], error 0 (exact) for every key of a table marked exact and for any key counted from its first occurrence on; at most capacity keys',
    ),
}).strict();

// A chunk's timeline has an item per minute in each array, thousands of them (2,645 in 64 MiB of applog).
const isEpochMs = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const isSketchOrNull = (v: unknown): boolean => v === null || typeof v === 'string';

export const SerializedTimelineSchema = z.object({
  minutes: checkedArray(epochMs, isEpochMs),
  requests: checkedArray(count, isCount),
  errors: checkedArray(count, isCount),
  timed: checkedArray(count, isCount),
  duration_us: checkedArray(count, isCount),
  sketches: checkedArray(sketchText("the minute's response times").nullable(), isSketchOrNull),
  seconds: z
    .string()
    .regex(/^(?:-?\d+:[1-9]\d*(?:,(?:[1-9]\d*)?:[1-9]\d*)*)?$/)
    .describe('requests per epoch second as "Δsecond:count" entries joined by commas: the first Δ is the epoch second, later ones the gap to the previous entry, a gap of 1 left empty ("1706091332:3,:5,7:1")'),
}).strict();

export const MalformedSampleSchema = z.object({
  file: z.string(),
  offset: count.describe('byte offset of the line in the file'),
  text: z.string().describe('the first 200 bytes of the line'),
  family: z.string().describe('the format the line looked like, or invalid_utf8 / oversized / unknown'),
}).strict();

const topTables = <T extends z.ZodTypeAny>(table: T) =>
  z.object({ paths: table, clients: table, user_agents: table, error_messages: table, apps: table.describe('the program that wrote the line: syslog TAG / APP-NAME') }).strict();

/**
 * Mergeable partial metrics of one or more chunks. Counters, sums, mins and maxes merge exactly, and
 * durations are integer microseconds for that reason. Sketches travel as text: DDSketch bins as
 * decimal "key:count" lists, the HyperLogLog as base64 bytes, the per-second counts as gap-coded text.
 * The same type as @loganalyzer/core's PartialMetrics (a test holds them equal).
 */
export const PartialMetricsSchema = z.object({
  version: z
    .union([z.literal(4), z.literal(3)])
    .describe(
      'the shape of this object (4: a top table that is not exact may list fewer rows than its capacity, its largest counts; 3: outside_window; 2: continuation_lines, top tables with count ranges); 4 is written, 3 still read, a merge refuses any other',
    ),
  lines: count.describe('every line, blank or not'),
  blank_lines: count,
  continuation_lines: count.describe('lines without a timestamp that continue the event above them (stack traces); not malformed'),
  outside_window: count.describe(OUTSIDE_WINDOW),
  bytes: count.describe('bytes of the lines owned by the chunk, newlines included, in the time window or not'),
  malformed_lines: count,
  request_count: count,
  timed_requests: count,
  error_count: count,
  client_errors: count,
  total_response_time_us: count.describe('sum of request durations in integer microseconds'),
  min_response_time_us: count.nullable(),
  max_response_time_us: count.nullable(),
  bytes_sent: count,
  levels: counts,
  statuses: counts,
  methods: counts,
  formats: counts,
  malformed_by_family: counts,
  malformed_samples: z.array(MalformedSampleSchema).max(10),
  first_timestamp_ms: epochMs.nullable(),
  last_timestamp_ms: epochMs.nullable(),
  latency: sketchText('all timed requests (null when no request was timed)').nullable(),
  unique_clients: z
    .string()
    .describe(
      'HyperLogLog of client addresses: 2^14 registers, each 0–19, in base64 of "S" followed by 3 bytes per non-zero register (uint16 little-endian index, then its value) in increasing index order while fewer than a third of the registers are set, else "D" followed by all 16384 register bytes',
    ),
  top: topTables(SerializedTopKSchema),
  timeline: SerializedTimelineSchema,
}).strict();
export type PartialMetrics = z.infer<typeof PartialMetricsSchema>;

const ms = z.number().nonnegative();
const RateSchema = z.object({ average: z.number().nonnegative(), peak: count, peak_at: z.string().nullable() });
const TopReportSchema = z.object({
  exact: z.boolean().describe('every key of the table was counted exactly, listed or not'),
  error_bound: count.describe('the widest count_max - count of any key in the table'),
  capacity: z.number().int().positive().describe('distinct keys counted exactly before the table becomes a Space-Saving summary'),
  items: z
    .array(
      z.object({
        key: z.string(),
        count: count.describe('the guaranteed count: the true count is at least this, and exactly this when exact'),
        count_max: count.describe('the true count is at most this; equal to count when exact'),
        exact: z.boolean(),
        errors: count,
        p95_response_time: ms.nullable().optional(),
      }),
    )
    .describe('the 10 keys of the largest guaranteed count, in decreasing count, then count_max, then key'),
});

/** What a user reads: the seed's four fields first, then the rest. */
export const MetricsReportSchema = z.object({
  error_count: count,
  request_count: count,
  total_response_time: ms.describe('milliseconds'),
  avg_response_time: ms.describe('milliseconds per timed request; 0 without any'),
  error_rate: z.number().nonnegative().describe('error_count / request_count; 0 without requests'),
  timed_requests: count,
  client_errors: count,
  lines: count,
  blank_lines: count,
  continuation_lines: count,
  outside_window: count.describe(OUTSIDE_WINDOW),
  window: z
    .object({ since: z.string().nullable().describe('ISO 8601, included; null: open'), until: z.string().nullable().describe('ISO 8601, excluded; null: open') })
    .nullable()
    .describe('the time window the job analyzed (since_ms / until_ms of POST /jobs); null without one'),
  bytes: count,
  bytes_sent: count,
  malformed_lines: count,
  malformed: z.object({ by_family: counts, samples: z.array(MalformedSampleSchema) }),
  levels: counts,
  status_codes: counts,
  status_classes: counts,
  methods: counts,
  formats: counts,
  response_time: z.object({
    unit: z.literal('ms'),
    min: ms.nullable(),
    max: ms.nullable(),
    p50: ms.nullable(),
    p90: ms.nullable(),
    p95: ms.nullable(),
    p99: ms.nullable(),
    p99_9: ms.nullable(),
    relative_error: z.number().describe('percentiles are within this fraction of the exact value'),
  }),
  first_timestamp: z.string().nullable().describe('ISO 8601'),
  last_timestamp: z.string().nullable(),
  requests_per_second: RateSchema,
  errors_per_minute: RateSchema,
  timeline: z.array(
    z.object({
      minute: z.string(),
      requests: count,
      errors: count,
      avg_response_time: ms.nullable(),
      p95_response_time: ms.nullable(),
    }),
  ),
  top: topTables(TopReportSchema),
  unique_clients: z.object({ estimate: count, standard_error: z.number() }),
});
export type MetricsReport = z.infer<typeof MetricsReportSchema>;

/** Longest nginx log_format accepted (real ones are a few hundred bytes). */
export const MAX_LOG_FORMAT_LENGTH = 4096;

/** How lines are parsed: a named format (auto detects per line), or an nginx log_format. */
export const LogFormatSchema = z.enum(['auto', 'applog', 'json', 'combined', 'common', 'logfmt']);
export type LogFormat = z.infer<typeof LogFormatSchema>;
export const FormatFieldsSchema = z.object({
  format: LogFormatSchema.optional().describe('default auto: each line is detected'),
  log_format: z.string().min(1).max(MAX_LOG_FORMAT_LENGTH).optional().describe("an nginx log_format string; overrides format"),
}).strict();
