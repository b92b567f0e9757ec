// The rows of the peers table: each bench input, the applog shuffled within each hour, and the
// access log with flat keys (200,000 clients); our end-to-end figure on each beside the peers'.
import type { ClusterThroughput } from '../cluster-throughput';
import { measureClusterThroughput } from '../cluster-throughput';
import type { BenchInput } from '../inputs';
import { log } from '../log';
import type { BenchOptions } from '../options';
import { ensureOrderPair, ORDER_PAIRS } from '../order-inputs';
import { comparePeers, PeerComparison } from './peers';
import { ensurePeers } from './peer-install';

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
  for (const spec of [ORDER_PAIRS[0], ORDER_PAIRS[3]]) {
    const pair = ensureOrderPair(cacheDir, spec, options.size, options.seed, log);
    const input = spec === ORDER_PAIRS[0] ? pair.outOfOrder : pair.inOrder;
    const name = spec === ORDER_PAIRS[0] ? `${spec.name}, ${spec.order}` : spec.name.replace(', 0.2% long requests', ' (200,000 clients)');
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
