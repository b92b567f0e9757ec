// GET /events over real loopback HTTP (a stream cannot be read through supertest's buffered answers):
// the token, the messages and their framing, progress throttling, client limits, shutdown.
import { createServer, Server } from 'node:http';
import request from 'supertest';
import { createApp } from '../src/app';
import { EventStreamHub, EventStreamOptions } from '../src/dashboard/event-stream-hub';
import { partialOf, reportDone, registerWorker, setup, startJob, useTempLogs } from './helpers';
import { openEvents, portOf, until } from './sse-client';

const logs = useTempLogs();
const TOKEN = 'events-test-token-0123456789abcdef';
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((done) => {
    s.close(() => done());
    s.closeAllConnections();
  })));
});

async function serve(options: EventStreamOptions = {}) {
  const s = setup();
  const hub = new EventStreamHub(s.coordinator, options);
  const app = createApp(s.coordinator, { token: TOKEN, eventStream: hub });
  const server = createServer(app);
  servers.push(server);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return { ...s, hub, app, port: portOf(server) };
}

const ready = (progressIntervalMs = 250) => ({ type: 'ready', data: { progress_interval_ms: progressIntervalMs } });

describe('GET /events', () => {
  it('answers 401 without the token and with a wrong one, and reads no stream for them', async () => {
    const { app, hub } = await serve();
    const missing = await request(app).get('/events');
    const wrong = await request(app).get('/events').set('Authorization', `Bearer ${TOKEN}x`);

    expect([missing.status, missing.body.error, wrong.status, wrong.body.error]).toStrictEqual([401, 'unauthorized', 401, 'unauthorized']);
    expect(hub.clientCount).toBe(0);
  });

  it('streams text/event-stream, uncached and unbuffered by proxies, starting with a ready message', async () => {
    const { port } = await serve();
    const client = await openEvents(port, TOKEN);
    await until(() => client.messages.length === 1, 'the ready message arrived');

    expect([client.status, client.headers['content-type'], client.headers['cache-control'], client.headers['x-accel-buffering']]).toStrictEqual([200, 'text/event-stream', 'no-store', 'no']);
    expect(client.messages).toStrictEqual([ready()]);
    expect(client.text()).toBe('event: ready\ndata: {"progress_interval_ms":250}\n\n');
    client.close();
  });

  it('sends job and worker events as they happen, each as its type and one line of JSON', async () => {
    const { port, coordinator } = await serve();
    const client = await openEvents(port, TOKEN);
    await until(() => client.messages.length === 1, 'the ready message arrived');

    await registerWorker(coordinator, 'w-1', 2);
    coordinator.events.emit({ type: 'worker_lost', worker_id: 'w-1', reason: 'no heartbeat for 3001 ms' });
    await until(() => client.messages.length === 3, 'two events arrived');

    expect(client.messages.slice(1)).toStrictEqual([
      { type: 'worker_joined', data: { type: 'worker_joined', worker_id: 'w-1', url: 'http://w-1.test:8001', concurrency: 2, rejoined: false } },
      { type: 'worker_lost', data: { type: 'worker_lost', worker_id: 'w-1', reason: 'no heartbeat for 3001 ms' } },
    ]);
    client.close();
  });

  it('keeps line breaks and control characters in a message inside its one data line: nothing can forge a message', async () => {
    const { port, coordinator } = await serve();
    const client = await openEvents(port, TOKEN);
    await until(() => client.messages.length === 1, 'the ready message arrived');
    const reason = 'bad\n\nevent: job_completed\ndata: {"job_id":"forged"}\r\n\x1b[31m';

    coordinator.events.emit({ type: 'result_refused', job_id: 'j', chunk_id: 1, worker_id: 'w', reason });
    await until(() => client.messages.length === 2, 'the event arrived');

    expect(client.messages.map((m) => m.type)).toStrictEqual(['ready', 'result_refused']);
    expect((client.messages[1].data as { reason: string }).reason).toBe(reason);
    expect(client.text().split('\n').filter((line) => line.startsWith('data: '))).toHaveLength(2);
    client.close();
  });

  it('folds every chunk event of an interval into one progress message with the job\'s counters', async () => {
    const { port, coordinator, sent } = await serve({ progressIntervalMs: 40 });
    await registerWorker(coordinator, 'w-1', 4);
    const log = logs.applog('progress.log', 400);
    const jobId = await startJob(coordinator, { inputs: [{ kind: 'file', path: log.path }], chunk_size: Math.ceil(log.size / 4) });
    const client = await openEvents(port, TOKEN);
    await until(() => client.messages.length === 1, 'the ready message arrived');

    // Three commits and 500 dispatch events in the same turn of the event loop.
    for (const s of sent.slice(0, 3)) reportDone(coordinator, s, partialOf(s.task));
    for (let i = 0; i < 500; i++) coordinator.events.emit({ type: 'chunk_dispatched', job_id: jobId, chunk_id: 3, attempt: 1, worker_id: 'w-1', backup: false });
    await until(() => client.messages.length === 2, 'a progress message arrived');
    // Four more intervals without a chunk event: nothing more to say.
    await new Promise((resolve) => setTimeout(resolve, 160));

    const done = sent.slice(0, 3).reduce((sum, s) => sum + s.task.size, 0);
    expect(client.messages.slice(1)).toStrictEqual([
      { type: 'progress', data: { jobs: [{ job_id: jobId, status: 'running', chunks_total: 4, chunks_done: 3, bytes_total: log.size, bytes_done: done }] } },
    ]);
    client.close();
  });

  it('sends a keep-alive comment when there is nothing else to say', async () => {
    const { port } = await serve({ keepAliveMs: 20 });
    const client = await openEvents(port, TOKEN);
    await until(() => client.comments.length >= 2, 'two keep-alive comments arrived');

    expect(client.comments.slice(0, 2)).toStrictEqual([': keep-alive', ': keep-alive']);
    expect(client.messages).toStrictEqual([ready()]);
    client.close();
  });

  it('answers 503 too_many_streams past the client limit, and takes a new client once one has gone', async () => {
    const { port, hub, app } = await serve({ maxClients: 2 });
    const first = await openEvents(port, TOKEN);
    const second = await openEvents(port, TOKEN);
    await until(() => hub.clientCount === 2, 'two clients are connected');

    const third = await request(app).get('/events').set('Authorization', `Bearer ${TOKEN}`);
    expect([third.status, third.body]).toStrictEqual([503, { error: 'too_many_streams', message: 'the coordinator serves 2 event streams already; close one (another dashboard tab?) and retry' }]);

    first.close();
    await until(() => hub.clientCount === 1, 'the closed client is gone');
    const fourth = await openEvents(port, TOKEN);
    await until(() => fourth.messages.length === 1, 'the new client got its ready message');
    expect(hub.clientCount).toBe(2);
    second.close();
    fourth.close();
  });

  it('ends every open stream on close() and answers 503 shutting_down from then on', async () => {
    const { port, hub, app } = await serve();
    const client = await openEvents(port, TOKEN);
    await until(() => client.messages.length === 1, 'the ready message arrived');

    hub.close();
    await client.ended;
    const after = await request(app).get('/events').set('Authorization', `Bearer ${TOKEN}`);

    expect([hub.clientCount, after.status, after.body.error]).toStrictEqual([0, 503, 'shutting_down']);
  });
});
