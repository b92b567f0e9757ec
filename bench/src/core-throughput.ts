// Core throughput on one thread: analyzeFilePartial over a whole file in a fresh process per run,
// with the file already in the page cache.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { BenchInput } from './inputs';
import { warmPageCache } from './inputs';
import { bestOf, mbPerSecond, perSecond } from './measure';

export interface CoreThroughput {
  format: string;
  bytes: number;
  lines: number;
  seconds: number;
  mb_per_s: number;
  lines_per_s: number;
  run_seconds: number[];
}

const childScript = join(__dirname, 'core-throughput-main.js');

export interface CoreRun {
  lines: number;
  bytes: number;
  seconds: number;
  cpu_seconds: number;
}

/** One analyzeFilePartial pass over the input in a fresh process, read as `format` (the input's own by default). */
export function runCoreChild(input: BenchInput, format: string = input.format): CoreRun {
  const child = spawnSync(process.execPath, [childScript, input.path, format], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`core throughput run on ${input.path} failed (${child.signal ?? child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout) as CoreRun;
}

/**
 * The input read as its own format, or as `format` (`auto`, which a user gets without --format): then
 * labelled `applog as auto`, a row of its own that no end-to-end row or target is matched with.
 */
export async function measureCoreThroughput(input: BenchInput, runs: number, format: string = input.format): Promise<CoreThroughput> {
  warmPageCache(input.path);
  const { best, runSeconds } = await bestOf(runs, () => runCoreChild(input, format));
  return {
    format: format === input.format ? input.format : `${input.format} as ${format}`,
    bytes: best.bytes,
    lines: best.lines,
    seconds: best.seconds,
    mb_per_s: mbPerSecond(best.bytes, best.seconds),
    lines_per_s: perSecond(best.lines, best.seconds),
    run_seconds: runSeconds,
  };
}
