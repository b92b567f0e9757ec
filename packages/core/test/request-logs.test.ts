// Request logs beyond nginx and Apache: HAProxy's HTTP log as a real HAProxy 2.6 wrote it (through a
// syslog header and raw, fixtures/real/capture-service-logs.sh) and as its manual documents it, AWS
// Classic and Application Load Balancer logs after AWS's documentation, uWSGI's request log as a
// real uWSGI 2.0 wrote it and with --log-micros, Squid's native access log (a real Squid 5.7 and its
// documented shapes), Envoy's and Istio's default access logs after their documentation, and the
// requests in Django's runserver and uvicorn logs, events with a request. Every figure is held to a
// count made here from the lines by regular expressions that share nothing with the parsers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../src/analyze';
import type { MetricsReport } from '../src/report';

const FIXTURES = join(__dirname, 'fixtures');
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** One request as the reference reads it. */
interface Request {
  timeMs: number;
  client: string;
  status: number | null;
  durationMs: number | null;
  bytes: number;
  request: string;
}

interface Expected {
  request_count: number;
  client_errors: number;
  requests_5xx: number;
  status_codes: Record<string, number>;
  methods: Record<string, number>;
  total_response_time: number;
  bytes_sent: number;
  /** The minute of the first request. */
  first_minute: number;
  clients: string[];
}

const HAPROXY = /(\S+):\d+ \[(\d\d)\/(\w{3})\/(\d{4}):(\d\d):(\d\d):(\d\d)\.(\d{3})\] \S+ \S+ -?\d+\/-?\d+\/-?\d+\/-?\d+\/\+?(-?\d+) (-?\d+) \+?(\d+) [^"]*"([^"]*)"/;
const UWSGI = /^\[pid: [^\]]+\] (\S+) \([^)]*\) \{[^}]*\} \[\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) (\d{4})\] (.*?) => generated (\d+) bytes in (\d+) (msecs|micros) \(\S+ (\d{3})\)/;
const SQUID = /^(\d+)\.(\d{3}) +(\d+) (\S+) [A-Z_]+\/(\d{3}) (\d+) ([A-Z]+) (\S+)/;
const ENVOY = /^\[(\S+)\] "([^"]*)" (\d{3}|-) .*?(\d+) (\d+) (\d+|-) (?:\d+|-) "([^",]*)/;
const AWS = /^(?:(?:https?|h2|grpcs|wss?) )?(\S+Z) \S+ (\S+):\d+ \S+ (\S+) (\S+) (\S+) (\S+) \S+ \d+ (\d+) "([^"]*)"/;

function haproxyRequest(line: string): Request | null {
  const m = HAPROXY.exec(line);
  if (!m) return null;
  const total = Number(m[9]);
  return {
    timeMs: Date.UTC(+m[4], MONTHS.indexOf(m[3]), +m[2], +m[5], +m[6], +m[7], +m[8]),
    client: m[1],
    status: Number(m[10]) > 0 ? Number(m[10]) : null,
    durationMs: total >= 0 ? total : null,
    bytes: Number(m[11]),
    request: m[12],
  };
}

function awsRequest(line: string): Request | null {
  const m = AWS.exec(line);
  if (!m || m[8] === '- - - ') return null;
  const times = [m[3], m[4], m[5]].map(Number);
  return {
    timeMs: Date.parse(m[1].replace(/(\.\d{3})\d*Z$/, '$1Z')),
    client: m[2],
    status: m[6] === '-' ? null : Number(m[6]),
    durationMs: times.some((t) => t < 0) ? null : times.reduce((a, b) => a + b, 0) * 1000,
    bytes: Number(m[7]),
    request: m[8],
  };
}

function uwsgiRequest(line: string): Request | null {
  const m = UWSGI.exec(line);
  if (!m) return null;
  return {
    timeMs: Date.UTC(+m[7], MONTHS.indexOf(m[2]), +m[3], +m[4], +m[5], +m[6]),
    client: m[1],
    status: Number(m[12]),
    durationMs: m[11] === 'micros' ? Number(m[10]) / 1000 : Number(m[10]),
    bytes: Number(m[9]),
    request: m[8],
  };
}

function squidRequest(line: string): Request | null {
  const m = SQUID.exec(line);
  if (!m) return null;
  return {
    timeMs: Number(m[1]) * 1000 + Number(m[2]),
    client: m[4],
    status: m[5] === '000' ? null : Number(m[5]),
    durationMs: Number(m[3]),
    bytes: Number(m[6]),
    request: `${m[7]} ${m[8]}`,
  };
}

function envoyRequest(line: string): Request | null {
  const m = ENVOY.exec(line);
  if (!m) return null;
  return {
    timeMs: Date.parse(m[1]),
    client: m[7],
    status: m[3] === '-' ? null : Number(m[3]),
    durationMs: m[6] === '-' ? null : Number(m[6]),
    bytes: Number(m[5]),
    request: m[2],
  };
}

