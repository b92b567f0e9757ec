// The job's time window in words, for both reports: [since, until) with the end excluded, and an open
// end said as such rather than shown as a dash a reader could take for a missing value.
import type { MetricsReport } from '@loganalyzer/contract';

type Window = NonNullable<MetricsReport['window']>;

/** `timestamp` prints one end (the text report escapes it; the HTML report escapes the whole cell). */
export function windowText(window: Window, timestamp: (t: string) => string): string {
  const since = window.since === null ? 'no start' : `from ${timestamp(window.since)}`;
  const until = window.until === null ? 'no end' : `up to ${timestamp(window.until)} (excluded)`;
  return `${since}, ${until}`;
}
