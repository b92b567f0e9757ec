// Counts per key (paths, clients, user agents, error messages) that stay exact while the distinct keys
// fit `capacity`, and then become a Space-Saving summary (Metwally et al.): every reported count is an
// upper bound at most `error` above the truth, and error ≤ total / capacity. Keys are looked up by a
// hash of their bytes, so a line's key costs no string unless it is new.
import { hashBytes } from './byte-hash';
import { QuantileSketch } from './quantile-sketch';

export const DEFAULT_TOP_K_CAPACITY = 1000;

export interface TopKEntry {
  key: string;
  /** The key's UTF-8 bytes, which its hash is computed from. */
  bytes: Buffer;
  hash: number;
  count: number;
  /** How much count may exceed the true count (0 while exact). */
  error: number;
  /** Lines with this key that were errors. */
  errors: number;
  /** Response times of this key's requests, when tracked. */
  sketch: QuantileSketch | null;
  heapIndex: number;
}

/** The serialized form: [key, count, error, errors, sketch?] tuples. */
export interface SerializedTopK {
  capacity: number;
  total: number;
  exact: boolean;
  entries: Array<[string, number, number, number, string | null]>;
}

export class TopK {
  total = 0;
  exact = true;
  private readonly byHash = new Map<number, TopKEntry | TopKEntry[]>();
  private readonly heap: TopKEntry[] = []; // min-heap on count

  constructor(
    readonly capacity: number = DEFAULT_TOP_K_CAPACITY,
    private readonly trackLatency = false,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  /** Counts the key buf[start, end); decode turns the bytes into the key string when it is new. */
  addBytes(buf: Buffer, start: number, end: number, decode: (buf: Buffer, start: number, end: number) => string): TopKEntry {
    const hash = hashBytes(buf, start, end);
    let entry = this.findBytes(hash, buf, start, end);
    if (!entry) entry = this.insert(decode(buf, start, end), Buffer.from(buf.subarray(start, end)), hash, 1, 0);
    else this.bump(entry, 1);
    this.total++;
    return entry;
  }

  addString(key: string): TopKEntry {
    const bytes = Buffer.from(key, 'utf8');
    const hash = hashBytes(bytes, 0, bytes.length);
    let entry = this.findString(hash, key);
    if (!entry) entry = this.insert(key, bytes, hash, 1, 0);
    else this.bump(entry, 1);
    this.total++;
    return entry;
  }

  /** Adds a response time, given by its QuantileSketch.keyOf, to the entry's sketch. */
  recordLatency(entry: TopKEntry, sketchKey: number): void {
    (entry.sketch ??= QuantileSketch.empty()).addKey(sketchKey);
  }

  entries(): TopKEntry[] {
    return [...this.heap];
  }

  /** The k largest, by count then key. */
  top(k: number): TopKEntry[] {
    return this.entries()
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, k);
  }

  /** The most any count here can exceed the truth. */
  errorBound(): number {
    return this.exact ? 0 : Math.max(0, ...this.heap.map((e) => e.error));
  }

  /** Adds another summary's counts into this one (the mergeable-summaries rule for Space-Saving). */
  merge(other: TopK): void {
    // A key missing from an approximate summary may still have occurred there up to its minimum count.
    const thisFloor = this.exact ? 0 : this.minCount();
    const otherFloor = other.exact ? 0 : other.minCount();
    const merged = new Map<string, TopKEntry>();
    for (const e of this.heap) merged.set(e.key, { ...e, count: e.count + otherFloor, error: e.error + otherFloor });
    for (const e of other.heap) {
      const mine = merged.get(e.key);
      if (mine) {
        mine.count += e.count - otherFloor;
        mine.error += e.error - otherFloor;
        mine.errors += e.errors;
        if (e.sketch) (mine.sketch ??= QuantileSketch.empty()).merge(e.sketch);
      } else {
        merged.set(e.key, { ...e, count: e.count + thisFloor, error: e.error + thisFloor, sketch: copySketch(e.sketch) });
      }
    }
    this.total += other.total;
    this.exact = this.exact && other.exact && merged.size <= this.capacity;
    this.rebuild([...merged.values()]);
  }

  serialize(): SerializedTopK {
    return {
      capacity: this.capacity,
      total: this.total,
      exact: this.exact,
      entries: this.heap
        .map((e): [string, number, number, number, string | null] => [e.key, e.count, e.error, e.errors, e.sketch ? e.sketch.serialize() : null])
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    };
  }

