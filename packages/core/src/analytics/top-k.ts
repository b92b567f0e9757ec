// Counts per key (paths, clients, user agents, error messages) that stay exact while the distinct keys
// fit `capacity`, and then become a Space-Saving summary (Metwally et al.): every reported count is an
// upper bound at most `error` above the truth, and error ≤ total / capacity. Keys are looked up by a
// hash of their bytes, so a line's key costs no string unless it is new. Counts are kept in the
// Stream-Summary of the paper: buckets of equal count in a list sorted by count, so a count goes up,
// and the smallest is found, in O(1). (A min-heap needed a sift of ~10 levels per eviction, because
// a full table holds many keys at the smallest count.)
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
  /** The bucket of this entry's count, and its neighbours there. */
  bucket: CountBucket | null = null;
  prevInBucket: TopKEntry | null = null;
  nextInBucket: TopKEntry | null = null;
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

/** The entries with one count; buckets form a list in increasing count. */
class CountBucket {
  first: TopKEntry | null = null;
  size = 0;
  prev: CountBucket | null = null;
  next: CountBucket | null = null;
  constructor(public count: number) {}
}

/**
 * The serialized form: [key, count, error, errors, sketch or null] tuples in key order, the sketch (of
 * the key's response times, paths only) in QuantileSketch's text.
 */
export interface SerializedTopK {
  capacity: number;
  total: number;
  exact: boolean;
  entries: Array<[string, number, number, number, string | null]>;
}

export class TopK {
  total = 0;
  exact = true;
  /** Every entry, by id: an entry keeps its id while Space-Saving hands it from key to key. */
  private readonly byId: TopKEntry[] = [];
  /** The buckets of the smallest and the largest count. */
  private low: CountBucket | null = null;
  private high: CountBucket | null = null;
  /** Emptied buckets, for reuse. */
  private readonly spareBuckets: CountBucket[] = [];
  private readonly slots: HashSlots;
  private readonly hashOfId = (id: number): number => this.byId[id].hash;

  constructor(
    readonly capacity: number = DEFAULT_TOP_K_CAPACITY,
    private readonly trackLatency = false,
  ) {
    this.slots = new HashSlots(capacity);
  }

  get size(): number {
    return this.byId.length;
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
    return [...this.byId];
  }

