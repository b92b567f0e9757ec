import { analyzeFile, analyzeRange, emptyMetrics, toReport } from '@loganalyzer/core';
import request from 'supertest';
import { createApp } from '../src/app';
import { Coordinator, CoordinatorOptions } from '../src/coordinator';
import { fakeClock, fakeSender, iso, settle, T0, useTempLogs } from './helpers';

const logs = useTempLogs();

function setup(options: Partial<CoordinatorOptions> = {}) {
  const { sendChunk, sent } = fakeSender();
  const clock = fakeClock();
  const coordinator = new Coordinator({ sendChunk, now: clock.now, heartbeatIntervalMs: 1000, ...options });
  return { app: createApp(coordinator), coordinator, sent, clock };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The message JSON.parse gives for `text`, which express.json passes on. */
function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

// ---- workers ----

it('registers a worker and tells it the heartbeat interval', async () => {
  const { app } = setup({ heartbeatIntervalMs: 750 });

  const response = await request(app).post('/register').send({ worker_id: 'w-1', port: 8001, host: 'worker1.internal', concurrency: 4 });

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ worker_id: 'w-1', status: 'registered', heartbeat_interval_ms: 750 });
});

it('answers re-registered to a second registration with the same id', async () => {
  const { app } = setup();
  await request(app).post('/register').send({ worker_id: 'w-1', port: 8001 });

  const response = await request(app).post('/register').send({ worker_id: 'w-1', port: 8002 });

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ worker_id: 'w-1', status: 're-registered', heartbeat_interval_ms: 1000 });
});

it('lists a worker registered without a host at the address it called from', async () => {
  const { app } = setup();
  await request(app).post('/register').send({ worker_id: 'w-1', port: 8001 });

  const response = await request(app).get('/workers');

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({
    workers: [
      {
        worker_id: 'w-1',
        url: 'http://127.0.0.1:8001',
        status: 'active',
        last_heartbeat: iso(T0),
        registered_at: iso(T0),
        concurrency: 1,
        chunks_in_flight: 0,
        chunks_done: 0,
      },
    ],
  });
});

it('lists a worker registered with a host at that host and its concurrency', async () => {
  const { app } = setup();
  await request(app).post('/register').send({ worker_id: 'w-2', port: 9000, host: 'worker2.internal', concurrency: 3 });

  const response = await request(app).get('/workers');

  expect(response.body.workers.map((w: { url: string; concurrency: number }) => [w.url, w.concurrency])).toStrictEqual([
    ['http://worker2.internal:9000', 3],
  ]);
});

it('brackets an IPv6 host given at registration so the worker URL is valid', async () => {
  const { app } = setup();
  await request(app).post('/register').send({ worker_id: 'w-6', port: 9000, host: 'fd00::7' });

  const response = await request(app).get('/workers');

  expect(response.body.workers[0].url).toBe('http://[fd00::7]:9000');
  expect(new URL(response.body.workers[0].url).port).toBe('9000');
});

it('accepts a heartbeat from a registered worker and records its time', async () => {
  const { app, clock } = setup();
  await request(app).post('/register').send({ worker_id: 'w-1', port: 8001 });
  clock.advance(1234);

  const response = await request(app).post('/health').send({ worker_id: 'w-1' });

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ ok: true, heartbeat_interval_ms: 1000 });
  expect((await request(app).get('/workers')).body.workers[0].last_heartbeat).toBe(iso(T0 + 1234));
});

it('answers 404 worker_not_registered to a heartbeat from an unknown worker', async () => {
  const { app } = setup();

  const response = await request(app).post('/health').send({ worker_id: 'ghost' });

  expect(response.status).toBe(404);
  expect(response.body).toStrictEqual({ error: 'worker_not_registered', message: 'worker ghost is not registered; register again' });
});

// ---- jobs and results ----

it('creates a job with 201 and a fresh id that GET /jobs lists', async () => {
  const { app, coordinator } = setup();
  const log = logs.applog('created.log', 20);

  const response = await request(app).post('/jobs').send({ filepath: log.path });
  await coordinator.planned.get(response.body.job_id);

  expect(response.status).toBe(201);
  expect(Object.keys(response.body)).toStrictEqual(['job_id']);
  expect(response.body.job_id).toMatch(UUID);
  const list = await request(app).get('/jobs');
  expect(list.status).toBe(200);
  expect(list.body).toStrictEqual({
    jobs: [{ job_id: response.body.job_id, filepath: log.path, status: 'queued', created_at: iso(T0), finished_at: null }],
  });
});

it('lists no jobs before any was created', async () => {
  const { app } = setup();

  const response = await request(app).get('/jobs');

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ jobs: [] });
});

