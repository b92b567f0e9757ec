import SwaggerParser from '@apidevtools/swagger-parser';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  coordinatorContract,
  coordinatorOpenApi,
  CreateJobBodySchema,
  createCoordinatorClient,
  embedJson,
  ERROR_CODES,
  ERROR_STATUS,
  ErrorSchema,
  MAX_INPUTS_PER_JOB,
  MAX_LEASES_PER_HEARTBEAT,
  MAX_PATH_LENGTH,
  toOpenApi30Bounds,
  workerContract,
  workerOpenApi,
} from '../src';

type Route = { method: string; path: string; body?: unknown; responses: Record<number, unknown> };

function routes(router: Record<string, unknown>): Array<[string, Route]> {
  return Object.entries(router) as Array<[string, Route]>;
}

it('declares a 400 validation response on every route that takes a body or path parameters', () => {
  const all = [...routes(coordinatorContract), ...routes(workerContract)];
  const missing = all.filter(([, r]) => (r.body !== undefined || r.path.includes(':')) && r.responses[400] === undefined).map(([name]) => name);

  expect(missing).toStrictEqual([]);
});

it('lists every coordinator route, with each of its methods, in its OpenAPI document', () => {
  const doc = coordinatorOpenApi();

  const methods = Object.fromEntries(Object.entries(doc.paths).map(([path, item]) => [path, Object.keys(item as object).sort()]));
  expect(methods).toStrictEqual({
    '/chunk_failures': ['post'],
    '/deregister': ['post'],
    '/events': ['get'],
    '/health': ['post'],
    '/jobs': ['get', 'post'],
    '/jobs/{job_id}': ['delete', 'get'],
    '/jobs/{job_id}/progress': ['get'],
    '/livez': ['get'],
    '/metrics': ['get', 'post'],
    '/metrics/prometheus': ['get'],
    '/openapi.json': ['get'],
    '/register': ['post'],
    '/workers': ['get'],
  });
});

it('lists every worker route in its OpenAPI document', () => {
  expect(Object.keys(workerOpenApi().paths).sort()).toStrictEqual(['/health', '/livez', '/metrics/prometheus', '/openapi.json', '/process_chunk']);
});

// @ts-rest/open-api writes z.number().positive() as {exclusiveMinimum: 0}, a 3.1 form, in a
// document that says 3.0.2; openapi.ts rewrites those bounds so 3.0 validators accept it.
it('publishes OpenAPI documents that pass a validator of the OpenAPI 3.0 specification as they are', async () => {
  // The validator dereferences in place: give it copies.
  const coordinator = await SwaggerParser.validate(structuredClone(coordinatorOpenApi()) as never);
  const worker = await SwaggerParser.validate(structuredClone(workerOpenApi()) as never);

  expect([coordinator.info.title, worker.info.title]).toStrictEqual(['loganalyzer coordinator', 'loganalyzer worker']);
});

it('rewrites 3.1 numeric exclusive bounds the 3.0 way, keeping the tighter bound', () => {
  const doc = { a: { type: 'integer', minimum: 0, exclusiveMinimum: 0 }, b: [{ exclusiveMaximum: 10, maximum: 5 }], c: { exclusiveMinimum: true, minimum: 1 } };

  expect(toOpenApi30Bounds(doc)).toStrictEqual({
    a: { type: 'integer', minimum: 0, exclusiveMinimum: true },
    b: [{ exclusiveMaximum: false, maximum: 5 }],
    c: { exclusiveMinimum: true, minimum: 1 },
  });
});

