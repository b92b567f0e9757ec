import type { ChunkTask } from '@loganalyzer/contract';
import type { PartialMetrics } from '@loganalyzer/core';
import request from 'supertest';
import { createApp } from '../src/app';
import { ChunkWorker } from '../src/chunk-worker';
import { deferred, fakeReporter, leaseToken, sampleMetrics, task } from './helpers';

/** A worker whose processor answers only when the test says so. */
function setup() {
  const result = deferred<PartialMetrics>();
  const processed: ChunkTask[] = [];
  const { reporter, reports, reported } = fakeReporter();
  const worker = new ChunkWorker({
    workerId: 'w-1',
    concurrency: 4,
    process: (t) => {
      processed.push(t);
      return result.promise;
    },
    reporter,
  });
  return { app: createApp(worker), worker, result, processed, reports, reported };
}

/** The message JSON.parse gives for `text`, which express.json passes on. */
function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error(`${text} is valid JSON`);
}

function validationFailure(message: string, issues: Array<{ path: Array<string | number>; code: string; message: string }>) {
  return { error: 'validation_failed', message, issues: issues.map((issue) => ({ location: 'body', ...issue })) };
}

it('answers 202 accepted while the chunk is still being processed', async () => {
  const { app, processed, reports } = setup();

  const response = await request(app).post('/process_chunk').send(task());

  expect(response.status).toBe(202);
  expect(response.body).toStrictEqual({ accepted: true });
  expect(processed).toStrictEqual([task()]);
  expect(reports).toStrictEqual([]);
});

it('shows an accepted chunk in flight in GET /health until it is reported', async () => {
  const { app, result, reported } = setup();
  await request(app).post('/process_chunk').send(task());

  expect((await request(app).get('/health')).body.chunks_in_flight).toBe(1);
  result.resolve(sampleMetrics());
  await reported(1);
  await new Promise((resolve) => setImmediate(resolve));

  expect((await request(app).get('/health')).body.chunks_in_flight).toBe(0);
});

it('reports the result of an accepted chunk with its job id, chunk id, attempt and lease token', async () => {
  const { app, result, reported } = setup();
  const accepted = task({ job_id: '5d6c2f0e-job', chunk_id: 17, attempt: 4, lease_token: leaseToken(0xabc) });
  await request(app).post('/process_chunk').send(accepted);

  result.resolve(sampleMetrics());

  expect(await reported(1)).toStrictEqual([{ kind: 'metrics', task: accepted, metrics: sampleMetrics() }]);
});

it('reports a processor error of an accepted chunk as a failure with its message', async () => {
  const { app, result, reported } = setup();
  await request(app).post('/process_chunk').send(task());

  result.reject(new Error('log file not found: /var/log/app.log'));

  expect(await reported(1)).toStrictEqual([{ kind: 'failure', task: task(), error: 'log file not found: /var/log/app.log' }]);
});

it('answers 202 to a task sent again with the same lease token, and runs it once', async () => {
  const { app, processed } = setup();

  const first = await request(app).post('/process_chunk').send(task());
  const again = await request(app).post('/process_chunk').send(task());

  expect([first.status, again.status]).toStrictEqual([202, 202]);
  expect(processed).toStrictEqual([task()]);
  expect((await request(app).get('/health')).body.chunks_in_flight).toBe(1);
});

