// The HTTP surface through supertest against createApp: a real Coordinator on a fake sender and clock,
// no ports. Bodies are pinned whole; each error route answers its contract code.
import { analyzeFile, emptyMetrics, toReport } from '@loganalyzer/core';
import request from 'supertest';
import { createApp } from '../src/app';
import { MemoryStore } from '../src/state/memory-store';
import { iso, partialOf, reportKey, settle, setup, T0, urlOf, useTempLogs } from './helpers';

const logs = useTempLogs();

/** Fake worker hosts such as a.test do not resolve: these tests take a registration's host as given (worker-hosts.test.ts checks the real policy). */
const anyWorkerHost = { check: async (host: string | undefined, source: string) => host ?? source.replace(/^::ffff:/, '') };

function server(options = {}) {
  const store = new MemoryStore();
  const s = setup({ store, ...options });
  return { ...s, store, app: createApp(s.coordinator, { workerHosts: anyWorkerHost }) };
}

/** Registers worker a, creates a job over `lines` generated lines in `chunks` chunks, and waits for its sends. */
async function runningJob(chunks: number, lines = 100) {
  const s = server();
  await request(s.app).post('/register').send({ worker_id: 'a', port: 8001, host: 'a.test', concurrency: chunks }).expect(200);
  const log = logs.applog(`app-${chunks}-${lines}-${Math.random().toString(36).slice(2)}.log`, lines);
  const created = await request(s.app).post('/jobs').send({ filepath: log.path, chunk_size: Math.ceil(log.size / chunks) }).expect(201);
  await s.coordinator.idle();
  await settle();
  return { ...s, log, jobId: created.body.job_id as string };
}

describe('workers', () => {
  it('registers a worker and tells it the heartbeat interval, then re-registered for the same id', async () => {
    const { app } = server({ heartbeatIntervalMs: 750 });
    const first = await request(app).post('/register').send({ worker_id: 'w-1', port: 9000 });
    const again = await request(app).post('/register').send({ worker_id: 'w-1', port: 9000 });

    expect([first.status, first.body]).toStrictEqual([200, { worker_id: 'w-1', status: 'registered', heartbeat_interval_ms: 750 }]);
    expect(again.body).toStrictEqual({ worker_id: 'w-1', status: 're-registered', heartbeat_interval_ms: 750 });
  });

  it('lists a worker at the address it called from, or at the host it gave, IPv6 bracketed', async () => {
    const { app } = server();
    await request(app).post('/register').send({ worker_id: 'peer', port: 9001 });
    await request(app).post('/register').send({ worker_id: 'v6', port: 9002, host: '::1', concurrency: 3 });
    const listed = await request(app).get('/workers').expect(200);

    expect(listed.body).toStrictEqual({
      workers: [
        { worker_id: 'peer', url: 'http://127.0.0.1:9001', status: 'active', last_heartbeat: iso(T0), registered_at: iso(T0), concurrency: 1, chunks_in_flight: 0, chunks_done: 0 },
        { worker_id: 'v6', url: 'http://[::1]:9002', status: 'active', last_heartbeat: iso(T0), registered_at: iso(T0), concurrency: 3, chunks_in_flight: 0, chunks_done: 0 },
      ],
    });
  });

  it('answers a heartbeat with the interval and the listed tokens that are not live', async () => {
    const { app, sent } = await runningJob(1);
    const forged = 'e'.repeat(32);
    const answer = await request(app).post('/health').send({ worker_id: 'a', leases: [sent[0].task.lease_token, forged] });

    expect([answer.status, answer.body]).toStrictEqual([200, { ok: true, heartbeat_interval_ms: 1000, drop: [forged] }]);
  });

  it('answers 404 worker_not_registered to a heartbeat from an unknown worker', async () => {
    const { app } = server();
    const answer = await request(app).post('/health').send({ worker_id: 'ghost' });

    expect([answer.status, answer.body]).toStrictEqual([404, { error: 'worker_not_registered', message: 'worker ghost is not registered; register again' }]);
  });
});

