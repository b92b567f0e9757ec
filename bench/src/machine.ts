// The facts that make two bench results comparable: CPU, cores, memory, Node and the commit measured.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem } from 'node:os';

export interface MachineFacts {
  cpu_model: string;
  cores: number;
  memory_gib: number;
  kernel: string;
  node: string;
  commit: string | null;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews figures. */
  load_average: number[];
}

function cpuModel(): string {
  try {
    const match = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match) return match[1].trim();
  } catch {
    // not Linux: fall back to what Node reports
  }
  return cpus()[0]?.model ?? 'unknown';
}

function gitCommit(repoRoot: string): string | null {
  const run = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : null;
}

export function machineFacts(repoRoot: string): MachineFacts {
  return {
    cpu_model: cpuModel(),
    cores: availableParallelism(),
    memory_gib: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel: release(),
    node: process.version,
    commit: gitCommit(repoRoot),
    load_average: loadavg().map((load) => Math.round(load * 100) / 100),
  };
}
