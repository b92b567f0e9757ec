// The counts of a top-k table's counters (ids 0..n-1), and the Stream-Summary of Space-Saving
// (Metwally et al.) over them: buckets of equal count in a list sorted by count, so a count goes up,
// and the smallest is found, in O(1). (A min-heap needed a sift of ~10 levels per eviction, because a
// full table holds many counters at the smallest count.) Everything is typed arrays indexed by id:
// a table of 100,000+ keys as objects cost a tenth of a pass in garbage collection alone.
//
// The list is built only when a table first needs its smallest counter (an eviction): an exact table,
// the common case, then pays one array write per count instead of relinking counters whose memory a
// big table does not keep in cache. Built late, it must be the list the eager one would be, since the
// counter evicted is the first of the smallest bucket: a bucket lists its counters latest arrival
// first (raise and place put a counter at the front of its new bucket), so until the list exists each
// count change stamps its counter with a clock, and building sorts by count, then latest stamp first.

const NONE = -1;

export class CountBuckets {
  /** Counter id's count is tallies[2 * id] and its last change's stamp tallies[2 * id + 1] (side by side: one cache line). */
  private tallies = new Float64Array(2 * 16);
  private clock = 0;
  private built = false;

  // Per counter, while built: its bucket and its neighbours there.
  private bucketOf = new Int32Array(0);
  private prevInBucket = new Int32Array(0);
  private nextInBucket = new Int32Array(0);

  // Per bucket, while built; spare buckets are stacked in spare[0, spares).
  private bucketCount = new Float64Array(0);
  private bucketFirst = new Int32Array(0);
  private bucketSize = new Int32Array(0);
  private bucketPrev = new Int32Array(0);
  private bucketNext = new Int32Array(0);
  private spare = new Int32Array(0);
  private spares = 0;
  /** The buckets of the smallest and the largest count. */
  private low = NONE;
  private high = NONE;

  /** Counters 0..size-1 exist. */
  private size = 0;

  count(id: number): number {
    return this.tallies[2 * id];
  }

  /** Whether the bucket list exists (a table that evicted); set and truncate need it not to. */
  get listBuilt(): boolean {
    return this.built;
  }

  /** Sets an existing counter's count, as its latest change; only before the list is built. */
  set(id: number, count: number): void {
    if (this.built) throw new Error('a count is set only before the bucket list is built');
    this.tallies[2 * id] = count;
    this.tallies[2 * id + 1] = ++this.clock;
  }

  /** Forgets counters size.. (the list must not be built). */
  truncate(size: number): void {
    if (this.built) throw new Error('counters are truncated only before the bucket list is built');
    this.size = Math.min(this.size, size);
  }

  /** Forgets every counter (and the list), keeping the arrays. */
  clear(): void {
    this.size = 0;
    this.clock = 0;
    this.built = false;
    this.low = this.high = NONE;
  }

  /** Adds counter `id` (the next id, size) with a count, at the front of its count's bucket. */
  place(id: number, count: number): void {
    if (id !== this.size) throw new Error(`counter ${id} added out of order (expected ${this.size})`);
    if (2 * id >= this.tallies.length) this.tallies = grown(this.tallies, 4 * id);
    this.size++;
    this.tallies[2 * id] = count;
    if (!this.built) {
      this.tallies[2 * id + 1] = ++this.clock;
      return;
    }
    this.ensureListRoom();
    let next = this.low;
    while (next !== NONE && this.bucketCount[next] < count) next = this.bucketNext[next];
    this.attach(id, next !== NONE && this.bucketCount[next] === count ? next : this.newBucketBefore(next, count));
  }

  /** Adds `by` to a counter's count, moving it to the front of the bucket of its new count. */
  raise(id: number, by: number): void {
    const tallies = this.tallies;
    const target = tallies[2 * id] + by;
    tallies[2 * id] = target;
    if (!this.built) {
      tallies[2 * id + 1] = ++this.clock;
      return;
    }
    const from = this.bucketOf[id];
    let next = this.bucketNext[from];
    while (next !== NONE && this.bucketCount[next] < target) next = this.bucketNext[next];
    if (next !== NONE && this.bucketCount[next] === target) {
      this.detach(id);
      this.attach(id, next);
    } else if (this.bucketSize[from] === 1 && this.bucketNext[from] === next) {
      this.bucketCount[from] = target; // alone, and still in order: the bucket takes the new count
    } else {
      const bucket = this.newBucketBefore(next, target);
      this.detach(id);
      this.attach(id, bucket);
    }
  }

  /** The counter Space-Saving evicts: the first of the smallest count's bucket (-1 when there is none). */
  lowest(): number {
    if (!this.built) this.build();
    return this.low === NONE ? NONE : this.bucketFirst[this.low];
  }

