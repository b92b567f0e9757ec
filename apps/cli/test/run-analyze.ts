// Runs the built `analyze` command as a user would, collecting what it prints.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const analyzeScript = join(__dirname, '..', 'dist', 'analyze-main.js');

export interface AnalyzeRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** `env` is laid over ours; a variable set to '' counts as unset for the token. */
export function runAnalyze(args: string[], env: NodeJS.ProcessEnv = {}): Promise<AnalyzeRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [analyzeScript, ...args], { env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - started }));
  });
}