it('declares every status a report can be answered with: committed or duplicate, lease lost, too large, invalid partial', () => {
  expect(Object.keys(coordinatorContract.reportMetrics.responses)).toStrictEqual(['200', '400', '401', '404', '409', '413', '422', '500']);
  expect(Object.keys(coordinatorContract.reportChunkFailure.responses)).toStrictEqual(['200', '400', '401', '404', '409', '413', '500']);

  const metrics200 = coordinatorContract.reportMetrics.responses[200];
  expect(metrics200.safeParse({ accepted: true, reason: 'committed' }).success).toBe(true);
  expect(metrics200.safeParse({ accepted: false, reason: 'duplicate' }).success).toBe(true);
  expect(metrics200.safeParse({ accepted: true, reason: 'merged' }).success).toBe(false);
  const failure200 = coordinatorContract.reportChunkFailure.responses[200];
  expect(failure200.safeParse({ accepted: true, reason: 'recorded' }).success).toBe(true);
  expect(failure200.safeParse({ accepted: false, reason: 'recorded' }).success).toBe(false);
});

it('maps every error code to a status from 400 to 599', () => {
  const outside = Object.entries(ERROR_STATUS).filter(([, status]) => !(Number.isInteger(status) && status >= 400 && status <= 599));

  expect(outside).toStrictEqual([]);
  expect(ERROR_CODES).toStrictEqual(Object.keys(ERROR_STATUS));
  expect(ERROR_STATUS).toMatchObject({ lease_not_live: 409, body_too_large: 413, invalid_partial: 422, validation_failed: 400 });
});

it('has an error code for every error status a route declares', () => {
  const codeStatuses = new Set<number>(Object.values(ERROR_STATUS));
  const all = [...routes(coordinatorContract), ...routes(workerContract)];
  const uncovered = all.flatMap(([name, r]) =>
    Object.keys(r.responses)
      .map(Number)
      .filter((status) => status >= 400 && !codeStatuses.has(status))
      .map((status) => `${name} ${status}`),
  );

  expect(uncovered).toStrictEqual([]);
});

it('refuses an error body whose code is not one of the error codes', () => {
  expect(ErrorSchema.safeParse({ error: 'lease_not_live', message: 'lease expired' }).success).toBe(true);
  expect(ErrorSchema.safeParse({ error: 'unavailable', message: 'coordinator is restarting' }).success).toBe(false);
  expect(ErrorSchema.safeParse({ error: 'LEASE_NOT_LIVE', message: 'lease expired' }).success).toBe(false);
});

it('rejects a job body whose chunk size is not a positive safe integer', () => {
  const body = coordinatorContract.createJob.body;

  expect(body.safeParse({ filepath: '/x', chunk_size: 0 }).success).toBe(false);
  expect(body.safeParse({ filepath: '/x', chunk_size: 1e20 }).success).toBe(false);
  expect(body.safeParse({ filepath: '/x', chunk_size: 1.5 }).success).toBe(false);
  expect(body.safeParse({ filepath: '', chunk_size: 10 }).success).toBe(false);
  expect(body.safeParse({ filepath: '/x', chunk_size: 10 }).success).toBe(true);
});

