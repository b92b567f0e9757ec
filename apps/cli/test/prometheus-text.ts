// Prometheus exposition text read back with a real parser (parse-prometheus-text-format), as one
// number per series: `name{label="value",…}` (labels sorted) → value.

// The package ships no types; this is the shape of what it returns.
interface Family {
  name: string;
  type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
  metrics: Array<{ labels?: Record<string, string>; value?: string }>;
}
const parsePrometheusTextFormat = require('parse-prometheus-text-format') as (text: string) => Family[];

const key = (name: string, labels: Record<string, string> = {}): string => {
  const pairs = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`);
  return pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
};

/**
 * The parser merges a histogram's samples into one object keyed by `le` and drops every other label
 * (it follows prometheus_client 0.0.19's parser), which loses a histogram per route. So a histogram's
 * `# HELP`/`# TYPE` lines are left out: its `_bucket`, `_sum` and `_count` samples then parse as plain
 * series with all their labels.
 */
function withoutHistogramHeaders(text: string): string {
  const histograms = new Set([...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]));
  return text
    .split('\n')
    .filter((line) => !histograms.has(/^# (?:HELP|TYPE) (\S+)/.exec(line)?.[1] ?? ''))
    .join('\n');
}

export function parseExposition(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const family of parsePrometheusTextFormat(withoutHistogramHeaders(text))) {
    for (const metric of family.metrics) {
      if (metric.value === undefined) throw new Error(`${family.name}: a ${family.type} sample without a value`);
      series.set(key(family.name, metric.labels), Number(metric.value));
    }
  }
  return series;
}

/** Sums a metric's series over the workers' expositions. */
export const total = (expositions: Array<Map<string, number>>, name: string): number => expositions.reduce((sum, series) => sum + (series.get(name) ?? 0), 0);
