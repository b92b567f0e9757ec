// mawk on every core: the file cut at line starts into one byte range per process, each range fed to
// its own mawk through tail | head, the per-process sums added up. The way a shell user spreads awk
// over the cores; its figure is the wall time of the slowest process.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readSync } from 'node:fs';
import type { BenchInput, InputFormat } from '../inputs';
import { findOnPath } from '../baselines';
import { secondsSince } from '../measure';
import { APPLOG_ERROR_LEVELS } from './peer-queries';

/** Per format, an awk program printing `name=sum` fields that add up across ranges; null: none. */
const SUM_SCRIPTS: Record<InputFormat, string | null> = {
  applog: `
$3 ~ /^(${APPLOG_ERROR_LEVELS.join('|')})$/ { errors++ }
match($0, / in [0-9]+(\\.[0-9]+)? ?(ms|us|µs|s)([^A-Za-z0-9_]|$)/) {
  requests++; d = substr($0, RSTART + 4, RLENGTH - 4); v = d + 0
  if (d ~ /ms/) total += v; else if (d ~ /us|µs/) total += v / 1000; else total += v * 1000
}
END { printf "lines=%d errors=%d requests=%d total_ms=%.3f\\n", NR, errors, requests, total }
`,
  combined: `
$9 ~ /^[0-9][0-9][0-9]$/ { requests++; if ($9 >= 500) errors++; bytes += $10; total += $NF * 1000 }
END { printf "lines=%d errors=%d requests=%d total_ms=%.3f bytes_sent=%.0f\\n", NR, errors, requests, total, bytes }
`,
  json: null,
};

/** Where each of `parts` ranges starts: 0, then the first line start at or after each even cut. */
export function lineAlignedStarts(path: string, size: number, parts: number): number[] {
  const starts = [0];
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(1 << 16);
  try {
    for (let part = 1; part < parts; part++) {
      let at = Math.max(Math.floor((size * part) / parts), starts[starts.length - 1]);
      for (;;) {
        const n = readSync(fd, buffer, 0, buffer.length, at);
        if (n === 0) {
          at = size;
          break;
        }
        const newline = buffer.subarray(0, n).indexOf(0x0a);
        if (newline >= 0) {
          at += newline + 1;
          break;
        }
        at += n;
      }
      starts.push(at);
    }
  } finally {
    closeSync(fd);
  }
  return starts;
}

function runRange(mawk: string, script: string, path: string, start: number, length: number): Promise<string> {
  return new Promise((resolve, reject) => {
    // Arguments as positional parameters: no quoting of paths or the script.
    const child = spawn('sh', ['-c', 'tail -c +"$1" "$2" | head -c "$3" | "$4" "$5"', 'sh', String(start + 1), path, String(length), mawk, script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`mawk over bytes ${start}+${length} of ${path} exited ${code}: ${err.trim()}`))));
  });
}

/** Adds up `name=number` fields of each process's output. */
export function addSums(outputs: string[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const output of outputs) {
    for (const field of output.split(/\s+/)) {
      const [name, value] = field.split('=');
      if (name && value !== undefined) sums[name] = (sums[name] ?? 0) + Number(value);
    }
  }
  return sums;
}

/** One timed run of mawk over `processes` ranges; null when mawk is missing or the format has no script. */
export async function runMawkParallel(input: BenchInput, processes: number): Promise<{ seconds: number; row: Record<string, number> } | null> {
  const mawk = findOnPath('mawk');
  const script = SUM_SCRIPTS[input.format];
  if (mawk === null || script === null) return null;
  const starts = lineAlignedStarts(input.path, input.bytes, processes);
  const ends = [...starts.slice(1), input.bytes];
  const start = process.hrtime.bigint();
  const outputs = await Promise.all(starts.map((from, i) => runRange(mawk, script, input.path, from, ends[i] - from)));
  return { seconds: secondsSince(start), row: addSums(outputs) };
}
