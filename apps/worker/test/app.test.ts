import type { ChunkTask } from '@loganalyzer/contract';
import type { PartialMetrics } from '@loganalyzer/core';
import request from 'supertest';
import { createApp } from '../src/app';
import { ChunkWorker } from '../src/chunk-worker';
import { deferred, fakeReporter, sampleMetrics, task } from './helpers';

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

it('reports the result of an accepted chunk with its job id, chunk id and attempt', async () => {
  const { app, result, reported } = setup();
  const accepted = task({ job_id: '5d6c2f0e-job', chunk_id: 17, attempt: 4 });
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

it('answers 400 to a task without a filepath', async () => {
  const { app, processed } = setup();
  const { filepath: _omitted, ...withoutFilepath } = task();

  const response = await request(app).post('/process_chunk').send(withoutFilepath);

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(validationFailure('body.filepath: Required', [{ path: ['filepath'], code: 'invalid_type', message: 'Required' }]));
  expect(processed).toStrictEqual([]);
});

it('answers 400 listing every problem of a task with several', async () => {
  const { app } = setup();

  const response = await request(app).post('/process_chunk').send({ filepath: '/var/log/app.log', start: 0, size: 1.5, job_id: '', chunk_id: 0, attempt: 1 });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual(
    validationFailure('body.size: Expected integer, received float (and 1 more)', [
      { path: ['size'], code: 'invalid_type', message: 'Expected integer, received float' },
      { path: ['job_id'], code: 'too_small', message: 'String must contain at least 1 character(s)' },
    ]),
  );
});

it('answers 400 invalid_json to a body that is not JSON', async () => {
  const { app } = setup();

  const text = '{"filepath": }';

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
