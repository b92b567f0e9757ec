// The PartialMetrics fields a merge treats alike: counters it sums, and maps of counts it adds key by
// key. The merger and the check that comes before it both go through these lists.
import type { PartialMetrics } from './partial-metrics';

export const SUMMED_FIELDS = [
  'lines',
  'blank_lines',
  'continuation_lines',
  'outside_window',
  'bytes',
  'malformed_lines',
  'request_count',
  'timed_requests',
  'error_count',
  'client_errors',
  'total_response_time_us',
  'bytes_sent',
] as const satisfies ReadonlyArray<keyof PartialMetrics>;

export const COUNTED_FIELDS = ['levels', 'statuses', 'methods', 'formats', 'malformed_by_family'] as const satisfies ReadonlyArray<keyof PartialMetrics>;

export type SummedField = (typeof SUMMED_FIELDS)[number];
export type CountedField = (typeof COUNTED_FIELDS)[number];
