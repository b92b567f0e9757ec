// The trust boundary with real processes on loopback: a coordinator and workers started with a cluster
// token (and, for one test, TLS), probed the way an intruder on the network would.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coordinatorContract, createCoordinatorClient, createWorkerClient, workerContract } from '@loganalyzer/contract';
import type { CoordinatorClient } from '@loganalyzer/contract';
import { analyzeFile, analyzeRange } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import axios from 'axios';
import { startChild, StartedChild, stopChild } from '../src/child-process';
import { coordinatorScript, workerScript } from '../src/local-cluster';
import { waitForJob } from '../src/run-job';

jest.setTimeout(120_000);

const TOKEN = 'e2e-cluster-token-9f2c4b7a1d3e5f60';
const SECRET = 'SECRET-MARKER-outside-the-data-root';
const repoRoot = join(__dirname, '..', '..', '..');
let dir = '';
let root = '';
const children: StartedChild[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-trust-e2e-'));
  root = join(dir, 'logs');
  mkdirSync(root);
  writeFileSync(join(dir, 'shadow'), `root:${SECRET}:19000:0:99999:7:::\n`);
  symlinkSync(join(dir, 'shadow'), join(root, 'innocent.log'));
  writeApplogFile(join(root, 'app.log'), 60_000, { seed: 11 });
  mkdirSync(join(root, 'subdir'));
  execFileSync('mkfifo', [join(root, 'pipe.log')]);
});

afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c.process, 'SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

