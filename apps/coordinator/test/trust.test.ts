// The coordinator's trust boundary through its HTTP surface (supertest, no ports): the cluster token
// on every route, inputs confined to the data root, bounded bodies, strict bodies, worker ids that
// cannot be taken over, workers that leave in good order.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { coordinatorContract } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { DataRoots } from '@loganalyzer/server-kit';
import request from 'supertest';
import { createApp } from '../src/app';
import { MemoryStore } from '../src/state/memory-store';
import { partialOf, reportKey, settle, setup, urlOf, useTempLogs } from './helpers';

const logs = useTempLogs();
const TOKEN = 'test-cluster-token-0123456789abcdef';
const SECRET = 'root:$6$SECRET-MARKER-never-shown$:19000:0:99999:7:::';

const anyWorkerHost = { check: async (host: string | undefined, source: string) => host ?? source.replace(/^::ffff:/, '') };

/** A request for every route of the contract, path parameters filled in, with a body its schema would accept. */
function everyRoute(): Array<{ name: string; method: string; path: string }> {
  return Object.entries(coordinatorContract).map(([name, route]) => ({ name, method: route.method.toLowerCase(), path: route.path.replace(':job_id', 'job-1') }));
}

function send(app: ReturnType<typeof createApp>, method: string, path: string) {
  return (request(app) as unknown as Record<string, (path: string) => request.Test>)[method](path);
}

describe('the cluster token', () => {
  const app = createApp(setup().coordinator, { token: TOKEN });

  it('answers 401 on every route of the contract but the liveness one, without a token and with a wrong one', async () => {
    const answers: Array<[string, number, number]> = [];
    for (const route of everyRoute()) {
      const missing = await send(app, route.method, route.path).send({});
      const wrong = await send(app, route.method, route.path).set('Authorization', `Bearer ${TOKEN}x`).send({});
      answers.push([route.name, missing.status, wrong.status]);
    }

    expect(answers).toStrictEqual(everyRoute().map((r) => [r.name, r.name === 'livez' ? 200 : 401, r.name === 'livez' ? 200 : 401]));
  });

  it('says what is missing in the one error body, with a WWW-Authenticate header', async () => {
    const missing = await request(app).get('/jobs');
    const wrongScheme = await request(app).get('/jobs').set('Authorization', `Basic ${TOKEN}`);

    expect([missing.status, missing.body, missing.headers['www-authenticate']]).toStrictEqual([
      401,
      { error: 'unauthorized', message: 'this route needs the cluster token: send "Authorization: Bearer <token>"' },
      'Bearer realm="loganalyzer"',
    ]);
    expect(wrongScheme.body).toStrictEqual({ error: 'unauthorized', message: 'the bearer token is not the cluster token' });
  });

  it('serves the routes to a request with the token', async () => {
    const answer = await request(app).get('/jobs').set('Authorization', `Bearer ${TOKEN}`);
    expect([answer.status, answer.body]).toStrictEqual([200, { jobs: [] }]);
  });

  it('checks the token before reading the body: a bad body without a token is a 401, not a 400', async () => {
    const answer = await request(app).post('/jobs').set('content-type', 'application/json').send('{not json');
    expect(answer.status).toBe(401);
  });
});

