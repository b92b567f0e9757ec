// The README's "As a library" example, word for word: the single pass, a custom nginx format, and the
// same file split into byte ranges and merged (what the cluster does, in one process).
import { statSync } from 'node:fs';
import { analyzeFile, analyzeRange, mergeAll, planChunks, toReport } from '@loganalyzer/core';
import type { MetricsReport } from '@loganalyzer/core';

export interface ExampleResult {
  app: MetricsReport;
  access: MetricsReport;
  chunked: MetricsReport;
}

export async function runLibraryExample(appLog: string, nginxLog: string): Promise<ExampleResult> {
  const app = await analyzeFile(appLog); // one pass, formats detected per line
  const access = await analyzeFile(nginxLog, {
    format: { nginx: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time' },
  });
  // Any chunking gives the same result: each line belongs to the chunk its first byte is in.
  const ranges = planChunks(statSync(appLog).size, 4096);
  const chunked = toReport(mergeAll(ranges.map((r) => analyzeRange(appLog, r.start, r.size))));
  return { app, access, chunked };
}
