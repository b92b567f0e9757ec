// Following a job costs the cluster next to nothing: while it runs the client asks for its counters
// only (GET /jobs/:job_id/progress), and fetches the job with its metrics once, when it has ended.
// The whole job's report is megabytes on a large input; polled ten times a second, serializing and
// parsing it took cores from the workers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CoordinatorClient, JobProgressUpdate } from '@loganalyzer/contract';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { analyzeFile } from '@loganalyzer/core';
import { LocalCluster } from '../src/local-cluster';
import { runJob } from '../src/run-job';

jest.setTimeout(60_000);

let cluster: LocalCluster;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-follow-'));
  cluster = await LocalCluster.start({ workers: 2, concurrency: 1 });
});

afterAll(async () => {
  await cluster?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** The cluster's client, counting the calls of each route. */
function countingClient(client: CoordinatorClient, calls: Map<string, number>): CoordinatorClient {
  return new Proxy(client, {
    get(target, route: string) {
      const call = (target as unknown as Record<string, (...args: unknown[]) => unknown>)[route];
      return (...args: unknown[]) => {
        calls.set(route, (calls.get(route) ?? 0) + 1);
        return call(...args);
      };
    },
  });
}

it('polls the counters while the job runs, and fetches the whole job once, at its end', async () => {
  const path = join(dir, 'app.log');
  writeApplogFile(path, 60_000, { seed: 3 });
  const calls = new Map<string, number>();
  const seen: JobProgressUpdate[] = [];

  const job = await runJob(countingClient(cluster.client, calls), [path], { chunkSize: 256 * 1024, pollIntervalMs: 5, onProgress: (p) => seen.push(p) });

  expect(job.status).toBe('completed');
  expect(job.progress.chunks_done).toBe(job.progress.chunks_total);
  expect(job.metrics).toStrictEqual(await analyzeFile(path));
  expect(calls.get('getJob')).toBe(1);
  expect(calls.get('getJobProgress')).toBe(seen.length);
  expect(seen.length).toBeGreaterThan(1);
  // The counters went up as chunks were committed, and the last poll saw the job's end.
  for (let i = 1; i < seen.length; i++) expect(seen[i].chunks_done).toBeGreaterThanOrEqual(seen[i - 1].chunks_done);
  expect(seen[seen.length - 1]).toMatchObject({ job_id: job.job_id, status: 'completed', chunks_done: job.progress.chunks_total, bytes_done: job.progress.bytes_total });
});

it('answers 404 for the progress of a job it does not hold', async () => {
  const r = await cluster.client.getJobProgress({ params: { job_id: 'no-such-job' } });

  expect([r.status, (r.body as { error?: string }).error]).toStrictEqual([404, 'job_not_found']);
});
