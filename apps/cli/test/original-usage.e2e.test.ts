// The original commands, typed exactly as the README shows them, through pnpm from the repo root.
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordinatorClient } from '@loganalyzer/contract';

jest.setTimeout(120_000);

const repoRoot = join(__dirname, '..', '..', '..');
const started: ChildProcess[] = [];
// The commands stay as written; their state file goes to a temp dir instead of the checkout.
const stateDir = mkdtempSync(join(tmpdir(), 'loganalyzer-original-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

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

/** `pnpm <args>` in its own process group, so the whole tree (pnpm, sh, node) can be stopped. */
function pnpm(args: string[]): ChildProcess {
  const env = { ...process.env, LOGANALYZER_STATE: join(stateDir, `${started.length}.db`) };
  const child = spawn('pnpm', args, { cwd: repoRoot, detached: true, stdio: 'ignore', env });
  started.push(child);
  return child;
}

afterEach(() => {
  for (const child of started.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGTERM');
    } catch {
      // already gone
    }
  }
});

async function eventually<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out; last error: ${String(lastError)}`);
}

it('runs `pnpm coordinator --port P` and `pnpm worker --id worker1 --port Q --coordinator http://localhost:P`', async () => {
  const [coordinatorPort, workerPort] = [await freePort(), await freePort()];
  pnpm(['coordinator', '--port', String(coordinatorPort)]);
  pnpm(['worker', '--id', 'worker1', '--port', String(workerPort), '--coordinator', `http://localhost:${coordinatorPort}`]);

  const client = createCoordinatorClient(`http://localhost:${coordinatorPort}`, { timeoutMs: 2000 });
  const worker = await eventually(async () => {
    const r = await client.listWorkers();
    return r.status === 200 ? r.body.workers.find((w) => w.worker_id === 'worker1' && w.status === 'active') : undefined;
  });

  expect(worker.url).toMatch(new RegExp(`:${workerPort}$`));
});
