// The pairs of inputs that differ only in the order of their lines: a file in time order and the same
// lines as real logs come out of order (reorder.ts). Reordered files are cached beside their source
// and rewritten when the source or the reordering changes.
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { generateApplog } from '@loganalyzer/core/testing';
import { generateAccessLog } from './generators/access-log';
import { BenchInput, ensureGeneratedInput, ensureInput, InputFormat } from './inputs';
import { Reordering, writeReordered } from './reorder';

export interface OrderPairSpec {
  /** What the pair's rows are called. */
  name: string;
  /** The file in time order: one of the main inputs, or a generator of its own. */
  source: InputFormat | { stem: string; format: InputFormat; generate: (seed: number) => Iterator<Buffer> };
  reordering: Reordering;
  /** How the out-of-order file came about, for the table. */
  order: string;
}

export const ORDER_PAIRS: readonly OrderPairSpec[] = [
  { name: 'applog', source: 'applog', reordering: 'shuffled-within-hour', order: 'shuffled within each hour' },
  {
    name: 'applog, busy (~2,000 lines/s)',
    source: { stem: 'applog-busy', format: 'applog', generate: (seed) => generateApplog(Number.MAX_SAFE_INTEGER, { seed, stepMs: 2 }) },
    reordering: 'shuffled-within-hour',
    order: 'shuffled within each hour',
  },
  { name: 'combined', source: 'combined', reordering: 'request-end', order: 'written at request end (Apache)' },
  {
    name: 'combined, flat keys, 0.2% long requests',
    source: { stem: 'combined-flat', format: 'combined', generate: (seed) => generateAccessLog(seed, { flat: true, clients: 200_000, longRequests: 0.002 }) },
    reordering: 'request-end',
    order: 'written at request end (Apache)',
  },
];

export interface OrderPair {
  spec: OrderPairSpec;
  inOrder: BenchInput;
  outOfOrder: BenchInput;
}

interface ReorderedManifest {
  source_bytes: number;
  source_mtime_ms: number;
  reordering: Reordering;
  seed: number;
  bytes: number;
  lines: number;
}

function readManifest(path: string): ReorderedManifest | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ReorderedManifest;
  } catch {
    return null;
  }
}

export function ensureOrderPair(cacheDir: string, spec: OrderPairSpec, targetBytes: number, seed: number, log: (message: string) => void): OrderPair {
  const { source } = spec;
  const inOrder =
    typeof source === 'string' ? ensureInput(cacheDir, source, targetBytes, seed, log) : ensureGeneratedInput(cacheDir, source.stem, source.format, source.generate, targetBytes, seed, log);
  const path = inOrder.path.replace(/\.log$/, `-${spec.reordering}.log`);
  const manifestPath = `${path}.json`;
  const sourceStat = statSync(inOrder.path);
  const manifest = readManifest(manifestPath);
  const reusable =
    manifest !== null &&
    manifest.source_bytes === inOrder.bytes &&
    manifest.source_mtime_ms === sourceStat.mtimeMs &&
    manifest.reordering === spec.reordering &&
    manifest.seed === seed &&
    existsSync(path) &&
    statSync(path).size === manifest.bytes;
  if (reusable) return { spec, inOrder, outOfOrder: { format: inOrder.format, path, bytes: manifest.bytes, lines: manifest.lines, generated: false } };

  log(`writing ${path} (${spec.order}) ...`);
  const partial = `${path}.partial`;
  const written = writeReordered(inOrder.path, partial, spec.reordering, seed);
  if (written.bytes !== inOrder.bytes || written.lines !== inOrder.lines) {
    throw new Error(`reordering ${inOrder.path} wrote ${written.bytes} bytes in ${written.lines} lines, not its ${inOrder.bytes} in ${inOrder.lines}`);
  }
  renameSync(partial, path);
  const fresh: ReorderedManifest = { source_bytes: inOrder.bytes, source_mtime_ms: sourceStat.mtimeMs, reordering: spec.reordering, seed, bytes: written.bytes, lines: written.lines };
  writeFileSync(manifestPath, JSON.stringify(fresh, null, 2) + '\n');
  return { spec, inOrder, outOfOrder: { format: inOrder.format, path, bytes: written.bytes, lines: written.lines, generated: true } };
}
