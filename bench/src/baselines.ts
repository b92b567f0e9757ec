// The yardsticks on the same files: `wc -l` (the cost of just scanning for newlines), an awk script
// computing the seed's four metrics, and GoAccess when it is installed.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { BenchInput } from './inputs';
import { warmPageCache } from './inputs';
import { bestOf, mbPerSecond, secondsSince } from './measure';

export interface BaselineRun {
  tool: string;
  command: string;
  format: string;
  bytes: number;
  seconds: number;
  mb_per_s: number;
  /** The tool's stdout, trimmed: what it computed. */
  output: string;
  run_seconds: number[];
}

/**
 * The seed's metrics for applog lines `YYYY-MM-DD HH:MM:SS.fff LEVEL message`: an error is level
 * ERROR, FATAL or CRITICAL; a request is a line whose message says `in <number>ms`.
 */
export const SEED_METRICS_AWK = `
$3 == "ERROR" || $3 == "FATAL" || $3 == "CRITICAL" { errors++ }
match($0, / in [0-9]+(\\.[0-9]+)?ms/) { requests++; total += substr($0, RSTART + 4, RLENGTH - 6) }
END { printf "error_count=%d request_count=%d total_response_time=%.3f avg_response_time=%.3f\\n", errors, requests, total, requests ? total / requests : 0 }
`;

export function findOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function timeCommand(file: string, args: string[]): { seconds: number; stdout: string } {
  const start = process.hrtime.bigint();
  const run = spawnSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
  const seconds = secondsSince(start);
  if (run.error) throw run.error;
  if (run.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${run.signal ?? run.status}):\n${run.stderr}`);
  return { seconds, stdout: run.stdout.trim() };
}

async function measureCommand(tool: string, file: string, args: string[], input: BenchInput, runs: number, shownCommand: string): Promise<BaselineRun> {
  warmPageCache(input.path);
  const { best, runSeconds } = await bestOf(runs, () => timeCommand(file, args));
  return {
    tool,
    command: shownCommand,
    format: input.format,
    bytes: input.bytes,
    seconds: best.seconds,
    mb_per_s: mbPerSecond(input.bytes, best.seconds),
    output: best.stdout,
    run_seconds: runSeconds,
  };
}

export function measureWcLines(input: BenchInput, runs: number): Promise<BaselineRun> {
  return measureCommand('wc -l', 'wc', ['-l', input.path], input, runs, `wc -l ${input.path}`);
}

/** mawk when it is installed (the fast awk), else whatever awk is on the PATH. */
export function measureAwkSeedMetrics(input: BenchInput, runs: number): Promise<BaselineRun> {
  const awk = findOnPath('mawk') ?? findOnPath('awk');
  if (awk === null) throw new Error('neither mawk nor awk is on the PATH');
  const tool = awk.endsWith('mawk') ? 'mawk' : 'awk';
  return measureCommand(tool, awk, [SEED_METRICS_AWK, input.path], input, runs, `${awk} '<seed metrics script>' ${input.path}`);
}

const GOACCESS_COMBINED_WITH_TIME = '%h %^[%d:%t %^] "%r" %s %b "%R" "%u" %T';

/** GoAccess on an access log, writing its JSON report to a scratch file; null when it is not installed. */
export async function measureGoaccess(input: BenchInput, runs: number): Promise<BaselineRun | null> {
  const goaccess = findOnPath('goaccess');
  if (goaccess === null) return null;
  const scratch = mkdtempSync(join(tmpdir(), 'bench-goaccess-'));
  try {
    const args = [input.path, '--no-global-config', `--log-format=${GOACCESS_COMBINED_WITH_TIME}`, '--date-format=%d/%b/%Y', '--time-format=%H:%M:%S', '-o', join(scratch, 'report.json')];
    const run = await measureCommand('goaccess', goaccess, args, input, runs, `goaccess ${args.map((a) => (a.includes(' ') ? `'${a}'` : a)).join(' ')}`);
    return { ...run, output: '(JSON report discarded)' };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
