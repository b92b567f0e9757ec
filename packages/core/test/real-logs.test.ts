// Real logs, written by a real nginx (combined + $request_time, and JSON with escape=json) and a real
// Apache (combined + %D) for the same request sequence (scripts/capture-real-logs.sh).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../src/analyze';
import type { MetricsReport } from '../src/report';

const dir = join(__dirname, '..', '..', '..', 'fixtures', 'real');
const nginxTimed = join(dir, 'nginx-timed.log');
const nginxJson = join(dir, 'nginx.json.log');
const apacheTimed = join(dir, 'apache-timed.log');
const APACHE_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time_us';

/** Durations in ms from the last field of each line: a reference that shares no code with the parsers. */
function lastFieldDurations(file: string, toMs: (field: string) => number): number[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => toMs(line.slice(line.lastIndexOf(' ') + 1)));
}

/** The exact quantile at rank q·(n-1), rounded down, as DDSketch ranks. */
function exactQuantile(sorted: number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))];
}

function expectPercentilesWithinBound(report: MetricsReport, durations: number[]): void {
  const sorted = [...durations].sort((a, b) => a - b);
  const rt = report.response_time;
  for (const [name, q] of [['p50', 0.5], ['p90', 0.9], ['p95', 0.95], ['p99', 0.99], ['p99_9', 0.999]] as const) {
    const exact = exactQuantile(sorted, q);
    const reported = rt[name] as number;
    expect({ name, withinBound: Math.abs(reported - exact) <= rt.relative_error * exact + 1e-9 }).toStrictEqual({ name, withinBound: true });
  }
  expect([rt.min, rt.max]).toStrictEqual([sorted[0], sorted[sorted.length - 1]]);
}

let nginx: MetricsReport;
let json: MetricsReport;
let apache: MetricsReport;

beforeAll(async () => {
  [nginx, json, apache] = await Promise.all([analyzeFile(nginxTimed), analyzeFile(nginxJson), analyzeFile(apacheTimed, { format: { nginx: APACHE_FORMAT } })]);
});

it('detects every nginx line as combined and every JSON line as json, with none malformed', () => {
  expect([nginx.formats, nginx.malformed_lines]).toStrictEqual([{ combined: 1500 }, 0]);
  expect([json.formats, json.malformed_lines]).toStrictEqual([{ json: 1500 }, 0]);
  expect([apache.formats, apache.malformed_lines]).toStrictEqual([{ custom: 1500 }, 0]);
});

it('gives the same analytics for the same requests logged as combined and as JSON by nginx', () => {
  const pick = (r: MetricsReport) => ({
    request_count: r.request_count,
    error_count: r.error_count,
    client_errors: r.client_errors,
    total_response_time: r.total_response_time,
    status_codes: r.status_codes,
    methods: r.methods,
    bytes_sent: r.bytes_sent,
    response_time: r.response_time,
    first_timestamp: r.first_timestamp,
    last_timestamp: r.last_timestamp,
    requests_per_second: r.requests_per_second,
    errors_per_minute: r.errors_per_minute,
    timeline: r.timeline,
    top: r.top,
    unique_clients: r.unique_clients,
  });
  expect(pick(json)).toStrictEqual(pick(nginx));
});

it('counts the nginx log exactly: requests, errors (5xx) and client errors (4xx)', () => {
  expect(nginx.request_count).toBe(1500);
  expect(nginx.status_classes).toStrictEqual({ '2xx': 1013, '4xx': 337, '5xx': 150 });
  expect([nginx.error_count, nginx.client_errors]).toStrictEqual([150, 337]);
  expect(nginx.top.clients.items.map((i) => [i.key, i.count])).toStrictEqual([
    ['127.0.0.1', 1250],
    ['::1', 250],
  ]);
});

it('agrees with Apache on the same requests, except the POSTs to static files that nginx answers 405', () => {
  const nginx405 = nginx.status_codes['405'] ?? 0;
  expect(nginx405).toBe(37);
  expect(apache.request_count).toBe(nginx.request_count);
  expect(apache.error_count).toBe(nginx.error_count);
  expect(apache.methods).toStrictEqual(nginx.methods);
  expect(apache.status_classes).toStrictEqual({ '2xx': nginx.status_classes['2xx'] + nginx405, '4xx': nginx.status_classes['4xx'] - nginx405, '5xx': nginx.status_classes['5xx'] });
  expect(apache.top.user_agents.items.map((i) => [i.key, i.count])).toStrictEqual(nginx.top.user_agents.items.map((i) => [i.key, i.count]));
});

it('decodes nginx \\xHH and Apache \\" escapes so user agents match the JSON log', () => {
  const keys = json.top.user_agents.items.map((i) => i.key).sort();
  expect(keys).toStrictEqual(['Bücherwurm/2.0 (ünïcode)', 'Mozilla/5.0 (X11; Linux x86_64) loganalyzer-test', 'Weird "quoted" agent/1.0', 'curl/7.88.1']);
  expect(nginx.top.user_agents.items.map((i) => i.key).sort()).toStrictEqual(keys);
  expect(apache.top.user_agents.items.map((i) => i.key).sort()).toStrictEqual(keys);
});

it('reports nginx percentiles within the stated 1% of the exact $request_time quantiles', () => {
  expectPercentilesWithinBound(nginx, lastFieldDurations(nginxTimed, (s) => Number(s) * 1000));
});

it('reports Apache percentiles within the stated 1% of the exact %D quantiles', () => {
  expectPercentilesWithinBound(apache, lastFieldDurations(apacheTimed, (us) => Number(us) / 1000));
});
