// The response times of a top-k table's keys (a path's p95), by counter id. A table of 100,000+ paths
// holds mostly keys seen a few times, and a QuantileSketch's dense bins cost one to eight kilobytes
// each: so a key's first values are listed as their sketch keys, in typed arrays shared by the whole
// table (four per id, then a block of the rest from a pool), and a sketch is made only for a key seen
// more often. Only the first UNPACKED_SKETCH_BUDGET keys to need a sketch (the heavy keys, in a
// Zipf-like stream) keep its dense bins; every later one is packed to its text at once and lists its
// new values again, LISTED_LATENCY_VALUES at a time, merged into the text when the list is full. (One
// 1 GiB chunk of an access log held 60,000 keys past the list, whose dense bins took a worker's peak
// RSS to 500 MB.) Either way the key serializes to the same canonical sketch text, so chunking
// changes nothing.
import { QuantileSketch } from './quantile-sketch';

/** Values listed as sketch keys before a key gets a sketch of its own. */
export const LISTED_LATENCY_VALUES = 32;
const INLINE = 4;
const BLOCK = LISTED_LATENCY_VALUES - INLINE;
/**
 * Keys of a table whose sketch may hold dense bins while values are added (~4–8 KB each, so a few
 * MB in all); the rest keep their sketch packed (a few hundred bytes) between flushes of their list.
 */
export const UNPACKED_SKETCH_BUDGET = 1024;
/** listed[id] of a key whose values are in its sketch. */
const SKETCHED = -1;

/** Builds the quantiles of listed values; this thread's only, one at a time. */
const scratch = QuantileSketch.empty();
/** A key's listed values, copied to be sorted into their text. */
const listedScratch = new Int32Array(LISTED_LATENCY_VALUES);
/** The other key's listed values in a merge, which adds them through paths that use listedScratch. */
const mergeScratch = new Int32Array(LISTED_LATENCY_VALUES);

export class KeyLatencies {
  /** Values listed per id (in inline, then its block), or SKETCHED. */
  private listed = new Int32Array(16);
  private inline = new Int32Array(INLINE * 16);
  /** Per id, 1 + its block's index in blocks, or 0 for none. */
  private blockOf = new Int32Array(16);
  private blocks = new Int32Array(BLOCK * 64);
  private blocksUsed = 0;
  private readonly freeBlocks: number[] = [];
  private readonly sketches = new Map<number, QuantileSketch>();
  /**
   * Per id of a packed sketch: values listed since it was packed (in inline, then its block, as a
   * key's first values are), to be merged into its text in one pass when the list is full.
   */
  private pending = new Int32Array(16);
  /** Sketches addKey may still leave unpacked. */
  private unpackedLeft: number;

  constructor(private readonly unpackedBudget = UNPACKED_SKETCH_BUDGET) {
    this.unpackedLeft = unpackedBudget;
  }

  /** Forgets every id's latencies, keeping the arrays (a table reused for the next chunk: table-reuse.ts). */
  clearAll(): void {
    // A new id's count is read as listed[id], its block as blockOf[id], its merge list as pending[id].
    this.listed.fill(0);
    this.blockOf.fill(0);
    this.pending.fill(0);
    this.blocksUsed = 0;
    this.freeBlocks.length = 0;
    this.sketches.clear();
    this.unpackedLeft = this.unpackedBudget;
  }

  count(id: number): number {
    if (id >= this.listed.length) return 0;
    const listed = this.listed[id];
    return listed === SKETCHED ? this.sketches.get(id)!.count + this.pending[id] : listed;
  }

  /** Adds a value by its QuantileSketch.keyOf. */
  addKey(id: number, key: number): void {
    if (id >= this.listed.length) this.growIds(id + 1);
    const listed = this.listed[id];
    if (listed === SKETCHED) {
      const sketch = this.sketches.get(id)!;
      return sketch.isPacked ? this.addPending(id, sketch, key) : sketch.addKey(key);
    }
    if (listed === LISTED_LATENCY_VALUES) {
      const sketch = this.promote(id);
      if (this.unpackedLeft > 0) {
        this.unpackedLeft--;
        return sketch.addKey(key);
      }
      sketch.pack();
      return this.addPending(id, sketch, key);
    }
    this.putListed(id, listed, key);
    this.listed[id] = listed + 1;
  }

  /** Stores a key's i-th listed (or pending) value. */
  private putListed(id: number, i: number, key: number): void {
    if (i < INLINE) {
      this.inline[INLINE * id + i] = key;
      return;
    }
    if (i === INLINE) this.blockOf[id] = 1 + this.takeBlock();
    this.blocks[BLOCK * (this.blockOf[id] - 1) + i - INLINE] = key;
  }

  /** A value for a key whose sketch is packed: listed, and the list merged into the text when full. */
  private addPending(id: number, sketch: QuantileSketch, key: number): void {
    const pending = this.pending[id];
    this.putListed(id, pending, key);
    this.pending[id] = pending + 1;
    if (pending + 1 === LISTED_LATENCY_VALUES) this.settle(id, sketch);
  }