  static deserialize(s: SerializedTopK, trackLatency = false): TopK {
    const topK = new TopK(s.capacity, trackLatency);
    topK.total = s.total;
    topK.exact = s.exact;
    topK.rebuild(
      s.entries.map(([key, count, error, errors, sketch]) => ({
        key,
        bytes: Buffer.from(key, 'utf8'),
        hash: 0,
        count,
        error,
        errors,
        sketch: sketch === null ? null : QuantileSketch.deserialize(sketch),
        heapIndex: 0,
      })),
    );
    return topK;
  }

  // ---- internals ----

  private minCount(): number {
    return this.heap.length < this.capacity ? 0 : this.heap[0].count;
  }

  private rebuild(entries: TopKEntry[]): void {
    entries.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (entries.length > this.capacity) {
      entries.length = this.capacity;
      this.exact = false;
    }
    this.byHash.clear();
    this.heap.length = 0;
    for (const e of entries) {
      e.hash = hashBytes(e.bytes, 0, e.bytes.length);
      e.heapIndex = this.heap.length;
      this.heap.push(e);
      this.index(e);
      this.siftUp(e.heapIndex);
    }
  }

  private insert(key: string, bytes: Buffer, hash: number, count: number, error: number): TopKEntry {
    if (this.heap.length < this.capacity) {
      const entry: TopKEntry = { key, bytes, hash, count, error, errors: 0, sketch: null, heapIndex: this.heap.length };
      this.heap.push(entry);
      this.index(entry);
      this.siftUp(entry.heapIndex);
      return entry;
    }
    // Space-Saving: the new key takes over the smallest counter, inheriting its count as error.
    this.exact = false;
    const victim = this.heap[0];
    this.unindex(victim);
    const entry: TopKEntry = { key, bytes, hash, count: victim.count + count, error: victim.count + error, errors: 0, sketch: null, heapIndex: 0 };
    this.heap[0] = entry;
    this.index(entry);
    this.siftDown(0);
    return entry;
  }

  private bump(entry: TopKEntry, by: number): void {
    entry.count += by;
    this.siftDown(entry.heapIndex);
  }

  private findBytes(hash: number, buf: Buffer, start: number, end: number): TopKEntry | undefined {
    const slot = this.byHash.get(hash);
    if (slot === undefined) return undefined;
    if (!Array.isArray(slot)) return sameBytes(slot.bytes, buf, start, end) ? slot : undefined;
    return slot.find((e) => sameBytes(e.bytes, buf, start, end));
  }

  private findString(hash: number, key: string): TopKEntry | undefined {
    const slot = this.byHash.get(hash);
    if (slot === undefined) return undefined;
    if (!Array.isArray(slot)) return slot.key === key ? slot : undefined;
    return slot.find((e) => e.key === key);
  }

  private index(entry: TopKEntry): void {
    const slot = this.byHash.get(entry.hash);
    if (slot === undefined) this.byHash.set(entry.hash, entry);
    else if (Array.isArray(slot)) slot.push(entry);
    else this.byHash.set(entry.hash, [slot, entry]);
  }

  private unindex(entry: TopKEntry): void {
    const slot = this.byHash.get(entry.hash);
    if (slot === entry) this.byHash.delete(entry.hash);
    else if (Array.isArray(slot)) {
      const rest = slot.filter((e) => e !== entry);
      if (rest.length === 1) this.byHash.set(entry.hash, rest[0]);
      else this.byHash.set(entry.hash, rest);
    }
  }

  private siftUp(i: number): void {
    const heap = this.heap;
    const entry = heap[i];
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent].count <= entry.count) break;
      heap[i] = heap[parent];
      heap[i].heapIndex = i;
      i = parent;
    }
    heap[i] = entry;
    entry.heapIndex = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap;
    const entry = heap[i];
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && heap[right].count < heap[left].count ? right : left;
      if (heap[child].count >= entry.count) break;
      heap[i] = heap[child];
      heap[i].heapIndex = i;
      i = child;
    }
    heap[i] = entry;
    entry.heapIndex = i;
  }
}

function copySketch(sketch: QuantileSketch | null): QuantileSketch | null {
  if (!sketch) return null;
  const copy = QuantileSketch.empty();
  copy.merge(sketch);
  return copy;
}

function sameBytes(bytes: Buffer, buf: Buffer, start: number, end: number): boolean {
  return bytes.length === end - start && buf.compare(bytes, 0, bytes.length, start, end) === 0;
}
