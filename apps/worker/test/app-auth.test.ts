// The cluster token in front of every route of the worker contract: the routes come from the contract
// itself, so a route added there is covered here without anyone remembering to.
import { workerContract } from '@loganalyzer/contract';
import request from 'supertest';
import { createApp } from '../src/app';
import { ChunkWorker } from '../src/chunk-worker';
import { fakeReporter, sampleMetrics, task } from './helpers';

const TOKEN = 'worker-test-token-0123456789abcdef';

type RouteName = keyof typeof workerContract;
type Route = (typeof workerContract)[RouteName];

/** A request each route accepts, with the status it then answers; typed over the contract, so a new route must be added. */
const validRequests: Record<RouteName, { body?: object; status: number }> = {
  livez: { status: 200 },
  getOpenApi: { status: 200 },
  getPrometheusMetrics: { status: 200 },
  processChunk: { body: task(), status: 202 },
  health: { status: 200 },
};

const guardedRoutes = (Object.entries(workerContract) as Array<[RouteName, Route]>).filter(([name]) => name !== 'livez');

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
  return { app: createApp(worker, { token: TOKEN }), processed };
}

function send(app: ReturnType<typeof setup>['app'], name: RouteName, authorization?: string) {
  const route = workerContract[name];
  const method = route.method.toLowerCase() as 'get' | 'post';
  let pending = request(app)[method](route.path);
  if (authorization !== undefined) pending = pending.set('Authorization', authorization);
  const body = validRequests[name].body;
  return body === undefined ? pending : pending.send(body);
}

it('guards every route of the worker contract but GET /livez', () => {
  expect(guardedRoutes.map(([name]) => name)).toStrictEqual(['getOpenApi', 'getPrometheusMetrics', 'processChunk', 'health']);
});

describe.each(guardedRoutes)('%s', (name, route) => {
  it(`answers 401 to ${route.method} ${route.path} without a token, asking for a bearer token`, async () => {
    const { app, processed } = setup();

    const response = await send(app, name);

    expect(response.status).toBe(401);
    expect(response.body).toStrictEqual({ error: 'unauthorized', message: 'this route needs the cluster token: send "Authorization: Bearer <token>"' });
    expect(response.headers['www-authenticate']).toBe('Bearer realm="loganalyzer"');
    expect(processed).toStrictEqual([]);
  });

  it(`answers 401 to ${route.method} ${route.path} with a wrong token`, async () => {
    const { app, processed } = setup();

    const response = await send(app, name, `Bearer ${TOKEN}x`);

    expect(response.status).toBe(401);
    expect(response.body).toStrictEqual({ error: 'unauthorized', message: 'the bearer token is not the cluster token' });
    expect(processed).toStrictEqual([]);
  });

  it(`answers 401 to ${route.method} ${route.path} with the token in another scheme than Bearer`, async () => {
    const { app } = setup();

    const response = await send(app, name, `Basic ${TOKEN}`);

    expect(response.status).toBe(401);
    expect(response.body).toStrictEqual({ error: 'unauthorized', message: 'the bearer token is not the cluster token' });
  });

  it(`answers ${route.method} ${route.path} as usual with the right token`, async () => {
    const { app } = setup();

    const response = await send(app, name, `Bearer ${TOKEN}`);

    expect(response.status).toBe(validRequests[name].status);
  });
});

it('answers GET /livez without a token, saying only that it is up', async () => {
  const { app } = setup();

  const response = await request(app).get('/livez');

  expect(response.status).toBe(200);
  expect(response.body).toStrictEqual({ status: 'ok' });
});

it('runs a chunk sent with the right token', async () => {
  const { app, processed } = setup();

  await request(app).post('/process_chunk').set('Authorization', `Bearer ${TOKEN}`).send(task());

  expect(processed).toStrictEqual([task()]);
});

it('answers 401, not 400, to an invalid task without a token, so the schema is not shown to strangers', async () => {
  const { app } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .send({ ...task(), start: -1, unknown: true });

  expect(response.status).toBe(401);
  expect(response.body.error).toBe('unauthorized');
});

it('answers 401, not 413, to an oversized body without a token', async () => {
  const { app } = setup();

  const response = await request(app)
    .post('/process_chunk')
    .set('Content-Type', 'application/json')
    .send(JSON.stringify({ ...task(), padding: 'x'.repeat(200_000) }));

  expect(response.status).toBe(401);
  expect(response.body.error).toBe('unauthorized');
});

it('answers 401 to a path no route serves, without saying whether it exists', async () => {
  const { app } = setup();

  const response = await request(app).get('/admin');

  expect(response.status).toBe(401);
  expect(response.body.error).toBe('unauthorized');
});