const DJANGO = /^\[(\d\d)\/(\w{3})\/(\d{4}) (\d\d):(\d\d):(\d\d)\] "([^"]*)" (\d{3}) (\d+)$/;
const UVICORN = /^INFO: +\[?([^\]\s]+?)\]?:\d+ - "([^"]*)" (\d{3}) /;

function djangoRequest(line: string): Request | null {
  const m = DJANGO.exec(line);
  if (!m) return null;
  return { timeMs: Date.UTC(+m[3], MONTHS.indexOf(m[2]), +m[1], +m[4], +m[5], +m[6]), client: '-', status: Number(m[8]), durationMs: null, bytes: Number(m[9]), request: m[7] };
}

/** uvicorn writes no time: timeMs is NaN. */
function uvicornRequest(line: string): Request | null {
  const m = UVICORN.exec(line);
  if (!m) return null;
  return { timeMs: NaN, client: m[1], status: Number(m[3]), durationMs: null, bytes: 0, request: m[2] };
}

function expectedOf(file: string, read: (line: string) => Request | null): Expected {
  const requests = readFileSync(join(FIXTURES, file), 'utf8').split('\n').map(read).filter((r): r is Request => r !== null);
  const tally = (keys: string[]): Record<string, number> => {
    const counts: Record<string, number> = {};
    for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  };
  const statuses = requests.flatMap((r) => (r.status === null ? [] : [r.status]));
  return {
    request_count: requests.length,
    client_errors: statuses.filter((s) => s >= 400 && s < 500).length,
    requests_5xx: statuses.filter((s) => s >= 500).length,
    status_codes: tally(statuses.map(String)),
    methods: tally(requests.flatMap((r) => (/^[A-Z]+ \S/.test(r.request) ? [r.request.split(' ')[0]] : []))),
    total_response_time: Number(requests.reduce((sum, r) => sum + (r.durationMs ?? 0), 0).toFixed(3)),
    bytes_sent: requests.reduce((sum, r) => sum + r.bytes, 0),
    first_minute: Math.floor(Math.min(...requests.map((r) => r.timeMs)) / 60_000),
    clients: [...new Set(requests.map((r) => r.client).filter((c) => c !== '-'))].sort(),
  };
}

/** The report's figures; the first minute is the first timestamp's (the non-request lines of these files share it). */
function picked(report: MetricsReport, extraErrors: number): Expected {
  return {
    request_count: report.request_count,
    client_errors: report.client_errors,
    requests_5xx: report.error_count - extraErrors,
    status_codes: report.status_codes,
    methods: report.methods,
    total_response_time: Number(report.total_response_time.toFixed(3)),
    bytes_sent: report.bytes_sent,
    first_minute: Math.floor(Date.parse(report.first_timestamp!) / 60_000),
    clients: report.top.clients.items.map((i) => i.key).sort(),
  };
}

const count = (file: string, re: RegExp): number => readFileSync(join(FIXTURES, file), 'utf8').split('\n').filter((l) => re.test(l)).length;

describe.each([
  // file, format of the requests, reader, lines that are errors by their level (syslog ALERT/EMERG), malformed lines
  ['real/haproxy.log', 'haproxy', haproxyRequest, count('real/haproxy.log', /^<12[89]>/), 0],
  ['real/haproxy-raw.log', 'haproxy', haproxyRequest, 0, count('real/haproxy-raw.log', /^(Server|backend) /)],
  ['documented/haproxy-docs.log', 'haproxy', haproxyRequest, 0, 0],
  ['documented/aws-elb.log', 'elb', awsRequest, 0, 0],
  ['documented/aws-alb.log', 'alb', awsRequest, 0, 0],
  ['real/uwsgi.log', 'uwsgi', uwsgiRequest, 0, 0],
  ['documented/uwsgi-micros.log', 'uwsgi', uwsgiRequest, 0, 0],
  ['real/squid.log', 'squid', squidRequest, 0, 0],
  ['documented/squid.log', 'squid', squidRequest, 0, 0],
  ['documented/envoy.log', 'envoy', envoyRequest, 0, 0],
] as const)('%s', (file, format, read, levelErrors, malformed) => {
  let report: MetricsReport;
  const expected = expectedOf(file, read);
  beforeAll(async () => {
    report = await analyzeFile(join(FIXTURES, file));
  });

  it('counts every request, status, method, duration, byte and client exactly', () => {
    expect(picked(report, levelErrors)).toStrictEqual(expected);
    // A count that found nothing would prove nothing.
    expect(expected.request_count > 0 && Object.keys(expected.status_codes).length > 1).toBe(true);
  });

  it('reads each request line as its format, the rest as syslog events or malformed', () => {
    expect(report.formats[format]).toBe(expected.request_count + (format === 'elb' ? count(file, /"- - - "/) : 0));
    expect(report.malformed_lines).toBe(malformed);
  });
});