it('answers 400 to a task with a negative start and does not process it', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send(task({ start: -1 }));

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.start: Number must be greater than or equal to 0', [
      { path: ['start'], code: 'too_small', message: 'Number must be greater than or equal to 0' },
    ]),
  );
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task with attempt 0', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send(task({ attempt: 0 }));

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.attempt: Number must be greater than 0', [{ path: ['attempt'], code: 'too_small', message: 'Number must be greater than 0' }]),
  );
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task without a lease token and does not process it', async () => {
  const { app, processed } = setup();
  const { lease_token: _omitted, ...withoutLease } = task();

  const response = await request(app).post('/process_chunk').send(withoutLease);

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(validationFailure('body.lease_token: Required', [{ path: ['lease_token'], code: 'invalid_type', message: 'Required' }]));
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task whose lease token is upper-case hex', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send(task({ lease_token: 'C0FFEE00C0FFEE00C0FFEE00C0FFEE00' }));

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.lease_token: 32 lowercase hex digits', [{ path: ['lease_token'], code: 'invalid_string', message: '32 lowercase hex digits' }]),
  );
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task whose lease token is one digit short', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send(task({ lease_token: 'c0ffee00c0ffee00c0ffee00c0ffee0' }));

  expect(response.status).toBe(400);
  expect(response.body.issues).toStrictEqual([{ location: 'body', path: ['lease_token'], code: 'invalid_string', message: '32 lowercase hex digits' }]);
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task in the old shape, with a filepath instead of an input', async () => {
  const { app, processed } = setup();
  const { input: _omitted, ...withoutInput } = task();

  const response = await request(app)
    .post('/process_chunk')
    .send({ ...withoutInput, filepath: '/var/log/app.log' });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.input: Required (and 1 more)', [
      { path: ['input'], code: 'invalid_type', message: 'Required' },
      { path: [], code: 'unrecognized_keys', message: "Unrecognized key(s) in object: 'filepath'" },
    ]),
  );
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task whose input is a bare path', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send({ ...task(), input: '/var/log/app.log' });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.input: Expected object, received string', [{ path: ['input'], code: 'invalid_type', message: 'Expected object, received string' }]),
  );
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task whose input is of a kind the worker does not read', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send({ ...task(), input: { kind: 'http', url: 'http://example.com/app.log' } });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure("body.input.kind: Invalid discriminator value. Expected 'file' | 'gzip' | 'zstd'", [
      { path: ['input', 'kind'], code: 'invalid_union_discriminator', message: "Invalid discriminator value. Expected 'file' | 'gzip' | 'zstd'" },
    ]),
  );
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task without the snapshot of its input', async () => {
  const { app, processed } = setup();
  const { snapshot: _omitted, ...withoutSnapshot } = task();

  const response = await request(app).post('/process_chunk').send(withoutSnapshot);

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(validationFailure('body.snapshot: Required', [{ path: ['snapshot'], code: 'invalid_type', message: 'Required' }]));
  expect(processed).toStrictEqual([]);
});

it('answers 400 listing every problem of a task with several', async () => {
  const { app } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send({ ...task(), size: 1.5, job_id: '', lease_token: 'not-a-token' });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.job_id: String must contain at least 1 character(s) (and 2 more)', [
      { path: ['job_id'], code: 'too_small', message: 'String must contain at least 1 character(s)' },
      { path: ['lease_token'], code: 'invalid_string', message: '32 lowercase hex digits' },
      { path: ['size'], code: 'invalid_type', message: 'Expected integer, received float' },
    ]),
  );
});

it('answers 400 invalid_json to a body that is not JSON', async () => {
  const { app } = setup();

  const text = '{"lease_token": }';

  const response = await request(app).post('/process_chunk').set('Content-Type', 'application/json').send(text);

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual({ error: 'invalid_json', message: `request body is not valid JSON: ${jsonParseMessage(text)}` });
});

it('answers 503 shutting_down to a task once drain has started', async () => {
  const { app, worker, processed } = setup();
  await worker.drain(0);

  const response = await request(app).post('/process_chunk').send(task());

  expect(response.status).toBe(503);
  expect(response.body).toStrictEqual({ error: 'shutting_down', message: 'worker w-1 is shutting down' });
  expect(processed).toStrictEqual([]);
});

it('answers GET /health with its id, chunks in flight and concurrency', async () => {
  const { app } = setup();

  const response = await request(app).get('/health');

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ status: 'ok', worker_id: 'w-1', chunks_in_flight: 0, concurrency: 4 });
});

it('answers 404 route_not_found to a path no route serves', async () => {
  const { app } = setup();

  const response = await request(app).post('/process_chunks').send(task());

  expect(response.status).toBe(404);
  expect(response.body).toStrictEqual({ error: 'route_not_found', message: 'no route for POST /process_chunks' });
});
