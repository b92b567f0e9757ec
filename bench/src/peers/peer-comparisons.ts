// The rows of the peers table: each bench input, the applog shuffled within each hour, the access
// log with flat keys (200,000 clients), the applog with 0.5% lines of 8–64 KiB, and the applog with
// twelve level spellings alike (half its lines errors with distinct messages); our end-to-end figure
// on each beside the peers'.
import type { ClusterThroughput } from '../cluster-throughput';
import { measureClusterThroughput } from '../cluster-throughput';
import { generateLevelMixApplog } from '../generators/level-mix';
import { generateLongLineApplog } from '../generators/long-lines';
import type { BenchInput } from '../inputs';
import { ensureGeneratedInput } from '../inputs';
import { log } from '../log';
import type { BenchOptions } from '../options';
import { ensureOrderPair, ORDER_PAIRS } from '../order-inputs';
import { comparePeers, PeerComparison } from './peers';
import { ensurePeers } from './peer-install';

/** The level-mix row's name, as the table and README quote it. */
export const LEVEL_MIX_ROW = 'applog, 12 level spellings alike, half errors (distinct messages)';

type Attempt = <T>(measurement: string, measure: () => Promise<T>) => Promise<T | null>;

export interface PeerBench {
  cacheDir: string;
  options: BenchOptions;
  inputs: BenchInput[];
  /** Our end-to-end runs on `inputs`, already measured. */
  cluster: ClusterThroughput[];
  attempt: Attempt;
}

export async function measurePeerComparisons({ cacheDir, options, inputs, cluster, attempt }: PeerBench): Promise<PeerComparison[] | null> {
  const peersDir = await attempt('peers: install into the bench cache', async () => ensurePeers(cacheDir, log));
  if (peersDir === null) return null;
  const rows: { name: string; input: BenchInput; ours: number | null }[] = inputs.map((input) => ({
    name: input.format,
    input,
    ours: cluster.find((run) => run.format === input.format)?.mb_per_s ?? null,
  }));
  const shuffled = ensureOrderPair(cacheDir, ORDER_PAIRS[0], options.size, options.seed, log).outOfOrder;
  const flatKeys = ensureOrderPair(cacheDir, ORDER_PAIRS[3], options.size, options.seed, log).inOrder;
  const longLines = ensureGeneratedInput(cacheDir, 'applog-long-lines', 'applog', generateLongLineApplog, options.size, options.seed, log);
  const levelMix = ensureGeneratedInput(cacheDir, 'applog-level-mix', 'applog', generateLevelMixApplog, options.size, options.seed, log);
  const shapes: [string, BenchInput][] = [
    [`${ORDER_PAIRS[0].name}, ${ORDER_PAIRS[0].order}`, shuffled],
    ['combined, flat keys (200,000 clients)', flatKeys],
    ['applog, 0.5% lines of 8-64 KiB', longLines],
    [LEVEL_MIX_ROW, levelMix],
  ];
  for (const [name, input] of shapes) {
    const ours = await attempt(`end to end, 2 workers: ${name}`, () => measureClusterThroughput(input, options.runs, options.workerConcurrency));
    rows.push({ name, input, ours: ours?.mb_per_s ?? null });
  }
  const comparisons: PeerComparison[] = [];
  for (const row of rows) {
    const compared = await attempt(`peers on ${row.name}`, () => comparePeers(row.name, row.input, row.ours, peersDir, options.runs, log));
    if (compared) comparisons.push(compared);
  }
  return comparisons;
}