describe.each([
  // file, reader, the paths (query strings cut), lines that are errors by their level
  ['documented/django-runserver.log', djangoRequest, ['/', '/api/orders/', '/boom', '/missing', '/static/admin/css/base.css'], 0],
  ['documented/uvicorn.log', uvicornRequest, ['/api/items', '/api/items/9', '/api/orders', '/boom', '/health'], count('documented/uvicorn.log', /^(ERROR|CRITICAL):/)],
] as const)('the requests among the events of %s', (file, read, paths, levelErrors) => {
  it('counts every request, status, method, byte and client exactly, and reads the lines as events', async () => {
    const report = await analyzeFile(join(FIXTURES, file));
    const expected = expectedOf(file, read);
    const { first_minute: _noTime, ...rest } = expected;
    const { first_minute: _alsoNone, ...got } = picked({ ...report, first_timestamp: report.first_timestamp ?? new Date(0).toISOString() }, levelErrors);
    expect(got).toStrictEqual(rest);
    expect(report.top.paths.items.map((i) => i.key).sort()).toStrictEqual([...paths]);
    expect([report.malformed_lines, Object.keys(report.formats)]).toStrictEqual([0, ['event']]);
    expect(expected.request_count > 3 && Object.keys(expected.status_codes).length > 2).toBe(true);
  });
});

it('reads the total time of a HAProxy line logged before its end (+5003) and leaves a -1 status out of the status codes', async () => {
  const report = await analyzeFile(join(FIXTURES, 'documented', 'haproxy-docs.log'));
  expect(report.response_time.max).toBe(5003);
  expect(Object.values(report.status_codes).reduce((a, b) => a + b, 0)).toBe(report.request_count - 1);
});

it("reads Squid's URL as a path (a CONNECT target as it is), and an aborted request's 000 as no status", async () => {
  const report = await analyzeFile(join(FIXTURES, 'documented', 'squid.log'));
  expect(report.top.paths.items.map((i) => i.key).sort()).toStrictEqual(['/', '/big.bin', '/logo.png', '/slow', '/v1/pay', 'www.example.org:443']);
  expect(report.response_time.max).toBe(60_011);
});

it('takes the AWS load balancer time from the line and the duration from its three processing times', async () => {
  const report = await analyzeFile(join(FIXTURES, 'documented', 'aws-alb.log'));
  expect(report.first_timestamp).toBe('2018-07-02T22:23:00.186Z');
  // 0.000 + 0.350 + 0.000 s, the slowest; the -1 times of the 502 give it no duration.
  expect([report.response_time.max, report.timed_requests]).toStrictEqual([350, report.request_count - 1]);
});

it('reads requests and nginx error lines sent through syslog as they read on their own, keeping the syslog app', async () => {
  const file = join(FIXTURES, 'documented', 'nginx-syslog.log');
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const requests = lines.map((l) => /^(?:<\d+>)?\w{3} +\d+ [\d:]+ \S+ (\w+): (\S+) \S+ \S+ \[[^\]]+\] "(\w+) [^"]*" (\d{3}) (\d+|-)/.exec(l)).filter((m) => m !== null);
  const nginxErrors = lines.filter((l) => /: \d{4}\/\d\d\/\d\d [\d:]+ \[(error|crit|alert|emerg)\] /.test(l)).length;
  const report = await analyzeFile(file);
  expect(report.request_count).toBe(requests.length);
  expect(report.status_codes).toStrictEqual(Object.fromEntries([...new Set(requests.map((m) => m[4]))].sort().map((s) => [s, requests.filter((m) => m[4] === s).length])));
  expect(report.error_count).toBe(requests.filter((m) => Number(m[4]) >= 500).length + nginxErrors);
  expect(report.bytes_sent).toBe(requests.reduce((sum, m) => sum + (m[5] === '-' ? 0 : Number(m[5])), 0));
  expect(report.top.apps.items.map((i) => [i.key, i.count])).toStrictEqual([['nginx', lines.filter((l) => / nginx: /.test(l)).length], ['apache2', 1]]);
  expect([report.formats.nginx_error, report.levels.ERROR, report.malformed_lines]).toStrictEqual([nginxErrors, nginxErrors, 0]);
  // A request has no message of its own: only the nginx error line's text is an error message.
  expect(report.top.error_messages.items.map((i) => i.key)).toStrictEqual(['upstream timed out (110: Connection timed out) while reading response header from upstream']);
  expect(requests.length > 3 && nginxErrors).toBe(1);
});
