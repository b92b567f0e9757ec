// Counts per key (paths, clients, user agents, error messages) that stay exact while the distinct keys
// fit `capacity`, and then become a Space-Saving summary (Metwally et al.): every reported count is an
// upper bound at most `error` above the truth, and error ≤ total / capacity. Keys are looked up by a
// hash of their bytes, so a line's key costs no string unless it is new.
import { hashBytes } from './byte-hash';
import { HashSlots } from './hash-slots';
import { QuantileSketch } from './quantile-sketch';

export const DEFAULT_TOP_K_CAPACITY = 1000;

/**
 * One counted key. Its bytes live in a buffer that may be longer than the key, so that Space-Saving can
 * hand an evicted entry to the next new key without allocating; the key's string is decoded only when
 * asked for (reports and merges), not per line.
 */
export class TopKEntry {
  /** How much count may exceed the true count (0 while exact). */
  error = 0;
  /** Lines with this key that were errors. */
  errors = 0;
  /** Response times of this key's requests, when tracked. */
  sketch: QuantileSketch | null = null;
  heapIndex = 0;
  /** Position in its table's byId, or -1 before it joins one. */
  id = -1;
  private keyString: string | null;

  constructor(
    /** The key's UTF-8 bytes are bytes[0, length); its hash is computed from them. */
    public bytes: Buffer,
    public length: number,
    public hash: number,
    public count: number,
    key: string | null,
  ) {
    this.keyString = key;
  }

  get key(): string {
    return (this.keyString ??= this.bytes.toString('utf8', 0, this.length));
  }

  /** Makes this entry count a new key from buf[start, end) (Space-Saving's eviction). */
  reuseFor(buf: Buffer, start: number, end: number, hash: number): void {
    const length = end - start;
    if (this.bytes.length < length) this.bytes = Buffer.allocUnsafe(Math.max(length, 2 * this.bytes.length));
    // A loop: Buffer#copy goes through a JS wrapper that costs more than copying a path's bytes.
    const bytes = this.bytes;
    for (let i = 0; i < length; i++) bytes[i] = buf[start + i];
    this.length = length;
    this.hash = hash;
    this.keyString = null;
    this.errors = 0;
    this.sketch?.clear();
  }

  sameBytes(buf: Buffer, start: number, end: number): boolean {
    if (this.length !== end - start) return false;
    // A loop beats buf.compare's native call for short keys (paths, addresses), not for user agents.
    if (this.length > 48) return buf.compare(this.bytes, 0, this.length, start, end) === 0;
    const bytes = this.bytes;
    for (let i = 0; i < this.length; i++) if (bytes[i] !== buf[start + i]) return false;
    return true;
  }

  /** A copy with another count and error, sharing nothing mutable. */
  copy(count: number, error: number): TopKEntry {
    const entry = new TopKEntry(Buffer.from(this.bytes.subarray(0, this.length)), this.length, this.hash, count, this.keyString);
    entry.error = error;
    entry.errors = this.errors;
    entry.sketch = this.sketch === null ? null : this.sketch.copy();
    return entry;
  }
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
  private readonly heap: TopKEntry[] = []; // min-heap on count
  /** Entries by id: an entry keeps its id while Space-Saving hands it from key to key. */
  private readonly byId: TopKEntry[] = [];
  private readonly slots: HashSlots;
  private readonly hashOfId = (id: number): number => this.byId[id].hash;

  constructor(
    readonly capacity: number = DEFAULT_TOP_K_CAPACITY,
    private readonly trackLatency = false,
  ) {
    this.slots = new HashSlots(capacity);
  }

  get size(): number {
    return this.heap.length;
  }

  /** Counts the key whose UTF-8 bytes are buf[start, end). */
  addBytes(buf: Buffer, start: number, end: number): TopKEntry {
    const hash = hashBytes(buf, start, end);
    let entry = this.findBytes(hash, buf, start, end);
    if (!entry) entry = this.insert(buf, start, end, hash, null);
    else this.bump(entry, 1);
    this.total++;
    return entry;
  }