describe('the data root', () => {
  let root = '';
  let outside = '';
  let app: ReturnType<typeof createApp>;
  let coordinator: ReturnType<typeof setup>['coordinator'];

  beforeAll(async () => {
    root = logs.dir('root');
    outside = logs.write('shadow', `${SECRET}\n`);
    logs.applog('root/app.log', 50);
    symlinkSync(outside, join(root, 'innocent.log'));
    mkdirSync(join(root, 'subdir'));
    execFileSync('mkfifo', [join(root, 'pipe.log')]);
    coordinator = setup().coordinator;
    app = createApp(coordinator, { dataRoots: await DataRoots.of([root]) });
  });

  async function createJob(filepath: string) {
    const answer = await request(app).post('/jobs').send({ filepath });
    expect(JSON.stringify(answer.body)).not.toContain('SECRET-MARKER');
    return [answer.status, answer.body.error ?? 'created'];
  }

  it('refuses with 403 a path outside the root, a ../ escape and a symlink that leads out, naming the path', async () => {
    expect(await createJob(outside)).toStrictEqual([403, 'input_forbidden']);
    expect(await createJob(join(root, '..', 'shadow'))).toStrictEqual([403, 'input_forbidden']);
    expect(await createJob(join(root, 'innocent.log'))).toStrictEqual([403, 'input_forbidden']);
    expect(await createJob('/etc/passwd')).toStrictEqual([403, 'input_forbidden']);
    const answer = await request(app).post('/jobs').send({ inputs: [join(root, 'app.log'), join(root, 'innocent.log')] });
    expect(answer.body).toStrictEqual({ error: 'input_forbidden', message: `${join(root, 'innocent.log')} is outside the data root (${root})` });
    expect(coordinator.listJobs()).toStrictEqual([]);
  });

  it('refuses with 400 a directory and a FIFO inside the root, without waiting for a writer', async () => {
    expect(await createJob(join(root, 'subdir'))).toStrictEqual([400, 'input_not_regular_file']);
    const fifo = await request(app).post('/jobs').send({ filepath: join(root, 'pipe.log') });
    expect(fifo.body).toStrictEqual({ error: 'input_not_regular_file', message: `${join(root, 'pipe.log')} is a FIFO; only regular files are read` });
  });

  it('plans a file inside the root, and fails the job naming a missing one', async () => {
    expect(await createJob(join(root, 'app.log'))).toStrictEqual([201, 'created']);
    const missing = await request(app).post('/jobs').send({ filepath: join(root, 'gone.log') });
    await coordinator.idle();
    const job = coordinator.getJob(missing.body.job_id);
    expect([job.status, job.error]).toStrictEqual(['failed', `log file not found: ${join(root, 'gone.log')}`]);
  });
});

describe('request bodies', () => {
  const app = createApp(setup().coordinator, { workerHosts: anyWorkerHost });

  it('answers 413 to a job or a registration over its route\'s limit, before parsing it', async () => {
    const job = await request(app).post('/jobs').set('content-type', 'application/json').send(`{"inputs":[${Array(60_000).fill('"/var/log/some/long/path/to/a/file.log"').join(',')}]}`);
    const registration = await request(app).post('/register').send({ worker_id: 'w', port: 1, host: 'x'.repeat(20_000) });

    expect([job.status, job.body.error, registration.status, registration.body.error]).toStrictEqual([413, 'body_too_large', 413, 'body_too_large']);
  });

  it('answers 400 to unknown fields, naming them', async () => {
    const answer = await request(app).post('/register').send({ worker_id: 'w', port: 8001, admin: true });
    expect([answer.status, answer.body.issues]).toStrictEqual([400, [{ location: 'body', path: [], code: 'unrecognized_keys', message: "Unrecognized key(s) in object: 'admin'" }]]);
  });

  it('never echoes more than a bounded piece of a huge value, and escapes its control characters', async () => {
    const answer = await request(app).post('/jobs').send({ filepath: '/a.log', format: `\u001b[2J${'x'.repeat(10_000)}` });
    const text = JSON.stringify(answer.body);
    expect(answer.status).toBe(400);
    expect(text.length).toBeLessThan(1000);
    expect(text).not.toContain('\u001b');
  });
});

