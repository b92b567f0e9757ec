// What heartbeats say about a worker's process, as GET /workers shows it: memory, CPU, bytes finished
// and the throughput between two heartbeats.
import request from 'supertest';
import { createApp } from '../src/app';
import { iso, setup, T0 } from './helpers';

const anyWorkerHost = { check: async (host: string | undefined, source: string) => host ?? source.replace(/^::ffff:/, '') };

async function registered() {
  const s = setup();
  const app = createApp(s.coordinator, { workerHosts: anyWorkerHost });
  await request(app).post('/register').send({ worker_id: 'w-1', port: 8001, host: 'w1.test', concurrency: 2 }).expect(200);
  return { ...s, app };
}

const base = { worker_id: 'w-1', url: 'http://w1.test:8001', status: 'active', registered_at: iso(T0), concurrency: 2, chunks_in_flight: 0, chunks_done: 0 };

it('shows the load of the last heartbeat, and the bytes per second between the last two', async () => {
  const { app, clock } = await registered();
  await request(app).post('/health').send({ worker_id: 'w-1', rss_bytes: 80_000_000, cpu_percent: 12.5, bytes_processed: 1_000_000 }).expect(200);
  const first = await request(app).get('/workers');
  clock.advance(2000);
  await request(app).post('/health').send({ worker_id: 'w-1', rss_bytes: 90_000_000, cpu_percent: 180, bytes_processed: 9_000_000 }).expect(200);
  const second = await request(app).get('/workers');

  expect(first.body.workers).toStrictEqual([{ ...base, last_heartbeat: iso(T0), rss_bytes: 80_000_000, cpu_percent: 12.5, bytes_processed: 1_000_000 }]);
  expect(second.body.workers).toStrictEqual([{ ...base, last_heartbeat: iso(T0 + 2000), rss_bytes: 90_000_000, cpu_percent: 180, bytes_processed: 9_000_000, bytes_per_second: 4_000_000 }]);
});

it('shows no throughput across a restarted process (fewer bytes than before) or a heartbeat without the count', async () => {
  const { app, clock } = await registered();
  await request(app).post('/health').send({ worker_id: 'w-1', bytes_processed: 5_000 }).expect(200);
  clock.advance(1000);
  await request(app).post('/health').send({ worker_id: 'w-1', bytes_processed: 100 }).expect(200);
  const restarted = (await request(app).get('/workers')).body.workers[0];
  clock.advance(1000);
  await request(app).post('/health').send({ worker_id: 'w-1', bytes_processed: 2_100 }).expect(200);
  const after = (await request(app).get('/workers')).body.workers[0];
  clock.advance(1000);
  await request(app).post('/health').send({ worker_id: 'w-1' }).expect(200);
  const without = (await request(app).get('/workers')).body.workers[0];

  expect([restarted.bytes_per_second, after.bytes_per_second, without.bytes_per_second, without.bytes_processed]).toStrictEqual([undefined, 2_000, undefined, undefined]);
});

it('answers 400 to a heartbeat with a negative or fractional memory figure, or an unknown field', async () => {
  const { app } = await registered();
  const negative = await request(app).post('/health').send({ worker_id: 'w-1', rss_bytes: -1 });
  const fractional = await request(app).post('/health').send({ worker_id: 'w-1', bytes_processed: 1.5 });
  const unknown = await request(app).post('/health').send({ worker_id: 'w-1', disk_bytes: 1 });

  expect([negative.status, fractional.status, unknown.status]).toStrictEqual([400, 400, 400]);
  expect(negative.body.issues.map((i: { path: unknown[] }) => i.path)).toStrictEqual([['rss_bytes']]);
});
