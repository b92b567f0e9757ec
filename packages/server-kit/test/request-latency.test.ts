// Request latency per route: the label is the pattern Express matched, never the URL a client sent, so
// no client can mint new series; each app instance counts in its own registry.
import express from 'express';
import request from 'supertest';
import { createMetricsRegistry, requestLatency, requireBearerToken } from '../src';

function app(token?: string) {
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const served = express();
  served.use(requestLatency(registry));
  served.use(requireBearerToken(token));
  served.get('/jobs/:job_id', (_req, res) => void res.json({ ok: true }));
  served.use((_req, res) => void res.status(404).json({}));
  return { served, registry };
}

/** Observations per {method, route, status}, from the histogram's _count series. */
async function counts(registry: ReturnType<typeof createMetricsRegistry>): Promise<Record<string, number>> {
  const [histogram] = await registry.getMetricsAsJSON();
  const entries = (histogram.values as Array<{ metricName?: string; labels: Record<string, string>; value: number }>)
    .filter((v) => v.metricName === 'loganalyzer_http_request_duration_seconds_count')
    .map((v) => [`${v.labels.method} ${v.labels.route} ${v.labels.status}`, v.value] as const);
  return Object.fromEntries(entries);
}

it('labels requests with the route pattern, and those that matched no route as unmatched', async () => {
  const { served, registry } = app();

  await request(served).get('/jobs/job-1');
  await request(served).get('/jobs/job-2');
  await request(served).get('/jobs/%1b%5b2J');
  await request(served).get('/no/such/path/12345');

  expect(await counts(registry)).toStrictEqual({ 'GET /jobs/:job_id 200': 3, 'GET unmatched 404': 1 });
});

it('counts a request refused for its token as unmatched, and any method outside HTTP as other', async () => {
  const { served, registry } = app('a-token-long-enough-0123456789');

  await request(served).get('/jobs/job-1');
  await request(served).get('/jobs/job-1').set('Authorization', 'Bearer a-token-long-enough-0123456789');
  await request(served).get('/jobs/job-1').set('Authorization', 'Bearer a-token-long-enough-0123456789');
  await request(served).search('/jobs/job-1');

  expect(await counts(registry)).toStrictEqual({ 'GET unmatched 401': 1, 'GET /jobs/:job_id 200': 2, 'other unmatched 401': 1 });
});

it('keeps the counts of two apps in one process apart', async () => {
  const first = app();
  const second = app();

  await request(first.served).get('/jobs/job-1');

  expect(await counts(first.registry)).toStrictEqual({ 'GET /jobs/:job_id 200': 1 });
  expect(await counts(second.registry)).toStrictEqual({});
});

it('lets two apps share one registry, counting into the same histogram', async () => {
  const registry = createMetricsRegistry({ defaultMetrics: false });
  const apps = [express(), express()];
  for (const served of apps) {
    served.use(requestLatency(registry));
    served.get('/workers', (_req, res) => void res.json({}));
  }

  for (const served of apps) await request(served).get('/workers');

  expect(await counts(registry)).toStrictEqual({ 'GET /workers 200': 2 });
});
