// The bench command line: input size, runs per measurement, seed, output mode.
import { parseArgs } from 'node:util';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

export const DEFAULT_SIZE = GiB;
export const QUICK_SIZE = 64 * MiB;

export interface BenchOptions {
  /** Bytes per generated input file. */
  size: number;
  /** Runs per measurement; the best counts. */
  runs: number;
  seed: number;
  /** Threads per worker of the 2-worker cluster; undefined keeps the embedded cluster's default (the CPU count shared among its workers). */
  workerConcurrency: number | undefined;
  /** Print the JSON result on stdout instead of the table. */
  json: boolean;
  /** Also run DuckDB, chDB and mawk on every core over the same files (installed into the bench cache). */
  peers: boolean;
}

export const USAGE = `usage: pnpm bench [--size 256MiB | --quick] [--runs 3] [--seed 1] [--worker-concurrency N] [--json]

  --size                 bytes per input file: a number with an optional KiB/MiB/GiB (or K/M/G) suffix; default 1GiB
  --quick                the same as --size 64MiB
  --runs                 runs per measurement, the best counts; default 3
  --seed                 generator seed; default 1
  --worker-concurrency   threads per worker in the 2-worker cluster; default: the CPU count shared among the workers
  --peers                also run DuckDB, chDB (ClickHouse) and mawk on every core over the same files, beside wc -l;
                         installs @duckdb/node-api and chdb (~550 MB) into .bench-cache/peers on first use
  --json                 print the JSON result instead of the table`;

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, m: MiB, mib: MiB, g: GiB, gib: GiB };

export function parseSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`--size: expected e.g. 256MiB or 1GiB, got '${text}'`);
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < MiB) throw new Error(`--size must be at least 1MiB, got '${text}'`);
  return bytes;
}

function positiveInteger(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got '${text}'`);
  return value;
}

export function parseBenchOptions(args: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      size: { type: 'string' },
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      seed: { type: 'string' },
      'worker-concurrency': { type: 'string' },
      json: { type: 'boolean', default: false },
      peers: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.quick && values.size !== undefined) throw new Error('give --size or --quick, not both');
  return {
    size: values.quick ? QUICK_SIZE : values.size !== undefined ? parseSize(values.size) : DEFAULT_SIZE,
    runs: positiveInteger('runs', values.runs, 3)!,
    seed: positiveInteger('seed', values.seed, 1)!,
    workerConcurrency: positiveInteger('worker-concurrency', values['worker-concurrency'], undefined),
    json: values.json ?? false,
    peers: values.peers ?? false,
  };
}
