// The built worker CLI (dist/main.js) as a child process, for the tests of what main.ts wires
// together: flags, binding, the start-up lines, signals and exit codes.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const WORKER_MAIN = join(__dirname, '..', 'dist', 'main.js');

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WorkerProcess {
  child: ChildProcess;
  stdout: string[];
  stderr: string[];
  exited: Promise<Exit>;
}

const started: ChildProcess[] = [];

/** The environment of a worker started by a test: ours, without a cluster token unless given. */
function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { LOGANALYZER_TOKEN: _ignored, ...rest } = process.env;
  return { ...rest, ...env };
}

export function spawnWorker(args: string[], env: NodeJS.ProcessEnv = {}): WorkerProcess {
  if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: build the worker first (npx tsc -p tsconfig.build.json)`);
  const child = spawn(process.execPath, [WORKER_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv(env) });
  started.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, stdout, stderr, exited };
}

/** Starts a worker and resolves with its URL once it prints that it is listening. */
export async function startWorker(args: string[], env: NodeJS.ProcessEnv = {}, limitMs = 20_000): Promise<WorkerProcess & { url: string }> {
  const worker = spawnWorker(args, env);
  const deadline = Date.now() + limitMs;
  let exit: Exit | null = null;
  void worker.exited.then((e) => (exit = e));
  for (;;) {
    const match = worker.stdout.map((line) => /listening on (https?:\/\/\S+)/.exec(line)).find((m) => m !== null);
    if (match) return { ...worker, url: match[1] };
    if (exit !== null) throw new Error(`the worker exited (${JSON.stringify(exit)}) before listening:\n${worker.stderr.join('\n')}`);
    if (Date.now() > deadline) throw new Error(`the worker did not listen within ${limitMs} ms:\n${worker.stderr.join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** SIGKILLs every worker a test started that is still running. */
export async function killStartedWorkers(): Promise<void> {
  await Promise.all(
    started.splice(0).map((child) => {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }),
  );
}