  addString(key: string): TopKEntry {
    const bytes = Buffer.from(key, 'utf8');
    const hash = hashBytes(bytes, 0, bytes.length);
    let entry = this.findBytes(hash, bytes, 0, bytes.length);
    if (!entry) entry = this.insert(bytes, 0, bytes.length, hash, key);
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
    if (this.exact && other.exact && this.mergeExactInPlace(other)) return;
    // A key missing from an approximate summary may still have occurred there up to its minimum count.
    const thisFloor = this.exact ? 0 : this.minCount();
    const otherFloor = other.exact ? 0 : other.minCount();
    const merged = new Map<string, TopKEntry>();
    for (const e of this.heap) {
      e.count += otherFloor;
      e.error += otherFloor;
      merged.set(e.key, e);
    }
    for (const e of other.heap) {
      const mine = merged.get(e.key);
      if (mine) {
        mine.count += e.count - otherFloor;
        mine.error += e.error - otherFloor;
        mine.errors += e.errors;
        if (e.sketch) (mine.sketch ??= QuantileSketch.empty()).merge(e.sketch);
      } else {
        merged.set(e.key, e.copy(e.count + thisFloor, e.error + thisFloor));
      }
    }
    this.total += other.total;
    this.exact = this.exact && other.exact && merged.size <= this.capacity;
    this.rebuild([...merged.values()]);
  }

  /**
   * Both exact: adds other's counts in place when all its keys fit, so merging a chunk's few keys into a
   * running table costs those keys, not a rebuild of the table. False, having changed nothing, when
   * they do not fit (merge then takes the general path, which truncates).
   */
  private mergeExactInPlace(other: TopK): boolean {
    let newKeys = 0;
    for (const e of other.heap) if (!this.findBytes(e.hash, e.bytes, 0, e.length)) newKeys++;
    if (this.heap.length + newKeys > this.capacity) return false;
    for (const e of other.heap) {
      const mine = this.findBytes(e.hash, e.bytes, 0, e.length);
      if (mine) {
        mine.count += e.count;
        mine.errors += e.errors;
        if (e.sketch) (mine.sketch ??= QuantileSketch.empty()).merge(e.sketch);
        this.siftDown(mine.heapIndex);
      } else {
        const copy = e.copy(e.count, 0);
        copy.heapIndex = this.heap.length;
        this.heap.push(copy);
        this.index(copy);
        this.siftUp(copy.heapIndex);
      }
    }
    this.total += other.total;
    return true;
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
      s.entries.map(([key, count, error, errors, sketch]) => {
        const bytes = Buffer.from(key, 'utf8');
        const entry = new TopKEntry(bytes, bytes.length, hashBytes(bytes, 0, bytes.length), count, key);
        entry.error = error;
        entry.errors = errors;
        entry.sketch = sketch === null ? null : QuantileSketch.deserialize(sketch);
        return entry;
      }),
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
    this.slots.clear();
    this.heap.length = 0;
    this.byId.length = 0;
    for (const e of entries) {
      e.id = -1;
      e.heapIndex = this.heap.length;
      this.heap.push(e);
      this.index(e);
      this.siftUp(e.heapIndex);
    }
  }

  private insert(buf: Buffer, start: number, end: number, hash: number, key: string | null): TopKEntry {
    if (this.heap.length < this.capacity) {
      const entry = new TopKEntry(Buffer.from(buf.subarray(start, end)), end - start, hash, 1, key);
      entry.heapIndex = this.heap.length;
      this.heap.push(entry);
      this.index(entry);
      this.siftUp(entry.heapIndex);
      return entry;
    }
    // Space-Saving: the new key takes over the smallest counter, inheriting its count as error.
    this.exact = false;
    const entry = this.heap[0];
    this.unindex(entry);
    entry.reuseFor(buf, start, end, hash);
    entry.error = entry.count;
    entry.count++;
    this.index(entry);
    this.siftDown(0);
    return entry;
  }

  private bump(entry: TopKEntry, by: number): void {
    entry.count += by;
    this.siftDown(entry.heapIndex);
  }

  private findBytes(hash: number, buf: Buffer, start: number, end: number): TopKEntry | undefined {
    const slots = this.slots;
    for (let slot = slots.start(hash); ; slot = slots.next(slot)) {
      const id = slots.idAt(slot);
      if (id < 0) return undefined;
      const entry = this.byId[id];
      if (entry.hash === hash && entry.sameBytes(buf, start, end)) return entry;
    }
  }

  private index(entry: TopKEntry): void {
    if (entry.id < 0) {
      entry.id = this.byId.length;
      this.byId.push(entry);
    }
    this.slots.add(entry.hash, entry.id);
  }

  private unindex(entry: TopKEntry): void {
    this.slots.remove(entry.hash, entry.id, this.hashOfId);
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