  /** Merges a packed sketch's pending values into it, so that the sketch alone holds the key's values. */
  private settle(id: number, sketch: QuantileSketch): void {
    const pending = this.pending[id];
    if (pending === 0) return;
    for (let i = 0; i < pending; i++) listedScratch[i] = this.listedKey(id, i);
    this.releaseBlock(id);
    this.pending[id] = 0;
    sketch.addKeys(listedScratch, pending);
  }

  /** Key id's sketch with its pending values merged in, or null when its values are listed. */
  private sketchOf(id: number): QuantileSketch | null {
    if (id >= this.listed.length || this.listed[id] !== SKETCHED) return null;
    const sketch = this.sketches.get(id)!;
    this.settle(id, sketch);
    return sketch;
  }

  /**
   * Adds the values of other's key otherId to key id. A sketch merged into is packed again: a job's
   * merged table holds 100,000+ keys, most with a few hundred values spread over as many bins, and
   * their dense bin arrays (~6 KB each) were 380 MB of a coordinator's heap on a 1 GiB access log
   * (its heap 463 → 88 MB packed, for about the same merge time: the unpacking and packing that a
   * merge now costs, garbage collection gave back).
   */
  merge(id: number, other: KeyLatencies, otherId: number): void {
    if (otherId >= other.listed.length) return;
    // The other side's pending values first, so that its sketch alone holds its values below.
    other.sketchOf(otherId);
    const listed = other.listed[otherId];
    if (listed !== SKETCHED) {
      // Read first: merging a key into itself would free the block (promote) it is still reading.
      for (let i = 0; i < listed; i++) mergeScratch[i] = other.listedKey(otherId, i);
      const mine = id < this.listed.length && this.listed[id] === SKETCHED ? this.sketches.get(id)! : null;
      if (mine !== null && mine.isPacked) {
        // A few values into a packed sketch wait in its list, merged into its text 32 at a time: a job's
        // merge adds a chunk's one to three values to each of 100,000+ packed paths, and rewriting each
        // text for them was half of a merge's time.
        for (let i = 0; i < listed; i++) this.addPending(id, mine, mergeScratch[i]);
        return;
      }
      if (mine !== null) mine.addKeys(mergeScratch, listed);
      else for (let i = 0; i < listed; i++) this.addKey(id, mergeScratch[i]);
      // Adding may have promoted the key; a sketch merged into is kept packed.
      const sketch = this.listed[id] === SKETCHED ? this.sketches.get(id)! : null;
      if (sketch !== null && !sketch.isPacked) sketch.pack();
      return;
    }
    // Our pending values first too: the whole sketch merged below then holds every value.
    this.sketchOf(id);
    const theirs = other.sketches.get(otherId)!;
    if (this.listsAfter(id, theirs.count)) return this.list(id, theirs);
    const sketch = this.promote(id);
    sketch.merge(theirs);
    sketch.pack();
  }

  /** Gives key id, which has no values, a copy of other's key otherId's, sharing nothing mutable. */
  copy(id: number, other: KeyLatencies, otherId: number): void {
    if (otherId >= other.listed.length) return;
    const listed = other.listed[otherId];
    if (listed === 0) return;
    if (id >= this.listed.length) this.growIds(id + 1);
    if (listed === SKETCHED) {
      this.listed[id] = SKETCHED;
      this.sketches.set(id, other.sketchOf(otherId)!.copy());
      return;
    }
    // Listed values are copied as they lie (inline, then a block): a merge copies 100,000+ keys' values.
    const inline = Math.min(listed, INLINE);
    for (let i = 0; i < inline; i++) this.inline[INLINE * id + i] = other.inline[INLINE * otherId + i];
    if (listed > INLINE) {
      const block = this.takeBlock();
      this.blockOf[id] = 1 + block;
      const from = BLOCK * (other.blockOf[otherId] - 1);
      const to = BLOCK * block;
      for (let i = 0; i < listed - INLINE; i++) this.blocks[to + i] = other.blocks[from + i];
    }
    this.listed[id] = listed;
  }

  /**
   * copy(), taking other's sketch itself rather than a copy of it: for an `other` about to be dropped
   * (a table rebuilt into new ids), whose key otherId must not be read again.
   */
  move(id: number, other: KeyLatencies, otherId: number): void {
    const sketch = other.sketchOf(otherId);
    if (sketch !== null) this.adopt(id, sketch);
    else this.copy(id, other, otherId);
  }

  /**
   * Makes a decoded sketch key id's, which has no values. A sketch of few values is listed instead:
   * the coordinator decodes 100,000+ of them per chunk, and an object each, merged and packed again
   * on every merge, was a tenth of its time.
   */
  adopt(id: number, sketch: QuantileSketch): void {
    if (id >= this.listed.length) this.growIds(id + 1);
    if (this.listsAfter(id, sketch.count)) return this.list(id, sketch);
    this.listed[id] = SKETCHED;
    this.sketches.set(id, sketch);
  }

  /**
   * adopt() of a sketch given as text countOfText accepted (`count` values): few values are listed
   * straight from the text, with no sketch made at all.
   */
  adoptText(id: number, text: string, count: number): void {
    if (id >= this.listed.length) this.growIds(id + 1);
    if (!this.listsAfter(id, count)) return this.adopt(id, QuantileSketch.deserialize(text));
    QuantileSketch.forEachKeyOfText(text, this.lister(id));
  }