it('merges a chunk result posted to /metrics and shows it in the job and the totals', async () => {
  const { app, coordinator, sent, clock } = setup();
  await request(app).post('/register').send({ worker_id: 'w-1', port: 8001 });
  const log = logs.applog('reported.log', 120);
  const { job_id } = (await request(app).post('/jobs').send({ filepath: log.path, chunk_size: log.size })).body;
  await coordinator.planned.get(job_id);
  const { task } = sent[0];
  expect(task).toStrictEqual({ filepath: log.path, start: 0, size: log.size, job_id, chunk_id: 0, attempt: 1 });
  clock.advance(900);

  const response = await request(app)
    .post('/metrics')
    .send({ worker_id: 'w-1', job_id, chunk_id: 0, attempt: 1, metrics: analyzeRange(log.path, 0, log.size) });

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ accepted: true, reason: 'merged' });
  const expected = await analyzeFile(log.path);
  const job = await request(app).get(`/jobs/${job_id}`);
  expect(job.status).toBe(200);
  expect(job.body).toStrictEqual({
    job_id,
    filepath: log.path,
    status: 'completed',
    format: 'auto',
    created_at: iso(T0),
    finished_at: iso(T0 + 900),
    progress: { chunks_total: 1, chunks_done: 1, bytes_total: log.size, bytes_done: log.size, chunks_reassigned: 0 },
    metrics: expected,
  });
  const totals = await request(app).get('/metrics');
  expect(totals.status).toBe(200);
  expect(totals.body).toStrictEqual(expected);
});

it('refuses a chunk size beyond the safe integer range with a 400 naming chunk_size', async () => {
  const { app, sent } = setup();
  await request(app).post('/register').send({ worker_id: 'w-1', port: 8001 });
  const log = logs.applog('huge-chunk-size.log', 20);

  const response = await request(app).post('/jobs').send({ filepath: log.path, chunk_size: 1e20 });

  expect(response.status).toBe(400);
  expect(response.body.error).toBe('validation_failed');
  expect(response.body.issues.map((i: { path: unknown[] }) => i.path)).toStrictEqual([['chunk_size']]);
  expect(sent).toStrictEqual([]);
});

it('answers duplicate to the same result posted twice', async () => {
  const { app, coordinator } = setup();
  await request(app).post('/register').send({ worker_id: 'w-1', port: 8001 });
  const log = logs.applog('reported-twice.log', 20);
  const { job_id } = (await request(app).post('/jobs').send({ filepath: log.path, chunk_size: log.size })).body;
  await coordinator.planned.get(job_id);
  const report = { worker_id: 'w-1', job_id, chunk_id: 0, attempt: 1, metrics: analyzeRange(log.path, 0, log.size) };
  await request(app).post('/metrics').send(report);

  const response = await request(app).post('/metrics').send(report);

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ accepted: false, reason: 'duplicate' });
});

it('records a chunk failure posted to /chunk_failures and re-sends the chunk', async () => {
  const { app, coordinator, sent } = setup();
  await request(app).post('/register').send({ worker_id: 'w-1', port: 8001 });
  const log = logs.applog('failed-chunk.log', 20);
  const { job_id } = (await request(app).post('/jobs').send({ filepath: log.path, chunk_size: log.size })).body;
  await coordinator.planned.get(job_id);

  const response = await request(app).post('/chunk_failures').send({ worker_id: 'w-1', job_id, chunk_id: 0, attempt: 1, error: 'EIO' });
  await settle();

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ accepted: true, reason: 'recorded' });
  expect(sent.map((s) => s.task.attempt)).toStrictEqual([1, 2]);
});

it('answers 404 job_not_found to a result for an unknown job', async () => {
  const { app } = setup();

  const response = await request(app)
    .post('/metrics')
    .send({ worker_id: 'w-1', job_id: 'gone', chunk_id: 0, attempt: 1, metrics: emptyMetrics() });

  expect(response.status).toBe(404);
  expect(response.body).toStrictEqual({ error: 'job_not_found', message: 'no job gone' });
});

it('answers 404 job_not_found to a failure for an unknown job', async () => {
  const { app } = setup();

  const response = await request(app).post('/chunk_failures').send({ worker_id: 'w-1', job_id: 'gone', chunk_id: 0, attempt: 1, error: 'x' });

  expect(response.status).toBe(404);
  expect(response.body).toStrictEqual({ error: 'job_not_found', message: 'no job gone' });
});