describe('worker ids', () => {
  function cluster(liveUrls: string[]) {
    const s = setup({ store: new MemoryStore(), isWorkerLive: async (url) => liveUrls.includes(url) });
    return { ...s, app: createApp(s.coordinator, { workerHosts: anyWorkerHost }) };
  }

  it('answers 409 naming both addresses when a live worker of that id is at another address', async () => {
    const { app, coordinator } = cluster([urlOf('a')]);
    await request(app).post('/register').send({ worker_id: 'a', port: 8001, host: 'a.test' }).expect(200);

    const thief = await request(app).post('/register').send({ worker_id: 'a', port: 8001, host: 'thief.test' });

    expect([thief.status, thief.body]).toStrictEqual([
      409,
      { error: 'worker_id_in_use', message: 'worker a is live at http://a.test:8001; this registration is for http://thief.test:8001: give the new worker another --id' },
    ]);
    expect(coordinator.listWorkers().map((w) => w.url)).toStrictEqual([urlOf('a')]);
  });

  it('lets a restarted worker take its id back: from the same address, or when the old one no longer answers', async () => {
    const { app, coordinator } = cluster([]);
    await request(app).post('/register').send({ worker_id: 'a', port: 8001, host: 'a.test' }).expect(200);
    const same = await request(app).post('/register').send({ worker_id: 'a', port: 8001, host: 'a.test' });
    const moved = await request(app).post('/register').send({ worker_id: 'a', port: 9001, host: 'b.test' });

    expect([same.body.status, moved.body.status]).toStrictEqual(['re-registered', 're-registered']);
    expect(coordinator.listWorkers().map((w) => w.url)).toStrictEqual(['http://b.test:9001']);
  });

  it('calls a worker that registers with tls: true over https', async () => {
    const { app, coordinator } = cluster([]);
    await request(app).post('/register').send({ worker_id: 's', port: 8443, host: 's.test', tls: true }).expect(200);
    expect(coordinator.listWorkers().map((w) => w.url)).toStrictEqual(['https://s.test:8443']);
  });
});

describe('a worker leaving in good order', () => {
  it('hands back its chunks uncounted: they go to another worker and the job stays exact', async () => {
    const s = setup({ store: new MemoryStore(), maxAttempts: 1 });
    const app = createApp(s.coordinator, { workerHosts: anyWorkerHost });
    const log = logs.applog('leaving.log', 200);
    await request(app).post('/register').send({ worker_id: 'a', port: 8001, host: 'a.test', concurrency: 2 }).expect(200);
    const { body } = await request(app).post('/jobs').send({ filepath: log.path, chunk_size: Math.ceil(log.size / 2) }).expect(201);
    await s.coordinator.idle();
    await settle();
    for (const sent of s.sent) sent.accept();

    const left = await request(app).post('/deregister').send({ worker_id: 'a' });
    await request(app).post('/register').send({ worker_id: 'b', port: 8001, host: 'b.test', concurrency: 2 }).expect(200);
    await settle();
    const toB = s.sent.filter((x) => x.workerUrl === urlOf('b'));
    for (const sent of toB) await request(app).post('/metrics').send({ ...reportKey(sent), metrics: partialOf(sent.task) }).expect(200);
    await s.coordinator.idle();

    // With --max-attempts 1 a counted loss would have failed the job.
    expect([left.status, left.body]).toStrictEqual([200, { worker_id: 'a', released: 2 }]);
    expect(s.coordinator.listWorkers().map((w) => w.worker_id)).toStrictEqual(['b']);
    const job = s.coordinator.getJob(body.job_id);
    expect([job.status, toB.length, job.progress.chunks_reassigned]).toStrictEqual(['completed', 2, 2]);
    expect(job.metrics).toStrictEqual(await analyzeFile(log.path));
    expect(s.events.filter((e) => e.type === 'chunk_released').length).toBe(2);
  });

  it('answers 404 to a worker that is not registered', async () => {
    const app = createApp(setup().coordinator);
    const answer = await request(app).post('/deregister').send({ worker_id: 'nobody' });
    expect([answer.status, answer.body.error]).toStrictEqual([404, 'worker_not_registered']);
  });
});

describe('forged results', () => {
  it('refuses a result with the live token from a worker that does not hold it, counts it, and merges nothing', async () => {
    const s = setup({ store: new MemoryStore() });
    const app = createApp(s.coordinator, { workerHosts: anyWorkerHost });
    const log = logs.applog('forged.log', 100);
    await request(app).post('/register').send({ worker_id: 'a', port: 8001, host: 'a.test' }).expect(200);
    await request(app).post('/register').send({ worker_id: 'b', port: 8001, host: 'b.test' }).expect(200);
    const { body } = await request(app).post('/jobs').send({ filepath: log.path, chunk_size: log.size }).expect(201);
    await s.coordinator.idle();
    await settle();
    const [sent] = s.sent;
    const other = sent.workerUrl === urlOf('a') ? 'b' : 'a';

    const forged = await request(app).post('/metrics').send({ ...reportKey(sent), worker_id: other, metrics: { ...partialOf(sent.task), request_count: 10 ** 9 } });
    const real = await request(app).post('/metrics').send({ ...reportKey(sent), metrics: partialOf(sent.task) });
    await s.coordinator.idle();

    expect([forged.status, forged.body.error, real.status]).toStrictEqual([409, 'lease_not_live', 200]);
    const job = s.coordinator.getJob(body.job_id);
    expect([job.status, job.progress.results_refused]).toStrictEqual(['completed', 1]);
    expect(job.metrics).toStrictEqual(await analyzeFile(log.path));
  });
});