  /** The smallest count, 0 when there are no counters. */
  lowestCount(): number {
    if (this.built) return this.low === NONE ? 0 : this.bucketCount[this.low];
    // Read off the counts: a merged table is asked this once per merge, and never evicts.
    if (this.size === 0) return 0;
    let lowest = Infinity;
    for (let id = 0; id < this.size; id++) if (this.tallies[2 * id] < lowest) lowest = this.tallies[2 * id];
    return lowest;
  }

  // ---- the bucket list ----

  private build(): void {
    this.built = true;
    this.low = this.high = NONE;
    this.ensureListRoom();
    // Every bucket is spare, the highest on top, so buckets are taken in increasing id.
    this.spares = 0;
    for (let bucket = this.bucketCount.length - 1; bucket >= 0; bucket--) this.spare[this.spares++] = bucket;
    const tallies = this.tallies;
    const ids = Array.from({ length: this.size }, (_, id) => id);
    // Smallest count first and, within a count, the earliest stamp: each attach goes to the front.
    ids.sort((a, b) => tallies[2 * a] - tallies[2 * b] || tallies[2 * a + 1] - tallies[2 * b + 1]);
    for (const id of ids) {
      const count = tallies[2 * id];
      this.attach(id, this.high !== NONE && this.bucketCount[this.high] === count ? this.high : this.newBucketBefore(NONE, count));
    }
  }

  /** Room in the list's arrays for every counter, and a bucket each plus one (raise makes one before it empties one). */
  private ensureListRoom(): void {
    const needed = this.size + 1;
    if (this.bucketOf.length >= needed) return;
    const room = Math.max(16, 2 * needed);
    this.bucketOf = grownInt(this.bucketOf, room);
    this.prevInBucket = grownInt(this.prevInBucket, room);
    this.nextInBucket = grownInt(this.nextInBucket, room);
    const oldBuckets = this.bucketCount.length;
    this.bucketCount = grown(this.bucketCount, room);
    this.bucketFirst = grownInt(this.bucketFirst, room);
    this.bucketSize = grownInt(this.bucketSize, room);
    this.bucketPrev = grownInt(this.bucketPrev, room);
    this.bucketNext = grownInt(this.bucketNext, room);
    const spare = new Int32Array(room);
    spare.set(this.spare.subarray(0, this.spares));
    // The new buckets are spare, the highest on top, so buckets are taken in increasing id.
    for (let bucket = room - 1; bucket >= oldBuckets; bucket--) spare[this.spares++] = bucket;
    this.spare = spare;
  }

  /** A new, empty bucket linked in before `next` (at the end when next is NONE). */
  private newBucketBefore(next: number, count: number): number {
    const bucket = this.spare[--this.spares];
    this.bucketCount[bucket] = count;
    this.bucketFirst[bucket] = NONE;
    this.bucketSize[bucket] = 0;
    const prev = next === NONE ? this.high : this.bucketPrev[next];
    this.bucketPrev[bucket] = prev;
    this.bucketNext[bucket] = next;
    if (prev === NONE) this.low = bucket;
    else this.bucketNext[prev] = bucket;
    if (next === NONE) this.high = bucket;
    else this.bucketPrev[next] = bucket;
    return bucket;
  }

  private attach(id: number, bucket: number): void {
    const first = this.bucketFirst[bucket];
    this.bucketOf[id] = bucket;
    this.prevInBucket[id] = NONE;
    this.nextInBucket[id] = first;
    if (first !== NONE) this.prevInBucket[first] = id;
    this.bucketFirst[bucket] = id;
    this.bucketSize[bucket]++;
  }

  /** Takes a counter out of its bucket, unlinking the bucket when that empties it. */
  private detach(id: number): void {
    const bucket = this.bucketOf[id];
    const prev = this.prevInBucket[id];
    const next = this.nextInBucket[id];
    if (prev === NONE) this.bucketFirst[bucket] = next;
    else this.nextInBucket[prev] = next;
    if (next !== NONE) this.prevInBucket[next] = prev;
    if (--this.bucketSize[bucket] > 0) return;
    const before = this.bucketPrev[bucket];
    const after = this.bucketNext[bucket];
    if (before === NONE) this.low = after;
    else this.bucketNext[before] = after;
    if (after === NONE) this.high = before;
    else this.bucketPrev[after] = before;
    this.spare[this.spares++] = bucket;
  }
}

function grown(array: Float64Array<ArrayBuffer>, length: number): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(length);
  bigger.set(array.subarray(0, Math.min(array.length, length)));
  return bigger;
}

function grownInt(array: Int32Array<ArrayBuffer>, length: number): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(length);
  bigger.set(array.subarray(0, Math.min(array.length, length)));
  return bigger;
}