it('answers 404 chunk_not_found to a result for a chunk the job does not have', async () => {
  const { app, coordinator } = setup();
  const log = logs.applog('one-chunk.log', 20);
  const { job_id } = (await request(app).post('/jobs').send({ filepath: log.path, chunk_size: log.size })).body;
  await coordinator.planned.get(job_id);

  const response = await request(app).post('/metrics').send({ worker_id: 'w-1', job_id, chunk_id: 5, attempt: 1, metrics: emptyMetrics() });

  expect(response.status).toBe(404);
  expect(response.body).toStrictEqual({ error: 'chunk_not_found', message: `job ${job_id} has no chunk 5` });
});

it('answers zero totals from GET /metrics before anything was merged', async () => {
  const { app } = setup();

  const response = await request(app).get('/metrics');

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({
    ...toReport(emptyMetrics()),
    error_count: 0,
    request_count: 0,
    total_response_time: 0,
    avg_response_time: 0,
    error_rate: 0,
    lines: 0,
    blank_lines: 0,
    bytes: 0,
    malformed_lines: 0,
    levels: {},
    first_timestamp: null,
    last_timestamp: null,
  });
});

it('shows a job over a missing file as failed with the error', async () => {
  const { app, coordinator } = setup();
  const missing = logs.path('missing.log');
  const { job_id } = (await request(app).post('/jobs').send({ filepath: missing })).body;
  await coordinator.planned.get(job_id);

  const response = await request(app).get(`/jobs/${job_id}`);

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({
    job_id,
    filepath: missing,
    status: 'failed',
    format: 'auto',
    created_at: iso(T0),
    finished_at: iso(T0),
    progress: { chunks_total: 0, chunks_done: 0, bytes_total: 0, bytes_done: 0, chunks_reassigned: 0 },
    metrics: toReport(emptyMetrics()),
    error: `cannot read log file ${missing}: no such file`,
  });
});

it('answers 404 job_not_found for GET /jobs/:id of an unknown job', async () => {
  const { app } = setup();

  const response = await request(app).get('/jobs/not-a-job');

  expect(response.status).toBe(404);
  expect(response.body).toStrictEqual({ error: 'job_not_found', message: 'no job not-a-job' });
});

// ---- refused requests ----

function validationFailure(message: string, issues: Array<{ path: Array<string | number>; code: string; message: string }>) {
  return { error: 'validation_failed', message, issues: issues.map((issue) => ({ location: 'body', ...issue })) };
}

it('answers 400 to a job without a filepath', async () => {
  const { app, coordinator } = setup();

  const response = await request(app).post('/jobs').send({});

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(validationFailure('body.filepath: Required', [{ path: ['filepath'], code: 'invalid_type', message: 'Required' }]));
  expect(coordinator.listJobs()).toStrictEqual([]);
});

it('answers 400 to a job with an empty filepath', async () => {
  const { app } = setup();

  const response = await request(app).post('/jobs').send({ filepath: '' });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.filepath: String must contain at least 1 character(s)', [
      { path: ['filepath'], code: 'too_small', message: 'String must contain at least 1 character(s)' },
    ]),
  );
});

it('answers 400 to a job with a negative chunk size', async () => {
  const { app, coordinator } = setup();

  const response = await request(app).post('/jobs').send({ filepath: '/var/log/app.log', chunk_size: -5 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.chunk_size: Number must be greater than 0', [
      { path: ['chunk_size'], code: 'too_small', message: 'Number must be greater than 0' },
    ]),
  );
  expect(coordinator.listJobs()).toStrictEqual([]);
});

it('answers 400 to a job with a fractional chunk size', async () => {
  const { app } = setup();

  const response = await request(app).post('/jobs').send({ filepath: '/var/log/app.log', chunk_size: 1.5 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.chunk_size: Expected integer, received float', [
      { path: ['chunk_size'], code: 'invalid_type', message: 'Expected integer, received float' },
    ]),
  );
});

it('answers 400 to a JSON array where a job object belongs', async () => {
  const { app } = setup();

  const response = await request(app).post('/jobs').send([{ filepath: '/var/log/app.log' }]);

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body: Expected object, received array', [{ path: [], code: 'invalid_type', message: 'Expected object, received array' }]),
  );
});

it('answers 400 to a registration with characters a worker id may not hold', async () => {
  const { app, coordinator } = setup();

  const response = await request(app).post('/register').send({ worker_id: 'bad id!', port: 8001 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.worker_id: letters, digits and . _ : - only', [
      { path: ['worker_id'], code: 'invalid_string', message: 'letters, digits and . _ : - only' },
    ]),
  );
  expect(coordinator.listWorkers()).toStrictEqual([]);
});