async function start(script: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<StartedChild> {
  const child = await startChild(script, args, { env });
  children.push(child);
  return child;
}

function coordinator(extra: string[] = []): Promise<StartedChild> {
  return start(coordinatorScript, ['--port', '0', '--state', ':memory:', '--quiet', '--heartbeat-interval', '200', '--data-root', root, ...extra], { LOGANALYZER_TOKEN: TOKEN });
}

function worker(id: string, coordinatorUrl: string, extra: string[] = []): Promise<StartedChild> {
  return start(workerScript, ['--id', id, '--port', '0', '--coordinator', coordinatorUrl, '--concurrency', '1', '--quiet', '--data-root', root, ...extra], { LOGANALYZER_TOKEN: TOKEN });
}

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function activeWorkers(client: CoordinatorClient, count: number) {
  return until(async () => {
    const r = await client.listWorkers();
    const active = r.status === 200 ? r.body.workers.filter((w) => w.status === 'active') : [];
    return active.length === count ? active : undefined;
  }, `${count} active worker(s)`);
}

/** Every route of a contract as a raw request (no typed client, no token unless given). */
async function statusesOf(baseUrl: string, contract: Record<string, { method: string; path: string }>, headers: Record<string, string>) {
  const out: Array<[string, number]> = [];
  for (const [name, route] of Object.entries(contract)) {
    const answer = await axios.request({ url: baseUrl + route.path.replace(':job_id', 'x'), method: route.method, headers, data: {}, validateStatus: () => true });
    out.push([name, answer.status]);
  }
  return out;
}

it('answers 401 on every route of both apps without the token or with a wrong one, and 200 on liveness', async () => {
  const c = await coordinator();
  const w = await worker('guarded', c.url);
  await activeWorkers(createCoordinatorClient(c.url, { token: TOKEN }), 1);

  for (const [url, contract] of [[c.url, coordinatorContract], [w.url, workerContract]] as const) {
    const expected = Object.keys(contract).map((name) => [name, name === 'livez' ? 200 : 401]);
    expect(await statusesOf(url, contract, {})).toStrictEqual(expected);
    expect(await statusesOf(url, contract, { Authorization: `Bearer ${TOKEN.replace(/.$/, 'x')}` })).toStrictEqual(expected);
  }
});

it('refuses files outside the data root at the coordinator and at the worker, and no byte of them comes back', async () => {
  const c = await coordinator();
  const w = await worker('confined', c.url);
  const client = createCoordinatorClient(c.url, { token: TOKEN });
  await activeWorkers(client, 1);
  const passwdLines = readFileSync('/etc/passwd', 'utf8').split('\n').filter((l) => l.length > 8);
  const answers: string[] = [];

  for (const path of ['/etc/shadow', '/etc/passwd', join(root, '..', 'shadow'), join(root, 'innocent.log')]) {
    const r = await client.createJob({ body: { filepath: path } });
    answers.push(`${r.status} ${(r.body as { error?: string }).error}`);
    const text = JSON.stringify(r.body);
    expect(text).not.toContain(SECRET);
    for (const line of passwdLines) expect(text).not.toContain(line);
  }
  // A token holder sending a chunk straight to the worker is confined by the worker's own root.
  const workerClient = createWorkerClient(w.url, { token: TOKEN });
  const direct = await workerClient.processChunk({
    body: { job_id: 'j', chunk_id: 0, attempt: 1, lease_token: 'a'.repeat(32), input: { kind: 'file', path: join(root, 'innocent.log') }, snapshot: { size: 10, mtime_ms: 0, dev: 0, ino: 0 }, start: 0, size: 10 },
  });

  // Inside the root, what is not a regular file is refused too (a FIFO would hang a reader).
  for (const path of [join(root, 'pipe.log'), join(root, 'subdir')]) {
    const r = await client.createJob({ body: { filepath: path } });
    answers.push(`${r.status} ${(r.body as { error?: string }).error}`);
  }
  // Oversized bodies are refused before they are parsed, on both apps.
  const hugeJob = await axios.post(`${c.url}/jobs`, { inputs: Array(100_000).fill(join(root, 'app.log')) }, { headers: { Authorization: `Bearer ${TOKEN}` }, validateStatus: () => true, maxBodyLength: Infinity });
  const hugeTask = await axios.post(`${w.url}/process_chunk`, { log_format: 'x'.repeat(100_000) }, { headers: { Authorization: `Bearer ${TOKEN}` }, validateStatus: () => true });
  answers.push(`${hugeJob.status} ${hugeJob.data.error}`, `${hugeTask.status} ${hugeTask.data.error}`);

  expect(answers).toStrictEqual([
    '403 input_forbidden', '403 input_forbidden', '403 input_forbidden', '403 input_forbidden',
    '400 input_not_regular_file', '400 input_not_regular_file',
    '413 body_too_large', '413 body_too_large',
  ]);
  expect([direct.status, (direct.body as { error?: string }).error]).toStrictEqual([403, 'input_forbidden']);
  expect(JSON.stringify(direct.body)).not.toContain(SECRET);
  const jobs = await client.listJobs();
  expect(jobs.status === 200 && jobs.body.jobs).toStrictEqual([]);
});

it('refuses forged results carrying a real worker id, counts them, and still completes the job exactly', async () => {
  const c = await coordinator();
  const client = createCoordinatorClient(c.url, { token: TOKEN });
  await worker('honest', c.url);
  await activeWorkers(client, 1);
  const log = join(root, 'app.log');
  const created = await client.createJob({ body: { filepath: log, chunk_size: 256 * 1024 } });
  if (created.status !== 201) throw new Error(`POST /jobs answered ${created.status}`);
  const jobId = created.body.job_id;

  // What the forger knows: the worker's id (GET /workers) and the job; not the lease tokens, which only the holder was sent.
  const inflated = { ...analyzeRange(log, 0, 256 * 1024), request_count: 184_143_306 };
  const forged = [];
  for (let chunk = 0; chunk < 5; chunk++) {
    const key = { worker_id: 'honest', job_id: jobId, chunk_id: chunk, attempt: 1, lease_token: chunk.toString(16).padStart(32, 'f') };
    const r = chunk < 3 ? await client.reportMetrics({ body: { ...key, metrics: inflated } }) : await client.reportChunkFailure({ body: { ...key, error: 'forged' } });
    forged.push(r.status);
  }
  const job = await waitForJob(client, jobId, { pollIntervalMs: 100 });

  expect(forged).toStrictEqual([409, 409, 409, 409, 409]);
  expect([job.status, job.progress.results_refused]).toStrictEqual(['completed', 5]);
  expect(job.metrics).toStrictEqual(await analyzeFile(log));
});

it('refuses a registration naming a metadata address, and one taking a live worker\'s id; a restart with the same id works', async () => {
  const c = await coordinator();
  const client = createCoordinatorClient(c.url, { token: TOKEN });
  const metadata = await client.register({ body: { worker_id: 'evil', port: 80, host: '169.254.169.254' } });
  const original = await worker('w1', c.url);
  const [first] = await activeWorkers(client, 1);

  const thief = await client.register({ body: { worker_id: 'w1', port: 9, host: '127.0.0.1' } });
  await stopChild(original.process, 'SIGKILL');
  const restarted = await worker('w1', c.url);
  const after = await until(async () => {
    const r = await client.listWorkers();
    const entry = r.status === 200 ? r.body.workers.find((x) => x.worker_id === 'w1') : undefined;
    return entry && entry.url !== first.url && entry.status === 'active' ? entry : undefined;
  }, 'the restarted worker');

  expect([metadata.status, (metadata.body as { error?: string }).error]).toStrictEqual([403, 'host_not_allowed']);
  expect([thief.status, (thief.body as { message?: string }).message]).toStrictEqual([409, `worker w1 is live at ${first.url}; this registration is for http://127.0.0.1:9: give the new worker another --id`]);
  expect(after.url).toBe(restarted.url.replace('localhost', '127.0.0.1'));
});

it('keeps a job exact when a worker is sent SIGTERM mid-job: it finishes or hands back its chunks and exits 0', async () => {
  const c = await coordinator(['--max-attempts', '1']);
  const client = createCoordinatorClient(c.url, { token: TOKEN });
  const leaving = await worker('leaving', c.url, ['--shutdown-grace', '300']);
  await worker('staying', c.url);
  await activeWorkers(client, 2);
  const log = join(root, 'app.log');
  const created = await client.createJob({ body: { filepath: log, chunk_size: 64 * 1024 } });
  if (created.status !== 201) throw new Error(`POST /jobs answered ${created.status}`);

  await until(async () => {
    const r = await client.getJob({ params: { job_id: created.body.job_id } });
    return r.status === 200 && r.body.progress.chunks_done >= 2 ? true : undefined;
  }, 'two committed chunks');
  const exit = new Promise<number | null>((resolve) => leaving.process.once('exit', (code) => resolve(code)));
  leaving.process.kill('SIGTERM');
  const job = await waitForJob(client, created.body.job_id, { pollIntervalMs: 100 });

  // --max-attempts 1: a chunk lost rather than handed back would have failed the job.
  expect([await exit, job.status]).toStrictEqual([0, 'completed']);
  expect(job.metrics).toStrictEqual(await analyzeFile(log));
  const workers = await client.listWorkers();
  expect(workers.status === 200 && workers.body.workers.map((x) => x.worker_id)).toStrictEqual(['staying']);
});

it('runs a job over TLS end to end: coordinator and worker on HTTPS with a certificate made by openssl', async () => {
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdio: 'ignore' });
  const tls = ['--tls-cert', cert, '--tls-key', key];
  const c = await coordinator([...tls, '--ca', cert]);
  expect(c.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  await worker('secure', c.url, [...tls, '--ca', cert]);
  const client = createCoordinatorClient(c.url, { token: TOKEN, ca: readFileSync(cert) });
  const [entry] = await activeWorkers(client, 1);
  const log = join(root, 'app.log');

  const created = await client.createJob({ body: { filepath: log, chunk_size: 1024 * 1024 } });
  if (created.status !== 201) throw new Error(`POST /jobs answered ${created.status}`);
  const job = await waitForJob(client, created.body.job_id, { pollIntervalMs: 100 });
  const untrusted = await createCoordinatorClient(c.url, { token: TOKEN }).listJobs().then(() => 'answered', (err: NodeJS.ErrnoException) => err.code);

  expect(entry.url).toMatch(/^https:\/\//);
  expect(job.status).toBe('completed');
  expect(job.metrics).toStrictEqual(await analyzeFile(log));
  expect(untrusted).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

it('frees the port when SIGTERM is sent to the `pnpm coordinator` process itself', async () => {
  const port = await freePort();
  const pnpm = spawn('pnpm', ['coordinator', '--port', String(port), '--state', ':memory:'], { cwd: repoRoot, stdio: 'ignore' });
  try {
    await until(async () => ((await axios.get(`http://127.0.0.1:${port}/livez`, { timeout: 1000 })).status === 200 ? true : undefined), 'pnpm coordinator to listen', 60_000);
    const exited = new Promise((resolve) => pnpm.once('exit', resolve));
    pnpm.kill('SIGTERM');
    await exited;

    expect(await until(async () => ((await portIsFree(port)) ? true : undefined), 'the port to be free', 10_000)).toBe(true);
  } finally {
    pnpm.kill('SIGKILL');
  }
});
