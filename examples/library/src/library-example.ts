// The README's "As a library" example, word for word: the single pass, a custom nginx format, the
// same file split into byte ranges and merged (what the cluster does, in one process), and a rotated
// gzip log read through a time window.
import { statSync } from 'node:fs';
import { analyzeCompressedFile, analyzeFile, analyzeRange, mergeAll, planChunks, toReport } from '@loganalyzer/core';
import type { MetricsReport } from '@loganalyzer/core';

export interface ExampleResult {
  app: MetricsReport;
  access: MetricsReport;
  chunked: MetricsReport;
  rotated: MetricsReport;
}

export async function runLibraryExample(appLog: string, nginxLog: string, rotatedLog: string): Promise<ExampleResult> {
  const app = await analyzeFile(appLog); // one pass, formats detected per line
  const access = await analyzeFile(nginxLog, {
    format: { nginx: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time' },
  });
  // Any chunking gives the same result: each line belongs to the chunk its first byte is in.
  const ranges = planChunks(statSync(appLog).size, 4096);
  const chunked = toReport(mergeAll(ranges.map((r) => analyzeRange(appLog, r.start, r.size))));

  // A rotated, gzip-compressed log, only the lines of a five-minute window (the others count as outside_window).
  const window = { sinceMs: Date.parse('2024-01-24T10:05:00Z'), untilMs: Date.parse('2024-01-24T10:10:00Z') };
  const rotated = toReport(await analyzeCompressedFile(rotatedLog, 'gzip', { window }), window);
  return { app, access, chunked, rotated };
}