describe('the createJob body', () => {
  const body = coordinatorContract.createJob.body;
  const issues = (value: unknown) => {
    const parsed = body.safeParse(value);
    return parsed.success ? [] : parsed.error.issues.map((issue) => ({ path: issue.path, code: issue.code, message: issue.message }));
  };

  it('accepts inputs given as paths, as tagged file inputs, or mixed, keeping each as given', () => {
    const inputs = ['/var/log/a.log', { kind: 'file', path: '/var/log/b.log' }];

    expect(body.parse({ inputs })).toStrictEqual({ inputs });
    expect(body.parse({ inputs: [{ kind: 'file', path: '/var/log/b.log' }], format: 'combined' })).toStrictEqual({
      inputs: [{ kind: 'file', path: '/var/log/b.log' }],
      format: 'combined',
    });
  });

  it('accepts a single filepath', () => {
    expect(body.parse({ filepath: '/var/log/app.log' })).toStrictEqual({ filepath: '/var/log/app.log' });
  });

  it('refuses a body with neither inputs nor filepath', () => {
    expect(issues({ chunk_size: 1024 })).toStrictEqual([{ path: ['inputs'], code: 'custom', message: 'give either inputs or filepath' }]);
  });

  it('refuses a body with both inputs and filepath', () => {
    expect(issues({ inputs: ['/var/log/a.log'], filepath: '/var/log/a.log' })).toStrictEqual([
      { path: ['inputs'], code: 'custom', message: 'give either inputs or filepath' },
    ]);
  });

  it('refuses an empty list of inputs', () => {
    expect(issues({ inputs: [] })).toStrictEqual([{ path: ['inputs'], code: 'too_small', message: 'Array must contain at least 1 element(s)' }]);
  });

  it(`accepts ${MAX_INPUTS_PER_JOB} inputs and refuses one more`, () => {
    const paths = Array.from({ length: MAX_INPUTS_PER_JOB + 1 }, (_, i) => `/var/log/app.${i}.log`);

    expect(body.safeParse({ inputs: paths.slice(0, MAX_INPUTS_PER_JOB) }).success).toBe(true);
    expect(issues({ inputs: paths })).toStrictEqual([
      { path: ['inputs'], code: 'too_big', message: `Array must contain at most ${MAX_INPUTS_PER_JOB} element(s)` },
    ]);
  });

  it(`accepts a path of ${MAX_PATH_LENGTH} characters and refuses a 5000-character one, as filepath, as a path input and as a tagged input`, () => {
    const longest = '/' + 'a'.repeat(MAX_PATH_LENGTH - 1);
    const tooLong = '/' + 'a'.repeat(4999);
    const tooBig = { code: 'too_big', message: `String must contain at most ${MAX_PATH_LENGTH} character(s)` };

    expect(body.safeParse({ filepath: longest }).success).toBe(true);
    expect(body.safeParse({ inputs: [longest, { kind: 'file', path: longest }] }).success).toBe(true);
    expect(issues({ filepath: tooLong })).toStrictEqual([{ path: ['filepath'], ...tooBig }]);
    expect(issues({ inputs: [{ kind: 'file', path: tooLong }] })).toStrictEqual([{ path: ['inputs', 0, 'path'], ...tooBig }]);
    // A bare path is one branch of a union: zod reports the union, and the refusal is what matters.
    expect(body.safeParse({ inputs: ['/ok.log', tooLong] }).success).toBe(false);
  });

  it('refuses an input of a kind no worker reads, and an empty path', () => {
    expect(body.safeParse({ inputs: [{ kind: 'http', path: 'http://example.com/app.log' }] }).success).toBe(false);
    expect(body.safeParse({ inputs: [{ kind: 'file', path: '' }] }).success).toBe(false);
    expect(body.safeParse({ inputs: [''] }).success).toBe(false);
  });
});