  /** Whether key id, given `more` values, still lists them rather than needing a sketch. */
  private listsAfter(id: number, more: number): boolean {
    const listed = id < this.listed.length ? this.listed[id] : 0;
    return listed !== SKETCHED && listed + more <= LISTED_LATENCY_VALUES;
  }

  /** Lists a sketch's values as key id's (listsAfter said they fit). */
  private list(id: number, sketch: QuantileSketch): void {
    sketch.forEachKey(this.lister(id));
  }

  /** A visitor of (sketch key, count) that lists each value as key id's. */
  private lister(id: number): (key: number, n: number) => void {
    return (key, n) => {
      for (let i = 0; i < n; i++) this.addKey(id, key);
    };
  }

  /** Keys whose sketch holds its dense bins now (the rest are listed, or packed to their text). */
  unpackedSketches(): number {
    let n = 0;
    for (const sketch of this.sketches.values()) if (!sketch.isPacked) n++;
    return n;
  }

  /** Drops key id's values (its counter now counts another key). */
  clear(id: number): void {
    if (id >= this.listed.length) return;
    if (this.listed[id] === SKETCHED) this.sketches.delete(id);
    this.releaseBlock(id);
    this.listed[id] = 0;
    this.pending[id] = 0;
  }

  quantile(id: number, q: number): number | null {
    const sketch = this.sketchOf(id);
    return sketch !== null ? sketch.quantile(q) : this.withScratch(id, (s) => s.quantile(q));
  }

  /** QuantileSketch's text of key id's values. */
  serialize(id: number): string {
    const sketch = this.sketchOf(id);
    if (sketch !== null) return sketch.serialize();
    return QuantileSketch.textOfKeys(listedScratch, this.copyListed(id));
  }

  /**
   * The most bytes serialize(id)'s text takes for a key whose values are only listed (no sketch of
   * its own: most keys of a large table), or null for a key with a sketch. A row writer takes that
   * much room for writeListedText; a sketched key's text is serialize()'s.
   */
  listedTextBytes(id: number): number | null {
    if (id < this.listed.length && this.listed[id] === SKETCHED) return null;
    return QuantileSketch.textOfKeysBytes(id < this.listed.length ? this.listed[id] : 0);
  }

  /** serialize(id)'s text, for a key listedTextBytes answered, written into buf at `at`; returns the position after it. */
  writeListedText(id: number, buf: Uint8Array, at: number): number {
    return QuantileSketch.writeTextOfKeys(listedScratch, this.copyListed(id), buf, at);
  }

  /** Copies a listed key's values into listedScratch, and returns how many. */
  private copyListed(id: number): number {
    const listed = id < this.listed.length ? this.listed[id] : 0;
    for (let i = 0; i < listed; i++) listedScratch[i] = this.listedKey(id, i);
    return listed;
  }

  private listedKey(id: number, i: number): number {
    return i < INLINE ? this.inline[INLINE * id + i] : this.blocks[BLOCK * (this.blockOf[id] - 1) + i - INLINE];
  }

  /** Key id's sketch, made from its listed values if it has none yet. */
  private promote(id: number): QuantileSketch {
    if (id >= this.listed.length) this.growIds(id + 1);
    const listed = this.listed[id];
    if (listed === SKETCHED) return this.sketches.get(id)!;
    const sketch = QuantileSketch.empty();
    for (let i = 0; i < listed; i++) sketch.addKey(this.listedKey(id, i));
    this.releaseBlock(id);
    this.listed[id] = SKETCHED;
    this.sketches.set(id, sketch);
    return sketch;
  }

  private withScratch<T>(id: number, read: (sketch: QuantileSketch) => T): T {
    scratch.clear();
    const listed = id < this.listed.length ? this.listed[id] : 0;
    for (let i = 0; i < listed; i++) scratch.addKey(this.listedKey(id, i));
    return read(scratch);
  }

  private takeBlock(): number {
    const free = this.freeBlocks.pop();
    if (free !== undefined) return free;
    if (BLOCK * (this.blocksUsed + 1) > this.blocks.length) {
      const blocks = new Int32Array(2 * this.blocks.length);
      blocks.set(this.blocks);
      this.blocks = blocks;
    }
    return this.blocksUsed++;
  }

  private releaseBlock(id: number): void {
    if (this.blockOf[id] === 0) return;
    this.freeBlocks.push(this.blockOf[id] - 1);
    this.blockOf[id] = 0;
  }

  private growIds(ids: number): void {
    const room = Math.max(ids, 2 * this.listed.length);
    const listed = new Int32Array(room);
    listed.set(this.listed);
    this.listed = listed;
    const inline = new Int32Array(INLINE * room);
    inline.set(this.inline);
    this.inline = inline;
    const blockOf = new Int32Array(room);
    blockOf.set(this.blockOf);
    this.blockOf = blockOf;
    const pending = new Int32Array(room);
    pending.set(this.pending);
    this.pending = pending;
  }
}