describe('jobs and results', () => {
  it('creates a job, commits a result posted with its lease token, and shows it whole in the job', async () => {
    const { app, sent, jobId, log, store, coordinator } = await runningJob(1);
    expect(sent.map((s) => s.workerUrl)).toStrictEqual([urlOf('a')]);
    const body = { ...reportKey(sent[0]), metrics: partialOf(sent[0].task) };
    const posted = await request(app).post('/metrics').send(body);
    await coordinator.idle();
    const job = await request(app).get(`/jobs/${jobId}`);

    expect([posted.status, posted.body]).toStrictEqual([200, { accepted: true, reason: 'committed' }]);
    expect([job.status, job.body]).toStrictEqual([
      200,
      {
        job_id: jobId,
        filepath: log.path,
        inputs: 1,
        status: 'completed',
        created_at: iso(T0),
        finished_at: iso(T0),
        format: 'auto',
        chunk_size: log.size,
        progress: { chunks_total: 1, chunks_done: 1, bytes_total: log.size, bytes_done: log.size, chunks_reassigned: 0, backup_attempts: 0, results_refused: 0, appended_bytes: 0 },
        input_progress: [
          { input: { kind: 'file', path: log.path }, snapshot: sent[0].task.snapshot, chunks_total: 1, chunks_done: 1, bytes_total: log.size, bytes_done: log.size, appended_bytes: 0 },
        ],
        metrics: await analyzeFile(log.path),
      },
    ]);
    const exact = await analyzeFile(log.path);
    // Across jobs, malformed samples (quoted log lines) are not shown; the job above has its own.
    expect((await request(app).get('/metrics')).body).toStrictEqual({ ...exact, malformed: { ...exact.malformed, samples: [] } });
    // Until the coordinator is idle, the stored report is the job's durable record; no checkpoint yet.
    expect([store.checkpointOf(jobId), [...store.partialsOf(jobId)].length]).toStrictEqual([null, 1]);
  });

  it('keeps the committed report as the bytes it arrived as, until a checkpoint covers it', async () => {
    const { app, sent, store, jobId } = await runningJob(2);
    const raw = JSON.stringify({ ...reportKey(sent[0]), metrics: partialOf(sent[0].task) });
    await request(app).post('/metrics').set('content-type', 'application/json').send(raw).expect(200);

    expect([...store.partialsOf(jobId)].map((b) => Buffer.from(b as Uint8Array).toString('utf8'))).toStrictEqual([raw]);
  });

  it('answers duplicate with 200 to the committed attempt posting again', async () => {
    const { app, sent } = await runningJob(2);
    const body = { ...reportKey(sent[0]), metrics: partialOf(sent[0].task) };
    await request(app).post('/metrics').send(body).expect(200);
    const again = await request(app).post('/metrics').send(body);

    expect([again.status, again.body]).toStrictEqual([200, { accepted: false, reason: 'duplicate' }]);
  });

  it('answers 409 lease_not_live to a result whose token is not the chunk\'s live lease', async () => {
    const { app, sent, jobId } = await runningJob(2);
    const answer = await request(app)
      .post('/metrics')
      .send({ ...reportKey(sent[0]), lease_token: '0'.repeat(32), metrics: partialOf(sent[0].task) });

    expect([answer.status, answer.body]).toStrictEqual([
      409,
      { error: 'lease_not_live', message: `not the live lease of chunk 0 of job ${jobId}: the lease expired or was given to another attempt` },
    ]);
  });

  it('answers 422 invalid_partial to a partial whose latency sketch does not decode, and merges nothing of it', async () => {
    const { app, sent, jobId, log } = await runningJob(1);
    const answer = await request(app)
      .post('/metrics')
      .send({ ...reportKey(sent[0]), metrics: { ...partialOf(sent[0].task), latency: '0;x:1' } });
    const job = await request(app).get(`/jobs/${jobId}`);

    expect([answer.status, answer.body]).toStrictEqual([
      422,
      { error: 'invalid_partial', message: `invalid partial for chunk 0 (${log.path}, bytes 0–${log.size}): latency: latency sketch does not decode: not a serialized quantile sketch` },
    ]);
    expect([job.body.metrics, job.body.progress.chunks_reassigned]).toStrictEqual([toReport(emptyMetrics()), 1]);
  });

  it('records a chunk failure posted with its token and answers 409 to the same failure again', async () => {
    const { app, sent } = await runningJob(2);
    const body = { ...reportKey(sent[0]), error: 'cannot read the input' };
    const first = await request(app).post('/chunk_failures').send(body);
    const again = await request(app).post('/chunk_failures').send(body);

    expect([first.status, first.body]).toStrictEqual([200, { accepted: true, reason: 'recorded' }]);
    expect([again.status, again.body.error]).toStrictEqual([409, 'lease_not_live']);
  });

  it('answers 404 job_not_found and chunk_not_found to results it cannot place', async () => {
    const { app, sent, jobId } = await runningJob(1);
    const metrics = partialOf(sent[0].task);
    const unknownJob = await request(app).post('/metrics').send({ ...reportKey(sent[0]), job_id: 'nope', metrics });
    const unknownChunk = await request(app).post('/metrics').send({ ...reportKey(sent[0]), chunk_id: 7, metrics });
    const failure = await request(app).post('/chunk_failures').send({ ...reportKey(sent[0]), job_id: 'nope', error: 'x' });

    expect([unknownJob.status, unknownJob.body]).toStrictEqual([404, { error: 'job_not_found', message: 'no job nope' }]);
    expect([unknownChunk.status, unknownChunk.body]).toStrictEqual([404, { error: 'chunk_not_found', message: `job ${jobId} has no chunk 7` }]);
    expect([failure.status, failure.body.error]).toStrictEqual([404, 'job_not_found']);
  });

  it('creates a job over several inputs given as paths and tagged inputs', async () => {
    const { app } = server();
    const a = logs.applog('app-multi-a.log', 10);
    const b = logs.applog('app-multi-b.log', 10);
    const created = await request(app).post('/jobs').send({ inputs: [a.path, { kind: 'file', path: b.path }] });
    const listed = await request(app).get('/jobs');

    expect(created.status).toBe(201);
    expect(listed.body).toStrictEqual({ jobs: [{ job_id: created.body.job_id, filepath: a.path, inputs: 2, status: 'queued', created_at: iso(T0), finished_at: null }] });
  });

  it('deletes a job with 200, then answers 404 for it', async () => {
    const { app, jobId } = await runningJob(2);
    const deleted = await request(app).delete(`/jobs/${jobId}`);
    const gone = await request(app).get(`/jobs/${jobId}`);
    const again = await request(app).delete(`/jobs/${jobId}`);

    expect([deleted.status, deleted.body]).toStrictEqual([200, { job_id: jobId, deleted: true }]);
    expect([gone.status, gone.body]).toStrictEqual([404, { error: 'job_not_found', message: `no job ${jobId}` }]);
    expect([again.status, again.body.error]).toStrictEqual([404, 'job_not_found']);
    expect((await request(app).get('/jobs')).body).toStrictEqual({ jobs: [] });
  });

  it('answers 400 too_many_chunks to more inputs than the chunk limit', async () => {
    const { app } = server({ maxChunksPerJob: 1 });
    const answer = await request(app).post('/jobs').send({ inputs: ['/a', '/b'] });

    expect([answer.status, answer.body]).toStrictEqual([400, { error: 'too_many_chunks', message: '2 inputs need at least as many chunks; this coordinator allows 1 per job' }]);
  });

  it('answers 400 with an issue naming log_format when it does not compile', async () => {
    const { app } = server();
    const answer = await request(app).post('/jobs').send({ filepath: '/a', log_format: 'no variables here' });

    expect([answer.status, answer.body]).toStrictEqual([
      400,
      {
        error: 'validation_failed',
        message: 'body.log_format: invalid nginx log_format: the format names no variables',
        issues: [{ location: 'body', path: ['log_format'], code: 'custom', message: 'invalid nginx log_format: the format names no variables' }],
      },
    ]);
  });
});

