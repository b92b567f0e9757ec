// `analyze --coordinator` as users type it and as it goes wrong: an address without a scheme, a
// coordinator that is not there or never answers (exit 3, one line naming it), and a job that fails
// (exit 1, the reason on stderr and no report of zeros on stdout).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@loganalyzer/contract';
import { analyzeFile } from '@loganalyzer/core';
import { writeApplogFile } from '@loganalyzer/core/testing';
import { PROBE_TIMEOUT_MS } from '../src/coordinator-probe';
import { LocalCluster } from '../src/local-cluster';
import { closedPort } from './closed-port';
import { runAnalyze } from './run-analyze';

jest.setTimeout(120_000);

let dir: string;
let logfile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-coord-'));
  logfile = join(dir, 'app.log');
  writeApplogFile(logfile, 5000, { seed: 9 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('takes --coordinator without a scheme as http://', async () => {
  const cluster = await LocalCluster.start({ workers: 1, concurrency: 1 });
  try {
    const bare = cluster.coordinatorUrl.replace(/^http:\/\//, '');
    expect(bare).toMatch(/^127\.0\.0\.1:\d+$/);

    const result = await runAnalyze([logfile, '--json', '--coordinator', bare], { LOGANALYZER_TOKEN: cluster.token });

    expect([result.code, result.stderr]).toStrictEqual([0, '']);
    expect((JSON.parse(result.stdout) as Job).metrics).toStrictEqual(await analyzeFile(logfile));
  } finally {
    await cluster.stop();
  }
});

it('names a coordinator nothing listens at in one line, with exit code 3', async () => {
  const port = await closedPort();

  const result = await runAnalyze([logfile, '--coordinator', `localhost:${port}`, '--token', 'a'.repeat(32)]);

  expect([result.code, result.stdout]).toStrictEqual([3, '']);
  expect(result.stderr).toMatch(new RegExp(`^analyze: cannot reach the coordinator at http://localhost:${port}: connect ECONNREFUSED (127\\.0\\.0\\.1|::1):${port}\\n$`));
});

describe('a coordinator that accepts connections and never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('gives up on it after the probe timeout with one line naming it, instead of waiting on', async () => {
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

    const result = await runAnalyze([logfile, '--coordinator', url, '--token', 'a'.repeat(32)]);

    expect([result.code, result.stdout, result.stderr]).toStrictEqual([3, '', `analyze: cannot reach the coordinator at ${url}: timeout of ${PROBE_TIMEOUT_MS}ms exceeded\n`]);
  });
});

it('prints only the reason of a failed job, with exit code 1 and nothing on stdout', async () => {
  // The worker may read only another directory, so every attempt fails and one failure fails the job.
  const elsewhere = join(dir, 'elsewhere');
  mkdirSync(elsewhere);
  const cluster = await LocalCluster.start({ workers: 1, concurrency: 1, coordinatorArgs: ['--max-attempts', '1'], workerArgs: ['--data-root', elsewhere] });
  try {
    const result = await runAnalyze([logfile, '--coordinator', cluster.coordinatorUrl], { LOGANALYZER_TOKEN: cluster.token });

    expect([result.code, result.stdout]).toStrictEqual([1, '']);
    // Which chunk fails first, and the worker's port, vary; the rest is exact.
    const chunk = `chunk N (${logfile}, bytes A–B)`;
    expect(result.stderr.replace(/127\.0\.0\.1:\d+/, 'WORKER').replace(/chunk \d+ \(([^,]+), bytes \d+–\d+\)/g, 'chunk N ($1, bytes A–B)')).toBe(
      `analyze: job failed: ${chunk} failed 1 time(s); last error: sending ${chunk} failed: worker at http://WORKER answered 403: ${logfile} is outside the data root (${elsewhere})\n`,
    );
  } finally {
    await cluster.stop();
  }
});
