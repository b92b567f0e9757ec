// The worker CLI as a real process against the fake coordinator: how it binds and says so, the token
// and data root it is given, HTTPS, and leaving on SIGTERM (exit 0, deregistered, in-flight chunks
// reported or handed back).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChunkTask, createWorkerClient, workerContract } from '@loganalyzer/contract';
import { analyzeRange } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { FakeCoordinator, until } from './fake-coordinator';
import { leaseToken, task } from './helpers';
import { killStartedWorkers, spawnWorker, startWorker } from './worker-process';

jest.setTimeout(60_000);

const TOKEN = 'process-test-token-0123456789abcdef';
const SECRET = 'TOP-SECRET-MARKER-51d0';

let dir: string;
let root: string;
let log: string;
let secretFile: string;
const coordinators: FakeCoordinator[] = [];

beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'worker-process-')));
  root = join(dir, 'root');
  mkdirSync(root);
  log = join(root, 'app.log');
  writeApplogFile(log, 2000, { seed: 7 });
  secretFile = join(dir, 'secret.txt');
  writeFileSync(secretFile, `${SECRET}\n`);
});

afterEach(async () => {
  await killStartedWorkers();
  await Promise.all(coordinators.splice(0).map((c) => c.stop()));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fakeCoordinator(options: ConstructorParameters<typeof FakeCoordinator>[1] = {}): Promise<{ coordinator: FakeCoordinator; url: string }> {
  const coordinator = new FakeCoordinator(50, options);
  coordinators.push(coordinator);
  const port = await coordinator.start();
  return { coordinator, url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}` };
}

/** A task for the whole of `path`, planned against its current stat. */
function wholeFile(path: string, n: number): ChunkTask {
  const stats = statSync(path);
  return task({
    input: { kind: 'file', path },
    snapshot: { size: stats.size, mtime_ms: stats.mtimeMs, dev: stats.dev, ino: stats.ino },
    start: 0,
    size: stats.size,
    chunk_id: n,
    lease_token: leaseToken(n),
  });
}

it('starts with the original usage on loopback, says it has no token, registers, and on SIGTERM deregisters and exits 0', async () => {
  const { coordinator, url } = await fakeCoordinator();
  const worker = await startWorker(['--id', 'worker1', '--port', '0', '--coordinator', url, '--concurrency', '1']);
  const port = Number(new URL(worker.url).port);
  await until(() => coordinator.heartbeats.length >= 1, 'the worker heartbeats');

  worker.child.kill('SIGTERM');

  expect(await worker.exited).toStrictEqual({ code: 0, signal: null });
  expect(worker.stdout).toStrictEqual([
    `worker worker1 listening on http://127.0.0.1:${port}`,
    'worker worker1: loopback only: no cluster token set (--token, --token-file or LOGANALYZER_TOKEN), so no other machine can connect',
  ]);
  expect(coordinator.registrations).toStrictEqual([{ worker_id: 'worker1', port, concurrency: 1 }]);
  expect(coordinator.deregistrations).toStrictEqual([{ worker_id: 'worker1', released: 0 }]);
});

it('refuses to listen beyond loopback without a token, in one line, exiting 1', async () => {
  const worker = spawnWorker(['--id', 'w-open', '--host', '0.0.0.0', '--port', '0']);

  expect(await worker.exited).toStrictEqual({ code: 1, signal: null });
  expect(worker.stderr).toStrictEqual(['worker: --host 0.0.0.0 is beyond loopback: set a cluster token (--token, --token-file or LOGANALYZER_TOKEN) first']);
  expect(worker.stdout).toStrictEqual([]);
});

it('refuses to listen beyond loopback with a token but no data root, in one line, exiting 1', async () => {
  const worker = spawnWorker(['--id', 'w-open', '--host', '0.0.0.0', '--port', '0'], { LOGANALYZER_TOKEN: TOKEN });

  expect(await worker.exited).toStrictEqual({ code: 1, signal: null });
  expect(worker.stderr).toStrictEqual(['worker: --host 0.0.0.0 is beyond loopback: give --data-root DIR for the files it may read']);
});

describe('with the cluster token from LOGANALYZER_TOKEN and a data root', () => {
  async function start() {
    const { coordinator, url } = await fakeCoordinator({ token: TOKEN });
    const worker = await startWorker(['--id', 'w-tok', '--port', '0', '--coordinator', url, '--concurrency', '1', '--data-root', root], { LOGANALYZER_TOKEN: TOKEN });
    await until(() => coordinator.heartbeats.length >= 1, 'the worker registered and heartbeats with the token');
    return { coordinator, worker, client: createWorkerClient(worker.url, { token: TOKEN }) };
  }

  it('says requests need the token and where its inputs are confined', async () => {
    const { worker } = await start();

    expect(worker.stdout[1]).toBe(`worker w-tok: loopback only; requests need the cluster token; inputs confined to ${root}`);
  });

  it('answers 401 on every route of the worker contract but GET /livez without the token or with a wrong one', async () => {
    const { worker } = await start();
    const statuses: Record<string, number[]> = {};

    for (const [name, route] of Object.entries(workerContract)) {
      const call = (headers: Record<string, string>) =>
        fetch(`${worker.url}${route.path}`, {
          method: route.method,
          headers: { 'content-type': 'application/json', ...headers },
          ...(route.method === 'POST' ? { body: JSON.stringify(wholeFile(log, 1)) } : {}),
        }).then((r) => r.status);
      statuses[name] = [await call({}), await call({ authorization: `Bearer ${TOKEN}-wrong` })];
    }

    expect(statuses).toStrictEqual({ livez: [200, 200], getOpenApi: [401, 401], getPrometheusMetrics: [401, 401], processChunk: [401, 401], health: [401, 401] });
  });

  it('runs a chunk of a file in its data root and reports exactly its single pass', async () => {
    const { coordinator, client } = await start();
    const chunk = wholeFile(log, 1);

    const response = await client.processChunk({ body: chunk });
    await until(() => coordinator.reports.length === 1, 'the chunk was reported');

    expect(response.status).toBe(202);
    expect(coordinator.reports[0].lease_token).toBe(chunk.lease_token);
    expect(coordinator.reports[0].metrics).toStrictEqual(analyzeRange(log, 0, chunk.size, { snapshot: chunk.snapshot }));
  });

  it('answers 403 to a file outside its data root, with no byte of the file in the answer', async () => {
    const { coordinator, client } = await start();

    const response = await client.processChunk({ body: wholeFile(secretFile, 2) });

    expect(response).toMatchObject({ status: 403, body: { error: 'input_forbidden', message: `${secretFile} is outside the data root (${root})` } });
    expect(JSON.stringify(response.body)).not.toContain(SECRET);
    expect(coordinator.metricsRequests).toStrictEqual([]);
  });
});

