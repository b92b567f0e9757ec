import express from 'express';
import request from 'supertest';
import { z } from 'zod';
import { AppError, errorHandler, notFoundHandler, validationErrorBody } from '../src';

function appThatThrows(error: unknown, onUnexpected = jest.fn()) {
  const app = express();
  app.use(express.json());
  app.post('/boom', () => {
    throw error;
  });
  app.use(notFoundHandler());
  app.use(errorHandler(onUnexpected));
  return { app, onUnexpected };
}

it('builds the 400 body from zod issues, naming the first one in the message', () => {
  const parsed = z.object({ port: z.number().max(65535), worker_id: z.string() }).safeParse({ port: 70000 });
  if (parsed.success) throw new Error('expected a validation failure');

  const body = validationErrorBody({ pathParams: null, headers: null, query: null, body: parsed.error });

  expect(body).toStrictEqual({
    error: 'validation_failed',
    message: 'body.port: Number must be less than or equal to 65535 (and 1 more)',
    issues: [
      { location: 'body', path: ['port'], code: 'too_big', message: 'Number must be less than or equal to 65535' },
      { location: 'body', path: ['worker_id'], code: 'invalid_type', message: 'Required' },
    ],
  });
});

it('answers an AppError with the status of its code, and its message', async () => {
  const { app } = appThatThrows(new AppError('lease_not_live', 'chunk 3 was committed by another attempt'));

  const res = await request(app).post('/boom');

  expect(res.status).toBe(409);
  expect(res.body).toStrictEqual({ error: 'lease_not_live', message: 'chunk 3 was committed by another attempt' });
});

it('escapes control characters in an error message, so a log line cannot drive a terminal', async () => {
  const { app } = appThatThrows(new AppError('job_not_found', 'no job \u001b[2J\r'));

  const res = await request(app).post('/boom');

  expect(res.status).toBe(404);
  expect(res.body).toStrictEqual({ error: 'job_not_found', message: 'no job \\x1b[2J\\x0d' });
});

it('answers an invalid field found after validation as a 400 with its issue', async () => {
  const { app } = appThatThrows(AppError.invalidField('log_format', 'two variables are adjacent'));

  const res = await request(app).post('/boom');

  expect(res.status).toBe(400);
  expect(res.body).toStrictEqual({
    error: 'validation_failed',
    message: 'body.log_format: two variables are adjacent',
    issues: [{ location: 'body', path: ['log_format'], code: 'custom', message: 'two variables are adjacent' }],
  });
});

it('answers an unexpected error with a bare 500 and reports it, leaking no stack', async () => {
  const failure = new Error('secret internals');
  const { app, onUnexpected } = appThatThrows(failure);

  const res = await request(app).post('/boom');

  expect(res.status).toBe(500);
  expect(res.body).toStrictEqual({ error: 'internal_error', message: 'internal error' });
  expect(onUnexpected).toHaveBeenCalledWith(failure);
});

it('answers unparsable JSON with 400 invalid_json', async () => {
  const { app } = appThatThrows(new Error('not reached'));

  const res = await request(app).post('/boom').set('content-type', 'application/json').send('{oops');

  expect(res.status).toBe(400);
  expect(res.body.error).toBe('invalid_json');
});

it('answers an unknown route with 404 route_not_found', async () => {
  const { app } = appThatThrows(new Error('not reached'));

  const res = await request(app).get('/nowhere');

  expect(res.status).toBe(404);
  expect(res.body).toStrictEqual({ error: 'route_not_found', message: 'no route for GET /nowhere' });
});
