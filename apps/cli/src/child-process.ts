// Starting one app CLI as a child process and learning its URL from the line it prints when listening.
import { ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface StartedChild {
  process: ChildProcess;
  url: string;
  /** The last lines the child wrote to stderr, for error messages. */
  recentStderr(): string;
}

export interface StartChildOptions {
  /** Copy the child's stderr to ours. */
  inheritStderr?: boolean;
  readyTimeoutMs?: number;
  /** Variables set for the child on top of ours (secrets go here, not in args: argv is public in `ps`). */
  env?: NodeJS.ProcessEnv;
  /** Options for node itself, before the script (V8 flags). */
  nodeArgs?: readonly string[];
}

const LISTENING = /listening on (https?:\/\/\S+)/;

export function startChild(script: string, args: string[], options: StartChildOptions = {}): Promise<StartedChild> {
  const env = options.env ? { ...process.env, ...options.env } : process.env;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  const stderrLines: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrLines.push(line);
    if (stderrLines.length > 50) stderrLines.shift();
    if (options.inheritStderr) process.stderr.write(line + '\n');
  });
  const recentStderr = (): string => stderrLines.join('\n');

  return new Promise((resolve, reject) => {
    const timeoutMs = options.readyTimeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not start listening within ${timeoutMs} ms\n${recentStderr()}`));
    }, timeoutMs);
    const stdout = createInterface({ input: child.stdout! });
    stdout.on('line', (line) => {
      const match = LISTENING.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ process: child, url: match[1], recentStderr });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${signal ?? code}) before listening\n${recentStderr()}`));
    });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** Sends a signal and resolves when the child has exited. */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
