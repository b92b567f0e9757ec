// Mergeable metrics: the partial form that chunks produce and merge, and the report people read.
// Merging only sums, mins and maxes, and durations are integer microseconds, so merging in any order
// gives exactly the same numbers as a single pass.

export interface PartialMetrics {
  /** Every line, blank or not, as `wc -l` counts them plus an unterminated last line. */
  lines: number;
  blank_lines: number;
  /** Bytes of the lines, newlines included: over a whole file this is the file size. */
  bytes: number;
  malformed_lines: number;
  request_count: number;
  error_count: number;
  total_response_time_us: number;
  levels: Record<string, number>;
  first_timestamp_ms: number | null;
  last_timestamp_ms: number | null;
}

export interface MetricsReport {
  error_count: number;
  request_count: number;
  /** Milliseconds. */
  total_response_time: number;
  /** Milliseconds per request, 0 without requests. */
  avg_response_time: number;
  /** error_count / request_count, 0 without requests (as the original analyzer defined it). */
  error_rate: number;
  lines: number;
  blank_lines: number;
  bytes: number;
  malformed_lines: number;
  levels: Record<string, number>;
  first_timestamp: string | null;
  last_timestamp: string | null;
}

export function emptyMetrics(): PartialMetrics {
  return {
    lines: 0,
    blank_lines: 0,
    bytes: 0,
    malformed_lines: 0,
    request_count: 0,
    error_count: 0,
    total_response_time_us: 0,
    levels: {},
    first_timestamp_ms: null,
    last_timestamp_ms: null,
  };
}

function pick(a: number | null, b: number | null, choose: (x: number, y: number) => number): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return choose(a, b);
}

/** Merges two partials into a new one; neither input is changed. */
export function mergeMetrics(a: PartialMetrics, b: PartialMetrics): PartialMetrics {
  const levels: Record<string, number> = { ...a.levels };
  for (const [level, n] of Object.entries(b.levels)) levels[level] = (levels[level] ?? 0) + n;
  return {
    lines: a.lines + b.lines,
    blank_lines: a.blank_lines + b.blank_lines,
    bytes: a.bytes + b.bytes,
    malformed_lines: a.malformed_lines + b.malformed_lines,
    request_count: a.request_count + b.request_count,
    error_count: a.error_count + b.error_count,
    total_response_time_us: a.total_response_time_us + b.total_response_time_us,
    levels: sortKeys(levels),
    first_timestamp_ms: pick(a.first_timestamp_ms, b.first_timestamp_ms, Math.min),
    last_timestamp_ms: pick(a.last_timestamp_ms, b.last_timestamp_ms, Math.max),
  };
}

export function mergeAll(parts: Iterable<PartialMetrics>): PartialMetrics {
  let total = emptyMetrics();
  for (const part of parts) total = mergeMetrics(total, part);
  return total;
}

/** Key order must not depend on merge order, so that equal results serialize identically. */
export function sortKeys(record: Record<string, number>): Record<string, number> {
  const sorted: Record<string, number> = {};
  for (const key of Object.keys(record).sort()) sorted[key] = record[key];
  return sorted;
}

export function toReport(m: PartialMetrics): MetricsReport {
  const total = m.total_response_time_us / 1000;
  return {
    error_count: m.error_count,
    request_count: m.request_count,
    total_response_time: total,
    avg_response_time: m.request_count === 0 ? 0 : total / m.request_count,
    error_rate: m.request_count === 0 ? 0 : m.error_count / m.request_count,
    lines: m.lines,
    blank_lines: m.blank_lines,
    bytes: m.bytes,
    malformed_lines: m.malformed_lines,
    levels: sortKeys(m.levels),
    first_timestamp: m.first_timestamp_ms === null ? null : new Date(m.first_timestamp_ms).toISOString(),
    last_timestamp: m.last_timestamp_ms === null ? null : new Date(m.last_timestamp_ms).toISOString(),
  };
}
