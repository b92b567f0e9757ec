// Request sizes and shapes the worker refuses before doing any work: bodies over the route's limit
// (413) and fields the contract does not know (400).
import { MAX_LOG_FORMAT_LENGTH, MAX_PATH_LENGTH } from '@loganalyzer/contract';
import request from 'supertest';
import { createApp } from '../src/app';
import { ChunkWorker } from '../src/chunk-worker';
import { fakeReporter, sampleMetrics, task } from './helpers';

function setup() {
  const processed: unknown[] = [];
  const worker = new ChunkWorker({
    workerId: 'w-1',
    concurrency: 2,
    process: (t) => {
      processed.push(t);
      return Promise.resolve(sampleMetrics());
    },
    reporter: fakeReporter().reporter,
  });
  return { app: createApp(worker), processed };
}

it('answers 413 body_too_large to a chunk task over 64 kB, and runs nothing', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ ...task(), padding: 'x'.repeat(64 * 1024) }));

  expect(response.status).toBe(413);
  expect(response.body).toStrictEqual({ error: 'body_too_large', message: 'request entity too large' });
  expect(processed).toStrictEqual([]);
});

it('accepts the largest task the contract allows, every character of its path and log_format escaped', async () => {
  const { app, processed } = setup();
  // A control character is the longest a character gets in JSON (\u0001, six bytes).
  const largest = task({ input: { kind: 'file', path: `/${'\u0001'.repeat(MAX_PATH_LENGTH - 1)}` }, log_format: '\u0001'.repeat(MAX_LOG_FORMAT_LENGTH) });
  expect(Buffer.byteLength(JSON.stringify(largest))).toBeGreaterThan(48 * 1024);

  const response = await request(app).post('/process_chunk').send(largest);

  expect(response.status).toBe(202);
  expect(processed).toHaveLength(1);
});

it('answers 413 to a body over 1 kB sent to a route that takes none', async () => {
  const { app } = setup();

  const response = await request(app)
    .post('/health')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ padding: 'x'.repeat(2048) }));

  expect(response.status).toBe(413);
  expect(response.body).toStrictEqual({ error: 'body_too_large', message: 'request entity too large' });
});

it('answers 400 to a task with a field the contract does not know, and runs nothing', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send({ ...task(), priority: 'high' });

  expect(response.status).toBe(400);
  expect(response.body).toStrictEqual({
    error: 'validation_failed',
    message: "body: Unrecognized key(s) in object: 'priority'",
    issues: [{ location: 'body', path: [], code: 'unrecognized_keys', message: "Unrecognized key(s) in object: 'priority'" }],
  });
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task whose input or snapshot has a field the contract does not know', async () => {
  const { app, processed } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send({ ...task(), input: { ...task().input, follow_symlinks: false }, snapshot: { ...task().snapshot, owner: 'root' } });

  expect(response.status).toBe(400);
  expect(response.body.issues).toStrictEqual([
    { location: 'body', path: ['input'], code: 'unrecognized_keys', message: "Unrecognized key(s) in object: 'follow_symlinks'" },
    { location: 'body', path: ['snapshot'], code: 'unrecognized_keys', message: "Unrecognized key(s) in object: 'owner'" },
  ]);
  expect(processed).toStrictEqual([]);
});

it('answers 400 to a task whose path is longer than 4096 characters, without echoing it', async () => {
  const { app } = setup();
  const long = `/${'a'.repeat(MAX_PATH_LENGTH)}`;

  const response = await request(app)
    .post('/process_chunk')
    .send(task({ input: { kind: 'file', path: long } }));

  expect(response.status).toBe(400);
  expect(response.body.issues.map((i: { path: unknown; code: string }) => [i.path, i.code])).toStrictEqual([[['input', 'path'], 'too_big']]);
  expect(response.text).not.toContain('a'.repeat(100));
});