it('answers 400 to a registration with port 70000', async () => {
  const { app } = setup();

  const response = await request(app).post('/register').send({ worker_id: 'w-1', port: 70000 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.port: Number must be less than or equal to 65535', [
      { path: ['port'], code: 'too_big', message: 'Number must be less than or equal to 65535' },
    ]),
  );
});

it('answers 400 listing every problem of an empty registration', async () => {
  const { app } = setup();

  const response = await request(app).post('/register').send({});

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.worker_id: Required (and 1 more)', [
      { path: ['worker_id'], code: 'invalid_type', message: 'Required' },
      { path: ['port'], code: 'invalid_type', message: 'Required' },
    ]),
  );
});

it('answers 400 to a registration with zero concurrency', async () => {
  const { app } = setup();

  const response = await request(app).post('/register').send({ worker_id: 'w-1', port: 8001, concurrency: 0 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.concurrency: Number must be greater than 0', [
      { path: ['concurrency'], code: 'too_small', message: 'Number must be greater than 0' },
    ]),
  );
});

it('answers 400 to a heartbeat whose worker id is a number', async () => {
  const { app } = setup();

  const response = await request(app).post('/health').send({ worker_id: 42 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.worker_id: Expected string, received number', [
      { path: ['worker_id'], code: 'invalid_type', message: 'Expected string, received number' },
    ]),
  );
});

it('answers 400 to a result without metrics', async () => {
  const { app } = setup();

  const response = await request(app).post('/metrics').send({ worker_id: 'w-1', job_id: 'j', chunk_id: 0, attempt: 1 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(validationFailure('body.metrics: Required', [{ path: ['metrics'], code: 'invalid_type', message: 'Required' }]));
});

it('answers 400 naming the nested field of a result with a negative line count', async () => {
  const { app } = setup();

  const response = await request(app)
    .post('/metrics')
    .send({ worker_id: 'w-1', job_id: 'j', chunk_id: 0, attempt: 1, metrics: { ...emptyMetrics(), lines: -1 } });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.metrics.lines: Number must be greater than or equal to 0', [
      { path: ['metrics', 'lines'], code: 'too_small', message: 'Number must be greater than or equal to 0' },
    ]),
  );
});

it('answers 400 to a chunk failure with attempt 0', async () => {
  const { app } = setup();

  const response = await request(app).post('/chunk_failures').send({ worker_id: 'w-1', job_id: 'j', chunk_id: 0, attempt: 0, error: 'x' });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.attempt: Number must be greater than 0', [{ path: ['attempt'], code: 'too_small', message: 'Number must be greater than 0' }]),
  );
});

it('answers 400 to a chunk failure without its error', async () => {
  const { app } = setup();

  const response = await request(app).post('/chunk_failures').send({ worker_id: 'w-1', job_id: 'j', chunk_id: 0, attempt: 1 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(validationFailure('body.error: Required', [{ path: ['error'], code: 'invalid_type', message: 'Required' }]));
});

it('answers 400 invalid_json to a body that is not JSON', async () => {
  const { app } = setup();
  const text = '{"filepath": "/var/log/app.log",';

  const response = await request(app).post('/jobs').set('Content-Type', 'application/json').send(text);

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual({ error: 'invalid_json', message: `request body is not valid JSON: ${jsonParseMessage(text)}` });
});

it('answers 404 route_not_found to a path no route serves', async () => {
  const { app } = setup();

  const response = await request(app).get('/nope');

  expect(response.status).toBe(404);
  expect(response.body).toStrictEqual({ error: 'route_not_found', message: 'no route for GET /nope' });
});

it('answers 404 route_not_found to a method the path does not serve', async () => {
  const { app } = setup();

  const response = await request(app).delete('/jobs');

  expect(response.status).toBe(404);
  expect(response.body).toStrictEqual({ error: 'route_not_found', message: 'no route for DELETE /jobs' });
});

it('answers 500 internal_error without details when a handler throws unexpectedly', async () => {
  const { coordinator } = setup();
  const secret = new Error('secret detail at /srv/internal.ts:42');
  jest.spyOn(coordinator, 'totalMetrics').mockImplementation(() => {
    throw secret;
  });
  const logged = jest.spyOn(console, 'error').mockImplementation(() => {});
  try {
    const response = await request(createApp(coordinator)).get('/metrics');

    expect(response.status).toBe(500);
    expect(response.body).toStrictEqual({ error: 'internal_error', message: 'internal error' });
    expect(logged).toHaveBeenCalledWith(secret);
  } finally {
    logged.mockRestore();
  }
});

it('does not announce Express in its response headers', async () => {
  const { app } = setup();

  const response = await request(app).get('/jobs');

  expect(response.headers['x-powered-by']).toBeUndefined();
});
