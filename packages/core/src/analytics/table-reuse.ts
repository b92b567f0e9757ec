// A thread's top tables, handed from one chunk's accumulator to the next. A 64 MiB access log's
// tables are 20+ MB of typed arrays (120,000 paths: hash slots, key bytes, counters), off V8's heap,
// and arrays that live as long as a chunk reach the old generation, which only a full collection
// frees. Since a thread writes its partial as bytes it makes little heap garbage, so full collections
// are rare: one chunk's dead tables were still resident while the next chunk grew its own, doubling
// by doubling, each outgrown array more garbage. Forcing a collection after each chunk cost 5–40%
// (V8 then drops and recompiles the hot functions). Handing a chunk's emptied tables to the next
// chunk instead keeps one set of tables per thread, already at the size the next chunk needs.
//
// A table is kept only once its chunk's partial is written (MetricsAccumulator.release), and a kept
// table is cleared, so the next chunk's counts are exactly those of new tables. The price: an idle
// thread keeps its last chunk's tables (tens of MB after a large access log) instead of freeing them
// at some later full collection; the peak, which the next chunk would reach anyway, is lower.
import { TopK } from './top-k';

/** Tables kept per kind: an accumulator has at most three of one kind (clients, user agents, apps). */
const KEPT_PER_KIND_MAX = 3;

const keptByKind = new Map<string, TopK[]>();

/** A cleared table of this kind kept from an earlier chunk, or a new one. */
export function reusedTopK(capacity: number, trackLatency = false, admitOnSecondSight = false): TopK {
  return keptByKind.get(TopK.kindOf(capacity, trackLatency, admitOnSecondSight))?.pop() ?? new TopK(capacity, trackLatency, admitOnSecondSight);
}

/** Clears a table whose results are written, for the next reusedTopK of its kind: the caller must not use it again. */
export function keepForReuse(table: TopK): void {
  const kept = keptByKind.get(table.kind) ?? [];
  if (kept.length >= KEPT_PER_KIND_MAX) return;
  table.clear();
  kept.push(table);
  keptByKind.set(table.kind, kept);
}

/** How many tables wait for reuse (for tests). */
export function keptTables(): number {
  let n = 0;
  for (const kept of keptByKind.values()) n += kept.length;
  return n;
}