describe('requests that do not match the contract', () => {
  const neither = { location: 'body', path: ['inputs'], code: 'custom', message: 'give either inputs or filepath' };

  it.each([
    ['neither inputs nor filepath', {}, 'body.inputs: give either inputs or filepath', [neither]],
    ['both inputs and filepath', { inputs: ['/a'], filepath: '/b' }, 'body.inputs: give either inputs or filepath', [neither]],
  ])('answers 400 listing the issue to a job with %s', async (_what, body, message, issues) => {
    const { app } = server();
    const answer = await request(app).post('/jobs').send(body);

    expect([answer.status, answer.body]).toStrictEqual([400, { error: 'validation_failed', message, issues }]);
  });

  it.each([
    ['since_ms equal to until_ms', 5, 5],
    ['since_ms after until_ms', 6, 5],
  ])('answers 400 naming until_ms to a time window with %s', async (_what, since, until) => {
    const { app } = server();
    const answer = await request(app).post('/jobs').send({ filepath: '/a', since_ms: since, until_ms: until });

    const message = `must be after since_ms (${since}), got ${until}`;
    expect([answer.status, answer.body]).toStrictEqual([400, { error: 'validation_failed', message: `body.until_ms: ${message}`, issues: [{ location: 'body', path: ['until_ms'], code: 'custom', message }] }]);
  });

  it.each([
    ['a fractional since_ms', { filepath: '/a', since_ms: 1.5 }, ['since_ms'], 'invalid_type'],
    ['an until_ms past any date', { filepath: '/a', until_ms: 9e15 }, ['until_ms'], 'too_big'],
    ['an empty input list', { inputs: [] }, ['inputs'], 'too_small'],
    ['an input of an unknown kind', { inputs: [{ kind: 's3', path: 'bucket/key' }] }, ['inputs', 0], 'invalid_union'],
    ['a fractional chunk size', { filepath: '/a', chunk_size: 1.5 }, ['chunk_size'], 'invalid_type'],
    ['a chunk size past the safe integers', { filepath: '/a', chunk_size: 2 ** 60 }, ['chunk_size'], 'too_big'],
    ['an unknown format', { filepath: '/a', format: 'syslog' }, ['format'], 'invalid_enum_value'],
  ])('answers 400 with the one issue naming the field to a job with %s', async (_what, body, path, code) => {
    const { app, coordinator } = server();
    const answer = await request(app).post('/jobs').send(body);
    const issues = answer.body.issues as Array<{ location: string; path: unknown[]; code: string; message: string }>;

    expect([answer.status, answer.body.error, issues.map((i) => [i.location, i.path, i.code])]).toStrictEqual([400, 'validation_failed', [['body', path, code]]]);
    expect(answer.body.message).toBe(`body.${path.join('.')}: ${issues[0].message}`);
    expect(coordinator.listJobs()).toStrictEqual([]);
  });

  it('answers 400 to a result whose lease token is not 32 hex digits', async () => {
    const { app, sent } = await runningJob(1);
    const answer = await request(app)
      .post('/metrics')
      .send({ ...reportKey(sent[0]), lease_token: 'ABC', metrics: partialOf(sent[0].task) });

    expect([answer.status, answer.body]).toStrictEqual([
      400,
      {
        error: 'validation_failed',
        message: 'body.lease_token: 32 lowercase hex digits',
        issues: [{ location: 'body', path: ['lease_token'], code: 'invalid_string', message: '32 lowercase hex digits' }],
      },
    ]);
  });

  it('answers 400 to a heartbeat listing a malformed token, and to a registration with port 70000', async () => {
    const { app } = server();
    const heartbeat = await request(app).post('/health').send({ worker_id: 'a', leases: ['nope'] });
    const register = await request(app).post('/register').send({ worker_id: 'a', port: 70_000 });

    expect([heartbeat.status, heartbeat.body.issues.map((i: { path: unknown[] }) => i.path)]).toStrictEqual([400, [['leases', 0]]]);
    expect([register.status, register.body.issues.map((i: { path: unknown[] }) => i.path)]).toStrictEqual([400, [['port']]]);
  });

  it('answers 400 invalid_json to a body that is not JSON', async () => {
    const { app } = server();
    const answer = await request(app).post('/jobs').set('content-type', 'application/json').send('{"filepath":');

    expect([answer.status, answer.body.error]).toStrictEqual([400, 'invalid_json']);
  });

  it('answers 404 route_not_found to a path or method no route serves', async () => {
    const { app } = server();
    const path = await request(app).get('/nowhere');
    const method = await request(app).put('/jobs');

    expect([path.status, path.body]).toStrictEqual([404, { error: 'route_not_found', message: 'no route for GET /nowhere' }]);
    expect([method.status, method.body]).toStrictEqual([404, { error: 'route_not_found', message: 'no route for PUT /jobs' }]);
  });

  it('does not announce Express in its response headers', async () => {
    const { app } = server();
    const answer = await request(app).get('/jobs');
    expect(answer.headers['x-powered-by']).toBeUndefined();
  });
});
