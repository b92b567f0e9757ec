// The built coordinator and worker CLIs as child processes on loopback, for the end-to-end tests of
// this package (the CLI package has the full embedded cluster; it depends on us, so we cannot use it).
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const coordinatorScript = join(__dirname, '..', 'dist', 'main.js');
export const workerScript = require.resolve('@loganalyzer/worker/dist/main.js');

export interface AppProcess {
  process: ChildProcess;
  url: string;
  /** Everything it printed on stdout so far. */
  stdout: string[];
  stderr: string[];
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<number | string>;
}

/** Starts `node script args` with the token in its environment and resolves once it prints where it listens. */
export function startApp(script: string, args: string[], token: string): Promise<AppProcess> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOGANALYZER_TOKEN: token } });
  const stdout: string[] = [];
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code ?? -1)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start listening within 20 s\n${stderr.join('\n')}`));
    }, 20_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      stdout.push(line);
      const match = /listening on (https?:\/\/\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, url: match[1], stdout, stderr, exited });
      }
    });
    void exited.then((how) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${how}) before listening\n${stderr.join('\n')}`));
    });
  });
}

export function startCoordinator(token: string, extraArgs: string[] = []): Promise<AppProcess> {
  return startApp(coordinatorScript, ['--port', '0', '--host', '127.0.0.1', '--state', ':memory:', '--quiet', '--exit-with-pid', String(process.pid), ...extraArgs], token);
}

export function startWorker(id: string, coordinatorUrl: string, token: string, concurrency = 2): Promise<AppProcess> {
  return startApp(
    workerScript,
    ['--id', id, '--port', '0', '--host', '127.0.0.1', '--coordinator', coordinatorUrl, '--advertise-host', '127.0.0.1', '--concurrency', String(concurrency), '--quiet', '--exit-with-pid', String(process.pid)],
    token,
  );
}

/** SIGTERM, then SIGKILL after 5 s; resolves once it has exited. */
export async function stopApp(app: AppProcess | undefined): Promise<void> {
  if (!app || app.process.exitCode !== null || app.process.signalCode !== null) return;
  const timer = setTimeout(() => app.process.kill('SIGKILL'), 5000);
  app.process.kill('SIGTERM');
  await app.exited;
  clearTimeout(timer);
}
