// `pnpm bench --peers`: DuckDB, chDB and mawk on every core over the same files as our end-to-end
// runs, with `wc -l` as the floor, each peer's computed figures kept beside its time.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { measureWcLines } from '../baselines';
import type { BenchInput } from '../inputs';
import { warmPageCache } from '../inputs';
import { bestOf, mbPerSecond } from '../measure';
import { runMawkParallel } from './mawk-parallel';
import type { PeerName } from './peer-queries';

export interface PeerRun {
  tool: string;
  seconds: number;
  mb_per_s: number;
  run_seconds: number[];
  /** What the peer computed (counts, sums, percentiles...), to hold beside ours. */
  row: unknown;
}

export interface PeerComparison {
  /** What the row is called: the input's format, or how its lines were reordered. */
  input: string;
  format: string;
  bytes: number;
  /** Our end-to-end MB/s on this file (2 workers), null when that measurement failed. */
  ours_mb_per_s: number | null;
  peers: PeerRun[];
  /** Our figure ÷ the fastest peer's (wc -l not counted: it computes nothing). */
  ours_vs_fastest: number | null;
}

const peerMain = join(__dirname, 'peer-main.js');

function runPeer(peersDir: string, peer: PeerName, input: BenchInput, threads: number): { seconds: number; row: unknown } {
  const run = spawnSync(process.execPath, [peerMain, peersDir, peer, input.format, input.path, String(threads)], { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (run.status !== 0) throw new Error(`${peer} on ${input.path} failed (${run.signal ?? run.status}): ${run.stderr.trim().slice(-1000)}`);
  return JSON.parse(run.stdout) as { seconds: number; row: unknown };
}

async function timed(tool: string, input: BenchInput, runs: number, measure: () => { seconds: number; row: unknown } | Promise<{ seconds: number; row: unknown }>): Promise<PeerRun> {
  warmPageCache(input.path);
  const { best, runSeconds } = await bestOf(runs, measure);
  return { tool, seconds: best.seconds, mb_per_s: mbPerSecond(input.bytes, best.seconds), run_seconds: runSeconds, row: best.row };
}

export async function comparePeers(name: string, input: BenchInput, oursMbPerS: number | null, peersDir: string, runs: number, log: (m: string) => void): Promise<PeerComparison> {
  const threads = availableParallelism();
  const peers: PeerRun[] = [];
  for (const peer of ['duckdb', 'chdb'] as const) {
    log(`peers: ${peer} (${threads} threads) on ${name}`);
    peers.push(await timed(`${peer === 'duckdb' ? 'DuckDB' : 'chDB'} ×${threads}`, input, runs, () => runPeer(peersDir, peer, input, threads)));
  }
  if ((await runMawkParallel(input, threads)) !== null) {
    log(`peers: mawk ×${threads} on ${name}`);
    peers.push(await timed(`mawk ×${threads}`, input, runs, async () => (await runMawkParallel(input, threads))!));
  }
  const wc = await measureWcLines(input, runs);
  peers.push({ tool: 'wc -l', seconds: wc.seconds, mb_per_s: wc.mb_per_s, run_seconds: wc.run_seconds, row: wc.output });
  const fastest = Math.max(...peers.filter((p) => p.tool !== 'wc -l').map((p) => p.mb_per_s));
  return { input: name, format: input.format, bytes: input.bytes, ours_mb_per_s: oursMbPerS, peers, ours_vs_fastest: oursMbPerS === null ? null : oursMbPerS / fastest };
}
