// `analyze --coordinator URL` against a coordinator that wants a cluster token: without the right one it
// fails at once with one line saying what to pass; with it (--token, --token-file or LOGANALYZER_TOKEN)
// the job runs. Over https, --ca trusts a self-signed certificate.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordinatorClient, Job, MetricsReport } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { startChild, StartedChild, stopChild } from '../src/child-process';
import { coordinatorScript, workerScript } from '../src/local-cluster';
import { runAnalyze } from './run-analyze';

jest.setTimeout(120_000);

const TOKEN = randomBytes(16).toString('hex');
/** No token from the environment this test runs in. */
const NO_ENV_TOKEN = { LOGANALYZER_TOKEN: '' };
let dir: string;
let logfile: string;
let expected: MetricsReport;
const children: StartedChild[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-remote-'));
  logfile = join(dir, 'app.log');
  writeApplogFile(logfile, 20_000, { seed: 5 });
  expected = await analyzeFile(logfile);
});

afterAll(async () => {
  await Promise.all(children.map((c) => stopChild(c.process, 'SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

/** A coordinator given the token on its command line, as an operator would, and one worker with it. */
async function startCluster(coordinatorArgs: string[] = [], workerArgs: string[] = [], ca?: Buffer): Promise<string> {
  const coordinator = await startChild(coordinatorScript, ['--port', '0', '--state', ':memory:', '--token', TOKEN, '--quiet', ...coordinatorArgs]);
  children.push(coordinator);
  const worker = await startChild(workerScript, ['--id', 'remote-1', '--port', '0', '--coordinator', coordinator.url, '--concurrency', '1', '--quiet', ...workerArgs], { env: { LOGANALYZER_TOKEN: TOKEN } });
  children.push(worker);
  const client = createCoordinatorClient(coordinator.url, { token: TOKEN, ca });
  const deadline = Date.now() + 20_000;
  for (;;) {
    const r = await client.listWorkers();
    if (r.status === 200 && r.body.workers.some((w) => w.worker_id === 'remote-1' && w.status === 'active')) return coordinator.url;
    if (Date.now() > deadline) throw new Error('the worker did not register');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('a coordinator that wants a token', () => {
  let url: string;

  beforeAll(async () => {
    url = await startCluster();
  });

  it('fails at once with one line asking for a token when none is given', async () => {
    const result = await runAnalyze([logfile, '--json', '--coordinator', url], NO_ENV_TOKEN);

    expect([result.code, result.stdout]).toStrictEqual([3, '']);
    expect(result.stderr).toBe(`analyze: the coordinator at ${url} needs a token: pass --token, --token-file or LOGANALYZER_TOKEN\n`);
    // Retrying would take the minute it rides out an unreachable coordinator for.
    expect(result.elapsedMs).toBeLessThan(10_000);
  });

  it('fails at once with one line saying the token was refused when it is not the cluster token', async () => {
    const result = await runAnalyze([logfile, '--json', '--coordinator', url, '--token', randomBytes(16).toString('hex')], NO_ENV_TOKEN);

    expect([result.code, result.stdout]).toStrictEqual([3, '']);
    expect(result.stderr).toBe(`analyze: the coordinator at ${url} refused the token: pass its cluster token with --token, --token-file or LOGANALYZER_TOKEN\n`);
    expect(result.elapsedMs).toBeLessThan(10_000);
  });

  it('runs the job given --token, with metrics equal to a single pass', async () => {
    const result = await runAnalyze([logfile, '--json', '--coordinator', url, '--token', TOKEN], NO_ENV_TOKEN);

    expect([result.code, result.stderr]).toStrictEqual([0, '']);
    const job = JSON.parse(result.stdout) as Job;
    expect(job.status).toBe('completed');
    expect(job.metrics).toStrictEqual(expected);
  });

  it('takes the token from --token-file, and from LOGANALYZER_TOKEN', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });

    const fromFile = await runAnalyze([logfile, '--json', '--coordinator', url, '--token-file', tokenFile], NO_ENV_TOKEN);
    const fromEnv = await runAnalyze([logfile, '--json', '--coordinator', url], { LOGANALYZER_TOKEN: TOKEN });

    expect([fromFile.code, fromFile.stderr, (JSON.parse(fromFile.stdout) as Job).status]).toStrictEqual([0, '', 'completed']);
    expect([fromEnv.code, fromEnv.stderr, (JSON.parse(fromEnv.stdout) as Job).status]).toStrictEqual([0, '', 'completed']);
  });

  it('names the token file it cannot read', async () => {
    const missing = join(dir, 'no-such-token');

    const result = await runAnalyze([logfile, '--coordinator', url, '--token-file', missing], NO_ENV_TOKEN);

    expect([result.code, result.stdout]).toStrictEqual([2, '']);
    expect(result.stderr).toBe(`analyze: cannot read --token-file ${missing}: ENOENT\n`);
  });
});

describe('a coordinator on https with a self-signed certificate', () => {
  let url: string;
  let cert: string;

  beforeAll(async () => {
    const key = join(dir, 'key.pem');
    cert = join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
    url = await startCluster(['--tls-cert', cert, '--tls-key', key], ['--ca', cert], readFileSync(cert));
  });

  it('runs the job when --ca trusts its certificate', async () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const result = await runAnalyze([logfile, '--json', '--coordinator', url, '--token', TOKEN, '--ca', cert], NO_ENV_TOKEN);

    expect([result.code, result.stderr]).toStrictEqual([0, '']);
    expect((JSON.parse(result.stdout) as Job).metrics).toStrictEqual(expected);
  });

  it('without --ca, fails with one line naming the certificate problem and --ca', async () => {
    const result = await runAnalyze([logfile, '--coordinator', url, '--token', TOKEN], NO_ENV_TOKEN);

    expect([result.code, result.stdout]).toStrictEqual([3, '']);
    expect(result.stderr).toBe(`analyze: cannot reach the coordinator at ${url}: self-signed certificate (pass the certificate to trust with --ca)\n`);
  });
});
