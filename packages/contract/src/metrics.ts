// The wire shapes of analysis results: the mergeable partial a worker reports for one chunk,
// and the derived report a user reads.
import { z } from 'zod';

const count = z.number().int().nonnegative();

/**
 * Mergeable partial metrics of one or more chunks. Every field merges exactly (sums, min, max), so
 * merging in any order gives the same result. Durations are integer microseconds for that reason.
 */
export const PartialMetricsSchema = z.object({
  lines: count.describe('non-blank lines seen, well-formed or not'),
  blank_lines: count,
  bytes: count.describe('bytes of the lines owned by the chunk, newlines included'),
  malformed_lines: count,
  request_count: count,
  error_count: count,
  total_response_time_us: count.describe('sum of request durations in integer microseconds'),
  levels: z.record(z.string(), count),
  first_timestamp_ms: z.number().int().nullable().describe('earliest event time, epoch ms (times without a zone are read as UTC)'),
  last_timestamp_ms: z.number().int().nullable(),
});
export type PartialMetrics = z.infer<typeof PartialMetricsSchema>;

/** What a user reads: the seed's four fields first, then the rest. */
export const MetricsReportSchema = z.object({
  error_count: count,
  request_count: count,
  total_response_time: z.number().nonnegative().describe('milliseconds'),
  avg_response_time: z.number().nonnegative().describe('milliseconds per request; 0 without requests'),
  error_rate: z.number().nonnegative().describe('error_count / request_count; 0 without requests'),
  lines: count,
  blank_lines: count,
  bytes: count,
  malformed_lines: count,
  levels: z.record(z.string(), count),
  first_timestamp: z.string().nullable().describe('ISO 8601'),
  last_timestamp: z.string().nullable(),
});
export type MetricsReport = z.infer<typeof MetricsReportSchema>;