describe('shutting down', () => {
  it('answers 503 once closing began, except on liveness', async () => {
    const { coordinator } = setup();
    const app = createApp(coordinator);
    await coordinator.close();
    const jobs = await request(app).get('/jobs');
    const live = await request(app).get('/livez');
    expect([jobs.status, jobs.body.error, live.status, live.body]).toStrictEqual([503, 'shutting_down', 200, { status: 'ok' }]);
  });
});

describe('a worker refusing a chunk', () => {
  const refusal = (status: number, message: string) => Object.assign(new Error(`worker answered ${status}: ${message}`), { status });

  it('on 503 (shutting down) keeps the worker\'s other leases, sends it nothing new, and retries the chunk elsewhere uncounted', async () => {
    const s = setup({ store: new MemoryStore(), maxAttempts: 1 });
    const log = logs.applog('draining.log', 300);
    s.coordinator.register({ worker_id: 'a', url: urlOf('a'), concurrency: 2 });
    const jobId = s.coordinator.createJob({ filepath: log.path, chunk_size: Math.ceil(log.size / 4) });
    await s.coordinator.idle();
    await settle();
    const [kept, refused] = s.sent;
    kept.accept();
    refused.refuse(refusal(503, 'worker a is shutting down'));
    await settle();
    s.coordinator.register({ worker_id: 'b', url: urlOf('b'), concurrency: 4 });
    await settle();

    const toA = s.sent.filter((x) => x.workerUrl === urlOf('a')).map((x) => x.task.chunk_id);
    const toB = s.sent.filter((x) => x.workerUrl === urlOf('b')).map((x) => x.task.chunk_id);
    // a took chunks 0 and 1 and refused 1; everything else, 1 included, went to b.
    expect([toA, toB.sort()]).toStrictEqual([[0, 1], [1, 2, 3]]);
    expect(s.coordinator.listWorkers().map((w) => [w.worker_id, w.status, w.chunks_in_flight])).toStrictEqual([['a', 'active', 1], ['b', 'active', 3]]);
    for (const sent of s.sent.slice(2)) sent.accept();
    for (const sent of [kept, ...s.sent.slice(2)]) await request(createApp(s.coordinator)).post('/metrics').send({ ...reportKey(sent), metrics: partialOf(sent.task) }).expect(200);
    await s.coordinator.idle();
    const job = s.coordinator.getJob(jobId);
    expect(job.status).toBe('completed');
    expect(job.metrics).toStrictEqual(await analyzeFile(log.path));
  });

  it('on 403 or 400 fails that attempt (counted) and keeps the worker active', async () => {
    const s = setup({ store: new MemoryStore(), maxAttempts: 2 });
    const log = logs.applog('refused.log', 50);
    s.coordinator.register({ worker_id: 'a', url: urlOf('a'), concurrency: 1 });
    const jobId = s.coordinator.createJob({ filepath: log.path, chunk_size: log.size });
    await s.coordinator.idle();
    await settle();
    s.sent[0].refuse(refusal(403, `${log.path} is outside the data root (/srv/logs)`));
    await settle();
    s.sent[1].refuse(refusal(403, `${log.path} is outside the data root (/srv/logs)`));
    await settle();
    await s.coordinator.idle();

    const job = s.coordinator.getJob(jobId);
    expect([job.status, s.sent.length, s.coordinator.listWorkers().map((w) => w.status)]).toStrictEqual(['failed', 2, ['active']]);
    expect(job.error).toBe(`chunk 0 (${log.path}, bytes 0–${log.size}) failed 2 time(s); last error: sending chunk 0 (${log.path}, bytes 0–${log.size}) failed: worker answered 403: ${log.path} is outside the data root (/srv/logs)`);
  });
});