  /** The k largest, by count then key. */
  top(k: number): TopKEntry[] {
    return this.entries()
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, k);
  }

  /** The most any count here can exceed the truth. */
  errorBound(): number {
    return this.exact ? 0 : this.byId.reduce((max, e) => Math.max(max, e.error), 0);
  }

  /** Adds another summary's counts into this one (the mergeable-summaries rule for Space-Saving). */
  merge(other: TopK): void {
    if (this.exact && other.exact && this.mergeExactInPlace(other)) return;
    // A key missing from an approximate summary may still have occurred there up to its minimum count.
    const thisFloor = this.exact ? 0 : this.minCount();
    const otherFloor = other.exact ? 0 : other.minCount();
    const merged = new Map<string, TopKEntry>();
    for (const e of this.byId) {
      e.count += otherFloor;
      e.error += otherFloor;
      merged.set(e.key, e);
    }
    for (const e of other.byId) {
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
    for (const e of other.byId) if (!this.findBytes(e.hash, e.bytes, 0, e.length)) newKeys++;
    if (this.byId.length + newKeys > this.capacity) return false;
    for (const e of other.byId) {
      const mine = this.findBytes(e.hash, e.bytes, 0, e.length);
      if (mine) {
        mine.errors += e.errors;
        if (e.sketch) (mine.sketch ??= QuantileSketch.empty()).merge(e.sketch);
        this.raise(mine, e.count);
      } else {
        const copy = e.copy(e.count, 0);
        this.index(copy);
        this.placeFromLow(copy);
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
      entries: this.byId
        .map((e): [string, number, number, number, string | null] => [e.key, e.count, e.error, e.errors, e.sketch ? e.sketch.serialize() : null])
        .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    };
  }

  static deserialize(s: SerializedTopK, trackLatency = false): TopK {
    return TopK.fromDecoded(
      s,
      s.entries.map((entry) => (entry[4] === null ? null : QuantileSketch.deserialize(entry[4]))),
      trackLatency,
    );
  }

  /**
   * deserialize() with the entries' sketches already decoded (sketches[i] is entry i's), for callers
   * that decode them while checking the table. The sketches become the table's own.
   */
  static fromDecoded(s: SerializedTopK, sketches: ReadonlyArray<QuantileSketch | null>, trackLatency = false): TopK {
    const topK = new TopK(s.capacity, trackLatency);
    topK.total = s.total;
    topK.exact = s.exact;
    topK.rebuild(
      s.entries.map(([key, count, error, errors], i) => {
        const bytes = Buffer.from(key, 'utf8');
        const entry = new TopKEntry(bytes, bytes.length, hashBytes(bytes, 0, bytes.length), count, key);
        entry.error = error;
        entry.errors = errors;
        entry.sketch = sketches[i];
        return entry;
      }),
    );
    return topK;
  }

  // ---- internals ----

  private minCount(): number {
    return this.byId.length < this.capacity || this.low === null ? 0 : this.low.count;
  }

  private rebuild(entries: TopKEntry[]): void {
    entries.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (entries.length > this.capacity) {
      entries.length = this.capacity;
      this.exact = false;
    }
    this.slots.clear();
    this.byId.length = 0;
    this.low = this.high = null;
    // Smallest count first, so each entry joins the last bucket or a new one after it.
    for (let i = entries.length - 1; i >= 0; i--) {
      const e = entries[i];
      e.id = -1;
      e.bucket = e.prevInBucket = e.nextInBucket = null;
      this.index(e);
      const last = this.high as CountBucket | null;
      this.attach(e, last !== null && last.count === e.count ? last : this.newBucketBefore(null, e.count));
    }
  }

  private insert(buf: Buffer, start: number, end: number, hash: number, key: string | null): TopKEntry {
    if (this.byId.length < this.capacity) {
      const entry = new TopKEntry(Buffer.from(buf.subarray(start, end)), end - start, hash, 1, key);
      this.index(entry);
      this.placeFromLow(entry);
      return entry;
    }
    // Space-Saving: the new key takes over a counter of the smallest count, inheriting it as error.
    this.exact = false;
    const entry = this.low!.first!;
    this.unindex(entry);
    entry.reuseFor(buf, start, end, hash);
    entry.error = entry.count;
    this.index(entry);
    this.raise(entry, 1);
    return entry;
  }

  private bump(entry: TopKEntry, by: number): void {
    this.raise(entry, by);
  }

  // ---- the bucket list ----

  /** Adds `by` to an entry's count, moving it to the bucket of its new count. */
  private raise(entry: TopKEntry, by: number): void {
    const from = entry.bucket!;
    const target = entry.count + by;
    let next = from.next;
    while (next !== null && next.count < target) next = next.next;
    entry.count = target;
    if (next !== null && next.count === target) {
      this.detach(entry);
      this.attach(entry, next);
    } else if (from.size === 1 && from.next === next) {
      from.count = target; // alone, and still in order: the bucket takes the new count
    } else {
      const bucket = this.newBucketBefore(next, target);
      this.detach(entry);
      this.attach(entry, bucket);
    }
  }

  /** Puts an entry not yet in a bucket into the bucket of its count. */
  private placeFromLow(entry: TopKEntry): void {
    let next = this.low;
    while (next !== null && next.count < entry.count) next = next.next;
    this.attach(entry, next !== null && next.count === entry.count ? next : this.newBucketBefore(next, entry.count));
  }

  /** A new, empty bucket linked in before `next` (at the end when next is null). */
  private newBucketBefore(next: CountBucket | null, count: number): CountBucket {
    const bucket = this.spareBuckets.pop() ?? new CountBucket(count);
    bucket.count = count;
    const prev = next === null ? this.high : next.prev;
    bucket.prev = prev;
    bucket.next = next;
    if (prev === null) this.low = bucket;
    else prev.next = bucket;
    if (next === null) this.high = bucket;
    else next.prev = bucket;
    return bucket;
  }

  private attach(entry: TopKEntry, bucket: CountBucket): void {
    const first = bucket.first;
    entry.bucket = bucket;
    entry.prevInBucket = null;
    entry.nextInBucket = first;
    if (first !== null) first.prevInBucket = entry;
    bucket.first = entry;
    bucket.size++;
  }

  /** Takes an entry out of its bucket, unlinking the bucket when that empties it. */
  private detach(entry: TopKEntry): void {
    const bucket = entry.bucket!;
    const { prevInBucket: prev, nextInBucket: next } = entry;
    if (prev === null) bucket.first = next;
    else prev.nextInBucket = next;
    if (next !== null) next.prevInBucket = prev;
    entry.bucket = entry.prevInBucket = entry.nextInBucket = null;
    if (--bucket.size > 0) return;
    if (bucket.prev === null) this.low = bucket.next;
    else bucket.prev.next = bucket.next;
    if (bucket.next === null) this.high = bucket.prev;
    else bucket.next.prev = bucket.prev;
    bucket.prev = bucket.next = null;
    this.spareBuckets.push(bucket);
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
}
