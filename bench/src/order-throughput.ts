// Core throughput, one thread, of each order pair: the file in time order and the same lines out of
// order, run in turn (A B A B …) in fresh processes, so that a shared machine's drift falls on both.
// The ratio is taken run pair by run pair, then the median of those.
import { runCoreChild } from './core-throughput';
import type { BenchInput } from './inputs';
import { warmPageCache } from './inputs';
import { mbPerSecond, spread } from './measure';
import type { OrderPair } from './order-inputs';

/** At least this many runs of each file: one pair of runs says little on a shared machine. */
export const MIN_ORDER_RUNS = 5;

export interface OrderRuns {
  path: string;
  /** Median and best wall-clock MB/s over the runs. */
  median_mb_per_s: number;
  best_mb_per_s: number;
  /** Median MB/s per CPU second of the process (less moved by other processes on the machine). */
  median_cpu_mb_per_s: number;
  run_seconds: number[];
}

export interface OrderThroughput {
  name: string;
  format: string;
  order: string;
  bytes: number;
  lines: number;
  runs: number;
  in_order: OrderRuns;
  out_of_order: OrderRuns;
  /** Out-of-order ÷ in-order MB/s: median of the run pairs' ratios, wall clock and CPU time. */
  ratio: number;
  cpu_ratio: number;
}

function figures(input: BenchInput, seconds: number[], cpuSeconds: number[]): OrderRuns {
  return {
    path: input.path,
    median_mb_per_s: mbPerSecond(input.bytes, spread(seconds).median),
    best_mb_per_s: mbPerSecond(input.bytes, spread(seconds).min),
    median_cpu_mb_per_s: mbPerSecond(input.bytes, spread(cpuSeconds).median),
    run_seconds: seconds,
  };
}

export async function measureOrderThroughput(pair: OrderPair, runs: number): Promise<OrderThroughput> {
  const { inOrder, outOfOrder } = pair;
  warmPageCache(inOrder.path);
  warmPageCache(outOfOrder.path);
  const count = Math.max(runs, MIN_ORDER_RUNS);
  const wall = { in: [] as number[], out: [] as number[] };
  const cpu = { in: [] as number[], out: [] as number[] };
  for (let run = 0; run < count; run++) {
    const a = runCoreChild(inOrder);
    const b = runCoreChild(outOfOrder);
    if (a.lines !== b.lines || a.bytes !== b.bytes) throw new Error(`${pair.spec.name}: in order ${a.lines} lines, ${a.bytes} bytes; out of order ${b.lines} lines, ${b.bytes} bytes`);
    wall.in.push(a.seconds);
    wall.out.push(b.seconds);
    cpu.in.push(a.cpu_seconds);
    cpu.out.push(b.cpu_seconds);
  }
  // MB/s out ÷ MB/s in of the same bytes is seconds in ÷ seconds out.
  const ratioOf = (inSeconds: number[], outSeconds: number[]): number => spread(inSeconds.map((s, i) => s / outSeconds[i])).median;
  return {
    name: pair.spec.name,
    format: inOrder.format,
    order: pair.spec.order,
    bytes: inOrder.bytes,
    lines: inOrder.lines,
    runs: count,
    in_order: figures(inOrder, wall.in, cpu.in),
    out_of_order: figures(outOfOrder, wall.out, cpu.out),
    ratio: ratioOf(wall.in, wall.out),
    cpu_ratio: ratioOf(cpu.in, cpu.out),
  };
}