describe('ids, tokens and paths on the wire', () => {
  const key = { worker_id: 'w-1', job_id: 'job-1', chunk_id: 0, attempt: 1, lease_token: 'c0ffee00c0ffee00c0ffee00c0ffee00', error: 'EIO' };
  const failure = coordinatorContract.reportChunkFailure.body;

  it('accepts a report key of the longest ids', () => {
    expect(failure.safeParse({ ...key, worker_id: 'w'.repeat(128), job_id: 'j'.repeat(64) }).success).toBe(true);
  });

  it('refuses a job id over 64 characters in a report and in a job path', () => {
    expect(failure.safeParse({ ...key, job_id: 'j'.repeat(65) }).success).toBe(false);
    expect(coordinatorContract.getJob.pathParams.safeParse({ job_id: 'j'.repeat(65) }).success).toBe(false);
    expect(coordinatorContract.deleteJob.pathParams.safeParse({ job_id: 'j'.repeat(65) }).success).toBe(false);
    expect(coordinatorContract.deleteJob.pathParams.safeParse({ job_id: 'j'.repeat(64) }).success).toBe(true);
  });

  it('refuses a worker id over 128 characters or with a character outside letters, digits and . _ : -', () => {
    expect(failure.safeParse({ ...key, worker_id: 'w'.repeat(129) }).success).toBe(false);
    expect(failure.safeParse({ ...key, worker_id: 'w 1' }).success).toBe(false);
    expect(failure.safeParse({ ...key, worker_id: 'host-1.example:8001_a' }).success).toBe(true);
  });

  it('refuses a lease token that is not exactly 32 lowercase hex digits', () => {
    for (const lease_token of ['C0FFEE00C0FFEE00C0FFEE00C0FFEE00', 'c0ffee00c0ffee00c0ffee00c0ffee0', 'c0ffee00c0ffee00c0ffee00c0ffee000', 'g0ffee00c0ffee00c0ffee00c0ffee00', '']) {
      expect([lease_token, failure.safeParse({ ...key, lease_token }).success]).toStrictEqual([lease_token, false]);
    }
  });

  it('refuses a chunk task whose input path is over the path limit', () => {
    const task = {
      job_id: 'job-1',
      chunk_id: 0,
      attempt: 1,
      lease_token: key.lease_token,
      input: { kind: 'file', path: '/var/log/app.log' },
      snapshot: { size: 10, mtime_ms: 1.5, dev: 1, ino: 2 },
      start: 0,
      size: 10,
    };

    expect(workerContract.processChunk.body.safeParse(task).success).toBe(true);
    expect(workerContract.processChunk.body.safeParse({ ...task, input: { kind: 'file', path: '/' + 'a'.repeat(MAX_PATH_LENGTH) } }).success).toBe(false);
  });

  it('refuses a heartbeat listing more leases than the limit', () => {
    const heartbeat = coordinatorContract.heartbeat.body;
    const leases = (n: number) => Array.from({ length: n }, (_, i) => i.toString(16).padStart(32, '0'));

    expect(heartbeat.safeParse({ worker_id: 'w-1', leases: leases(MAX_LEASES_PER_HEARTBEAT) }).success).toBe(true);
    expect(heartbeat.safeParse({ worker_id: 'w-1', leases: leases(MAX_LEASES_PER_HEARTBEAT + 1) }).success).toBe(false);
  });
});