describe('SIGTERM with a chunk in flight', () => {
  /** A worker holding one chunk whose report the coordinator keeps answering 503, so it stays in flight. */
  async function holding(graceMs: number) {
    const { coordinator, url } = await fakeCoordinator();
    coordinator.unavailableReports = Number.MAX_SAFE_INTEGER;
    const worker = await startWorker(['--id', 'w-sig', '--port', '0', '--coordinator', url, '--concurrency', '1', '--shutdown-grace', String(graceMs)]);
    const client = createWorkerClient(worker.url);
    const chunk = wholeFile(log, 1);
    await client.processChunk({ body: chunk });
    await until(() => coordinator.metricsRequests.length >= 1, 'the result was sent and refused');
    await until(() => coordinator.heartbeats.some((h) => h.leases?.includes(chunk.lease_token)), 'a heartbeat listed the chunk');
    return { coordinator, worker, client, chunk };
  }

  it('keeps heartbeating and answers 503 to new chunks while it drains, then reports the chunk, deregisters and exits 0', async () => {
    const { coordinator, worker, client, chunk } = await holding(30_000);
    const beatsBefore = coordinator.heartbeats.length;

    worker.child.kill('SIGTERM');
    await until(() => coordinator.heartbeats.slice(beatsBefore).some((h) => h.leases?.includes(chunk.lease_token)), 'a heartbeat after SIGTERM renewed the chunk');
    const refused = await client.processChunk({ body: wholeFile(log, 2) });
    coordinator.unavailableReports = 0;

    expect(await worker.exited).toStrictEqual({ code: 0, signal: null });
    expect(refused).toMatchObject({ status: 503, body: { error: 'shutting_down', message: 'worker w-sig is shutting down' } });
    expect(coordinator.reports.map((r) => r.lease_token)).toStrictEqual([chunk.lease_token]);
    expect(coordinator.deregistrations).toStrictEqual([{ worker_id: 'w-sig', released: 0 }]);
  });

  it('hands back a chunk still unreported when the grace period ends: deregisters with it still held and exits 0', async () => {
    const { coordinator, worker, chunk } = await holding(200);

    worker.child.kill('SIGTERM');

    expect(await worker.exited).toStrictEqual({ code: 0, signal: null });
    expect(coordinator.reports).toStrictEqual([]);
    expect(coordinator.failureRequests).toStrictEqual([]);
    expect(coordinator.deregistrations).toStrictEqual([{ worker_id: 'w-sig', released: 1 }]);
    // Every stderr line is a JSON log line (stderr is a pipe here); the hand-back names the chunk in fields.
    const lines = worker.stderr.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.find((line) => String(line.msg).startsWith('handing back'))).toStrictEqual({
      level: 'info',
      time: expect.any(String),
      pid: worker.child.pid,
      name: 'worker',
      worker_id: 'w-sig',
      job_id: chunk.job_id,
      chunk_id: chunk.chunk_id,
      attempt: chunk.attempt,
      msg: `handing back chunk ${chunk.chunk_id} of job ${chunk.job_id} (attempt ${chunk.attempt}): the worker is shutting down`,
    });
  });
});

describe('with TLS', () => {
  let cert: string;
  let key: string;

  beforeAll(() => {
    cert = join(dir, 'cert.pem');
    key = join(dir, 'key.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'],
      { stdio: 'ignore' },
    );
  });

  it('serves HTTPS, registers with tls: true, and reaches an HTTPS coordinator through --ca', async () => {
    const { coordinator, url } = await fakeCoordinator({ token: TOKEN, tls: { certFile: cert, keyFile: key } });
    const worker = await startWorker(
      ['--id', 'w-tls', '--port', '0', '--coordinator', url, '--concurrency', '1', '--token', TOKEN, '--tls-cert', cert, '--tls-key', key, '--ca', cert],
    );
    await until(() => coordinator.heartbeats.length >= 1, 'the worker heartbeats over HTTPS');
    const port = Number(new URL(worker.url).port);
    const client = createWorkerClient(worker.url, { token: TOKEN, ca: readFileSync(cert) });

    const health = await client.health();
    worker.child.kill('SIGTERM');

    expect(worker.url).toBe(`https://127.0.0.1:${port}`);
    expect(health).toMatchObject({ status: 200, body: { worker_id: 'w-tls' } });
    expect(coordinator.registrations).toStrictEqual([{ worker_id: 'w-tls', port, concurrency: 1, tls: true }]);
    expect(await worker.exited).toStrictEqual({ code: 0, signal: null });
    expect(coordinator.deregistrations).toStrictEqual([{ worker_id: 'w-tls', released: 0 }]);
  });
});