describe('the axios-backed coordinator client', () => {
  let server: Server;
  let baseUrl: string;
  const requests: Array<{ method?: string; url?: string; body: string; length?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, body: Buffer.concat(parts).toString('utf8'), length: req.headers['content-length'] });
        res.setHeader('content-type', 'application/json');
        if (req.url === '/jobs/missing') {
          res.statusCode = 404;
          res.end(JSON.stringify({ error: 'job_not_found', message: 'no job missing' }));
        } else {
          res.statusCode = 201;
          res.end(JSON.stringify({ job_id: 'j1' }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends the typed body as JSON and returns the status with the parsed body', async () => {
    const client = createCoordinatorClient(baseUrl);

    const response = await client.createJob({ body: { filepath: '/var/log/app.log', chunk_size: 1024 } });

    expect(response.status).toBe(201);
    expect(response.body).toStrictEqual({ job_id: 'j1' });
    expect(requests.at(-1)).toMatchObject({ method: 'POST', url: '/jobs', body: JSON.stringify({ filepath: '/var/log/app.log', chunk_size: 1024 }) });
  });

  it('sends a field given with embedJson as its bytes, in place, with the right content-length', async () => {
    const client = createCoordinatorClient(baseUrl);
    const filepath = '/var/log/caf\u00e9 \u2603.log';
    const bytes = new TextEncoder().encode(JSON.stringify(filepath));

    const response = await client.createJob({ body: { chunk_size: 7, filepath: embedJson<string>(bytes), format: undefined } });

    expect(response.status).toBe(201);
    const expected = JSON.stringify({ chunk_size: 7, filepath });
    expect(requests.at(-1)).toStrictEqual({ method: 'POST', url: '/jobs', body: expected, length: String(Buffer.byteLength(expected)) });
    // The same bytes again: the body is rebuilt per request, so a retry sends it whole.
    await client.createJob({ body: { filepath: embedJson<string>(bytes) } });
    expect(requests.at(-1)?.body).toBe(JSON.stringify({ filepath }));
  });

  it('resolves an error status instead of throwing', async () => {
    const response = await createCoordinatorClient(baseUrl).getJob({ params: { job_id: 'missing' } });

    expect(response).toMatchObject({ status: 404, body: { error: 'job_not_found', message: 'no job missing' } });
  });

  it('rejects when nothing listens', async () => {
    const closed = createCoordinatorClient('http://127.0.0.1:1', { timeoutMs: 2000 });

    await expect(closed.listWorkers()).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('the trust boundary on the wire', () => {
  it('declares a 401 on every route of both apps, so a client knows a missing token from a bug', () => {
    const missing = [...routes(coordinatorContract), ...routes(workerContract)].filter(([, r]) => r.responses[401] === undefined).map(([name]) => name);

    expect(missing).toStrictEqual([]);
  });

  it('documents the bearer token on every operation but liveness', () => {
    for (const doc of [coordinatorOpenApi(), workerOpenApi()]) {
      const open = Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item as Record<string, { security?: unknown[] }>).filter(([, op]) => op.security !== undefined).map(([method, op]) => [path, method, op.security]),
      );
      expect(doc.security).toStrictEqual([{ clusterToken: [] }]);
      expect(doc.components?.securitySchemes).toStrictEqual({ clusterToken: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
      expect(open).toStrictEqual([['/livez', 'get', []]]);
    }
  });

  it('rejects unknown fields in every request body, at the top and nested', () => {
    const job = coordinatorContract.createJob.body.safeParse({ inputs: ['/a.log'], chunk_size: 10, extra: 1 });
    const nestedInput = coordinatorContract.createJob.body.safeParse({ inputs: [{ kind: 'file', path: '/a', mode: 'x' }] });
    const register = coordinatorContract.register.body.safeParse({ worker_id: 'w', port: 1, admin: true });
    const heartbeat = coordinatorContract.heartbeat.body.safeParse({ worker_id: 'w', leases: [], x: 1 });
    const deregister = coordinatorContract.deregister.body.safeParse({ worker_id: 'w', x: 1 });
    const task = workerContract.processChunk.body.safeParse({
      job_id: 'j', chunk_id: 0, attempt: 1, lease_token: 'a'.repeat(32), input: { kind: 'file', path: '/a' },
      snapshot: { size: 1, mtime_ms: 0, dev: 1, ino: 1 }, start: 0, size: 1, shell: 'rm -rf /',
    });

    expect([job, nestedInput, register, heartbeat, deregister, task].map((r) => (r.success ? 'accepted' : r.error.issues[0]?.code))).toStrictEqual([
      'unrecognized_keys', 'unrecognized_keys', 'unrecognized_keys', 'unrecognized_keys', 'unrecognized_keys', 'unrecognized_keys',
    ]);
  });

  it('bounds the nginx log_format a job may carry', () => {
    expect(coordinatorContract.createJob.body.safeParse({ filepath: '/a', log_format: 'x'.repeat(4097) }).success).toBe(false);
    expect(coordinatorContract.createJob.body.safeParse({ filepath: '/a', log_format: 'x'.repeat(4096) }).success).toBe(true);
  });
});

describe('the time window of a job', () => {
  it('accepts either end alone, or both in order', () => {
    for (const window of [{ since_ms: 0 }, { until_ms: -1 }, { since_ms: 1, until_ms: 2 }, {}]) {
      expect(CreateJobBodySchema.safeParse({ inputs: ['/a'], ...window }).success).toBe(true);
    }
  });

  it('refuses since_ms at or after until_ms, naming until_ms', () => {
    for (const [since, until] of [[5, 5], [6, 5]]) {
      const parsed = CreateJobBodySchema.safeParse({ inputs: ['/a'], since_ms: since, until_ms: until });
      expect(parsed.success ? [] : parsed.error.issues.map((i) => [i.path, i.message])).toStrictEqual([[['until_ms'], `must be after since_ms (${since}), got ${until}`]]);
    }
  });

  it('refuses ends that are not integer epoch milliseconds', () => {
    for (const bad of [1.5, '10', 9e15, null]) expect(CreateJobBodySchema.safeParse({ inputs: ['/a'], since_ms: bad }).success).toBe(false);
  });
});
