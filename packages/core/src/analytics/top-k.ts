// Counts per key (paths, clients, user agents, error messages) that stay exact while the distinct keys
// fit `capacity` (131,072 by default, per chunk and per merge), and then become a Space-Saving summary
// (Metwally et al.): every count is an upper bound at most `error` above the truth, so the true count
// lies in [count - error, count], and error ≤ total / capacity. A key that was counted from its first
// occurrence on keeps error 0 and so stays exact: the heavy keys of a Zipf-like stream, which arrive
// before the table fills. Tables are read in order of the guaranteed count, count - error.
//
// A chunk's partial writes a table that is no longer exact with only its PARTIAL_TOP_ROWS largest
// counts. Every key left out had at most the smallest count kept, so a merge adds that floor for a
// key a non-exact table lacks, as it does for a full one; a job's merged error is then at most
// total / PARTIAL_TOP_ROWS rather than total / capacity.
//
// A table is a few typed arrays indexed by counter id (key bytes and hashes in key-arena.ts, counts
// and the Stream-Summary in count-buckets.ts, latencies in key-latency.ts), not an object per key:
// at 100,000+ keys the objects' garbage collection and cache misses doubled the time of a pass. Keys
// are looked up by a hash of their bytes, so a line's key costs no string unless it is new, and a
// table's strings are made only when it is read.
//
// A table made with `admitOnSecondSight` (the error messages', whose keys are often all distinct:
// ids and numbers in every message) puts a doorkeeper before Space-Saving once it is full: a key
// seen for the first time since then is not admitted, only remembered in a Bloom filter, and takes a
// counter on its second sighting (or at once when the filter answers wrongly that it saw it). Every
// key the table holds is in the filter too (put there when the filter is made, as keys are added,
// after a merge), so an evicted key stays in it, and a key the filter has not seen is one the table
// lacks, turned away without a probe of the hash slots: only a key the table never held is ever
// turned away, and only once. The guarantees stand: such a key's truth is then 1, ≤ the smallest count of a full
// table, as Space-Saving requires of every key outside it; admitted, it gets the smallest count + 1
// as its count and the smallest count as its error, and its truth, 2, is in that range. It spares the eviction (a key's bytes copied, two hash-slot updates) for the keys
// that never come back, which on such a stream is almost every one.
//
// A decoded table places its counters in key order, so it serializes without a sort. A merge (the
// coordinator's merge of every chunk into its job) meets keys by hash and bytes, adds to the keys
// both tables hold where they are and appends the other's new keys; past the capacity it cuts the
// table back in place, keeping the largest counts and, at the threshold count, the first keys. Only
// keys whose strings do not sort as their bytes (lone surrogates, invalid UTF-8) take the slower
// merge by strings, and a table that has evicted (its Space-Saving list built) merges by rebuilding
// in key order.
import { ROOM_BYTES_MAX } from '../json-parts';
import type { JsonOut } from '../json-parts';
import { MAX_INTEGER_BYTES, writeInteger } from '../text/ascii-writer';
import { hashBytes } from './byte-hash';
import { CountBuckets } from './count-buckets';
import { HashSlots } from './hash-slots';
import { KeyArena } from './key-arena';
import { KeyLatencies } from './key-latency';
import { QuantileSketch } from './quantile-sketch';
import { keptRows, nthLargest, selectTop } from './rows-by-count';

/**
 * 2^17 distinct keys: a 64 MiB combined log of ~120,000 distinct paths stays exact, and the table
 * grows with its keys, so small inputs pay for few.
 */
export const DEFAULT_TOP_K_CAPACITY = 131_072;

/**
 * The rows a chunk's partial writes of a table that is no longer exact (serialize's maxRows): the
 * largest counts, a quarter of the capacity. A Space-Saving summary's tail is its smallest counts,
 * each a bound that the floor of the rows kept already gives. Shipping, checking and merging all
 * 131,072 rows of every chunk cost a 1 GiB log of distinct error messages ~15% of its job time
 * (2 workers, 4.56 → 3.89 s); a quarter keeps the merged ranges as narrow as before on that file.
 */
export const PARTIAL_TOP_ROWS = 32_768;

/** countBytes' answer for a key an admitOnSecondSight table counted without admitting it. */
export const NOT_ADMITTED = -1;
/**
 * The doorkeeper's size in bits (4 MiB, made only when a table of that kind fills). Each key sets two
 * bits, and a filling filter answers "seen" wrongly more often, each time an eviction: of the 4.35 M
 * error lines of the first 512 MiB of the bench's level-mix applog (distinct messages), 0.80 M were
 * evictions with 2^23 bits, 0.29 M with 2^25. 4 interleaved one-thread passes over that whole 1 GiB
 * file took 0.82× the time (512 MiB: 0.89×; 256 MiB, where the smaller filter had not filled yet:
 * 1.00×), for the same peak RSS.
 */
const DOORKEEPER_BITS = 1 << 25;
/** A mixed 32-bit hash shifted right by this is a word index of the doorkeeper: its top 20 bits. */
const DOORKEEPER_WORD_SHIFT = 32 - Math.log2(DOORKEEPER_BITS >>> 5);

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

type SerializedEntry = SerializedTopK['entries'][number];

const COMMA = 0x2c;
const QUOTE = 0x22;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const NULL_JSON = 'null';
/** A row's bytes besides its key, counts and sketch: ,["",,,,] */
const ROW_PUNCTUATION_BYTES = 9;

/** A number as JSON.stringify writes it. */
const numberJson = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

/**
 * One counter of a table, read and written through the table: it stays this counter while
 * Space-Saving hands the counter from key to key, as an evicted entry did.
 */
export class TopKEntry {
  constructor(
    private readonly table: TopK,
    readonly id: number,
  ) {}

  get key(): string {
    return this.table.keyAt(this.id);
  }

  get hash(): number {
    return this.table.hashAt(this.id);
  }

  get count(): number {
    return this.table.countAt(this.id);
  }

  /** How much count may exceed the true count (0 while exact). */
  get error(): number {
    return this.table.errorAt(this.id);
  }

  /** Lines with this key that were errors. */
  get errors(): number {
    return this.table.errorLinesAt(this.id);
  }

  set errors(n: number) {
    this.table.setErrorLinesAt(this.id, n);
  }

  /** A sketch of this key's response times, when any were recorded (a copy: adding to it changes nothing here). */
  get latency(): QuantileSketch | null {
    return this.table.latencyAt(this.id);
  }
}

/** One row of a merge: a key of this table or the other, and its merged figures. */
interface MergedRow {
  key: string;
  count: number;
  error: number;
  errors: number;
  /** Where the key's bytes and first latencies are, and the ids of the other side's latencies to add. */
  from: TopK;
  fromId: number;
  otherIds: number[] | null;
}

export class TopK {
  total = 0;
  exact = true;
  private ids = 0;
  private readonly slots = new HashSlots();
  private keys = new KeyArena();
  private readonly counts = new CountBuckets();
  /** Per id: how far its count may exceed the truth, and its error lines. */
  private errors = new Float64Array(16);
  private errorLines = new Float64Array(16);
  /** Made by the first latency recorded, merged or decoded. */
  private latencies: KeyLatencies | null = null;
  /**
   * Whether ids follow their keys' order (as a decoded or merged table places them), so that the
   * table serializes without sorting and merges into another by one pass over both key orders.
   */
  private idsInKeyOrder = true;
  /**
   * Set by mergeInPlace: ids and their counters' stamps are not those a table decoded from this one's
   * serialization would have, so the first line counted puts them back in key order first
   * (canonicalIds), and a merged table goes on counting lines exactly as one decoded from its result.
   */
  private mergedInPlace = false;
  /** The latencies of the table before clear(), emptied, for the first latency counted after it. */
  private clearedLatencies: KeyLatencies | null = null;
  /** The doorkeeper's bits, made when an admitOnSecondSight table first turns a key away. */
  private doorkeeper: Int32Array | null = null;

  constructor(
    readonly capacity: number = DEFAULT_TOP_K_CAPACITY,
    private readonly trackLatency = false,
    private readonly admitOnSecondSight = false,
  ) {}

  get size(): number {
    return this.ids;
  }

  /** Tables of one kind behave alike: a cleared one stands in for a new one of its kind. */
  static kindOf(capacity: number, trackLatency: boolean, admitOnSecondSight: boolean): string {
    return `${capacity}:${trackLatency}:${admitOnSecondSight}`;
  }

  get kind(): string {
    return TopK.kindOf(this.capacity, this.trackLatency, this.admitOnSecondSight);
  }

  private emptyLatencies(): KeyLatencies {
    const latencies = this.clearedLatencies ?? new KeyLatencies();
    this.clearedLatencies = null;
    return latencies;
  }

  /**
   * Makes the table empty again, as a new one of its kind, keeping its arrays at the size they grew
   * to: a thread's next chunk reuses it (table-reuse.ts).
   */
  clear(): void {
    this.total = 0;
    this.exact = true;
    this.ids = 0;
    this.slots.clear();
    this.keys.clear();
    this.counts.clear();
    this.errors.fill(0);
    this.errorLines.fill(0);
    // Null as a new table's, so every path that asks whether there are latencies reads the same.
    if (this.latencies !== null) {
      this.latencies.clearAll();
      this.clearedLatencies = this.latencies;
      this.latencies = null;
    }
    this.idsInKeyOrder = true;
    this.mergedInPlace = false;
    this.doorkeeper = null;
  }

  /** Counts the key whose UTF-8 bytes are buf[start, end). */
  addBytes(buf: Buffer, start: number, end: number): TopKEntry {
    return new TopKEntry(this, this.countBytes(buf, start, end));
  }

  addString(key: string): TopKEntry {
    return new TopKEntry(this, this.countString(key));
  }

  /**
   * addBytes, answering the key's counter id rather than an entry: the accumulator counts four keys a
   * line, and an entry object for each was most of the garbage of a pass. NOT_ADMITTED (only from an
   * admitOnSecondSight table) when the key was counted in the total but holds no counter.
   */
  countBytes(buf: Buffer, start: number, end: number): number {
    return this.countKey(buf, start, end, null);
  }

  /** addString, answering the key's counter id. */
  countString(key: string): number {
    const bytes = Buffer.from(key, 'utf8');
    return this.countKey(bytes, 0, bytes.length, key);
  }

  /** Adds a response time, given by its QuantileSketch.keyOf, to the entry's latencies. */
  recordLatency(entry: TopKEntry, sketchKey: number): void {
    this.recordLatencyAt(entry.id, sketchKey);
  }

  /** recordLatency by counter id. */
  recordLatencyAt(id: number, sketchKey: number): void {
    (this.latencies ??= this.emptyLatencies()).addKey(id, sketchKey);
  }

  /** Counts a line with counter id's key as an error. */
  addErrorLineAt(id: number): void {
    this.errorLines[id]++;
  }

  entries(): TopKEntry[] {
    return Array.from({ length: this.ids }, (_, id) => new TopKEntry(this, id));
  }

  /** The k with the largest guaranteed count (count - error), then the largest count, then by key. */
  top(k: number): TopKEntry[] {
    const ids = Array.from({ length: this.ids }, (_, id) => id);
    const counts = this.counts;
    const errors = this.errors;
    // Keys become strings only to break ties: a report polled during a job reads 131,072-key tables.
    const compare = (a: number, b: number): number =>
      counts.count(b) - errors[b] - (counts.count(a) - errors[a]) || counts.count(b) - counts.count(a) || compareStrings(this.keys.key(a), this.keys.key(b));
    return selectTop(ids, k, compare).map((id) => new TopKEntry(this, id));
  }

  /** The most any count here can exceed the truth. */
  errorBound(): number {
    let max = 0;
    if (!this.exact) for (let id = 0; id < this.ids; id++) if (this.errors[id] > max) max = this.errors[id];
    return max;
  }

  /** Adds another summary's counts into this one (the mergeable-summaries rule for Space-Saving). */
  merge(other: TopK): void {
    // A key missing from an approximate summary may still have occurred there up to its minimum count.
    const thisFloor = this.exact ? 0 : this.minCount();
    const otherFloor = other.exact ? 0 : other.minCount();
    const byBytes = this.keys.sortsAsStrings() && other.keys.sortsAsStrings();
    // In place unless the table is read by itself or has evicted (its counters' stamps would be lost).
    // Keys that do not sort as their bytes can still merge in place when no cut is needed: only the
    // cut's ties at the threshold are broken by key order.
    const inPlace = other !== this && !this.counts.listBuilt && (byBytes || (this.exact && other.exact && this.ids + this.keysMissingFrom(other) <= this.capacity));
    if (inPlace) this.mergeInPlace(other, thisFloor, otherFloor);
    else if (byBytes) this.mergeByBytes(other, thisFloor, otherFloor);
    else this.mergeByStrings(other, thisFloor, otherFloor);
    // The other's keys are held now: a doorkeeper that lacked them would turn them away.
    if (this.doorkeeper !== null) this.holdAllInDoorkeeper();
  }

  /**
   * The table in key order. With maxRows, a table that is no longer exact keeps only its maxRows
   * largest counts (at the threshold count, the first keys): a dropped key's truth is at most the
   * threshold, the smallest count kept, which is the floor a merge adds for a key a non-exact table
   * lacks, so every range stays true. An exact table is always written whole.
   */
  serialize(maxRows = Infinity): SerializedTopK {
    const entries: SerializedEntry[] = [];
    this.visitRows(maxRows, (key, count, error, errorLines, sketch) => {
      entries.push([key, count, error, errorLines, sketch]);
    });
    return { ...this.serializedHead(), entries };
  }

  /** serialize() without its entries: what a writer of the entries' JSON (writeEntriesJson) goes with. */
  serializedHead(): Omit<SerializedTopK, 'entries'> {
    return { capacity: this.capacity, total: this.total, exact: this.exact };
  }

  /**
   * JSON.stringify's text of serialize(maxRows).entries, written to out with no tuple made: a 64 MiB
   * access log's 120,000 rows as arrays and strings were ~20 MB of a pool thread's heap at its peak,
   * beside the JSON bytes made from them. A row goes straight into the block as bytes (its key's, its
   * counts' digits, its listed latencies' text); making each row's strings, then the run's, then its
   * bytes was most of the time from a chunk's accumulator to its partial (~300 ms of a 64 MiB
   * chunk). A row whose key needs escaping, or whose counts are not integers, goes as text.
   */
  writeEntriesJson(maxRows: number, out: JsonOut): void {
    out.write('[');
    let first = true;
    let keyOf: ((id: number) => string) | null = null;
    this.visitIds(maxRows, (id) => {
      if (!this.writeRowBytes(id, first, out)) {
        keyOf ??= this.keys.keyReader();
        out.write(`${first ? '' : ','}${this.rowJson(id, keyOf(id))}`);
      }
      first = false;
    });
    out.write(']');
  }

  /** Row id's JSON with its key given as a string. */
  private rowJson(id: number, key: string): string {
    const sketch = this.latencyText(id);
    return `[${JSON.stringify(key)},${numberJson(this.counts.count(id))},${numberJson(this.errors[id])},${numberJson(this.errorLines[id])},${sketch === null ? 'null' : JSON.stringify(sketch)}]`;
  }

  /**
   * Writes row id (after a comma unless first) as bytes, as rowJson's text would be; false, with
   * nothing written, when the key needs escaping, a count is not an integer, or the row is too long.
   */
  private writeRowBytes(id: number, first: boolean, out: JsonOut): boolean {
    const count = this.counts.count(id);
    const error = this.errors[id];
    const errorLines = this.errorLines[id];
    if (!Number.isSafeInteger(count) || !Number.isSafeInteger(error) || !Number.isSafeInteger(errorLines)) return false;
    const latencies = this.latencies;
    const timed = latencies !== null && latencies.count(id) > 0;
    const listedBytes = timed ? latencies.listedTextBytes(id) : null;
    // A sketched key's text is made first: its length is only known then. Sketch texts are digits
    // and ";:,-" (QuantileSketch's grammar), so they need no escaping.
    const sketchText = timed && listedBytes === null ? latencies.serialize(id) : null;
    const sketchBytes = !timed ? NULL_JSON.length : 2 + (listedBytes ?? sketchText!.length);
    const room = ROW_PUNCTUATION_BYTES + this.keys.length(id) + 3 * MAX_INTEGER_BYTES + sketchBytes;
    if (room > ROOM_BYTES_MAX) return false;
    const buf = out.room(room);
    let at = out.at;
    if (!first) buf[at++] = COMMA;
    buf[at++] = OPEN_BRACKET;
    buf[at++] = QUOTE;
    at = this.keys.writeJsonStringBody(id, buf, at);
    if (at < 0) return false;
    buf[at++] = QUOTE;
    buf[at++] = COMMA;
    at = writeInteger(buf, at, count);
    buf[at++] = COMMA;
    at = writeInteger(buf, at, error);
    buf[at++] = COMMA;
    at = writeInteger(buf, at, errorLines);
    buf[at++] = COMMA;
    if (!timed) {
      for (let i = 0; i < NULL_JSON.length; i++) buf[at++] = NULL_JSON.charCodeAt(i);
    } else {
      buf[at++] = QUOTE;
      if (sketchText === null) at = latencies.writeListedText(id, buf, at);
      else for (let i = 0; i < sketchText.length; i++) buf[at++] = sketchText.charCodeAt(i);
      buf[at++] = QUOTE;
    }
    buf[at++] = CLOSE_BRACKET;
    out.at = at;
    return true;
  }

  /** Key id's latency sketch text, or null when it has no timed value (or the table tracks none). */
  private latencyText(id: number): string | null {
    const latencies = this.latencies;
    return latencies !== null && latencies.count(id) > 0 ? latencies.serialize(id) : null;
  }

  /** The rows serialize(maxRows) writes, in its order. */
  private visitRows(maxRows: number, visit: (key: string, count: number, error: number, errorLines: number, sketch: string | null) => void): void {
    const keyOf = this.keys.keyReader();
    this.visitIds(maxRows, (id) => visit(keyOf(id), this.counts.count(id), this.errors[id], this.errorLines[id], this.latencyText(id)));
  }

  /** The ids of the rows serialize(maxRows) writes, in its order. */
  private visitIds(maxRows: number, visit: (id: number) => void): void {
    // Strings for the sort only when the keys' bytes do not sort as their strings (idsInStringOrder).
    const order = this.idsInKeyOrder ? null : this.idsInStringOrder(this.keys.sortsAsStrings() ? null : this.keys.keys(this.ids));
    const kept = !this.exact && this.ids > maxRows ? keptRows(this.countsById(), this.ids, order, maxRows) : null;
    for (let i = 0; i < this.ids; i++) {
      const id = order === null ? i : order[i];
      if (kept !== null && kept[id] === 0) continue;
      visit(id);
    }
  }

  static deserialize(s: SerializedTopK, trackLatency = false): TopK {
    const sketchCounts = s.entries.map(([, , , , sketch]) => {
      if (sketch === null) return -1;
      const count = QuantileSketch.countOfText(sketch);
      if (count < 0) throw new Error('not a serialized quantile sketch');
      return count;
    });
    return TopK.fromChecked(s, sketchCounts, trackLatency);
  }

  /**
   * deserialize() of a table whose sketch texts the caller has checked while checking the table:
   * sketchCounts[i] is how many values entry i's sketch holds (QuantileSketch.countOfText), -1 for none.
   */
  static fromChecked(s: SerializedTopK, sketchCounts: ArrayLike<number>, trackLatency = false): TopK {
    const n = s.entries.length;
    const keys = new KeyArena();
    const counts = new Float64Array(n);
    const errors = new Float64Array(n);
    const errorLines = new Float64Array(n);
    let inKeyOrder = true;
    for (let i = 0; i < n; i++) {
      const [key, count, error, errorCount] = s.entries[i];
      keys.appendString(i, key);
      counts[i] = count;
      errors[i] = error;
      errorLines[i] = errorCount;
      if (i > 0 && !(s.entries[i - 1][0] < key)) inKeyOrder = false;
    }
    // serialize() writes keys in order (checkTopK insists); anything else is sorted here, ties by entry.
    const keyOrder = inKeyOrder ? null : Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => compareStrings(s.entries[a][0], s.entries[b][0]) || a - b);
    const top = new TopK(s.capacity, trackLatency);
    top.total = s.total;
    top.exact = s.exact && n <= top.capacity;
    const latencies = new KeyLatencies();
    let anyLatency = false;
    top.placeRows(keyOrder, n, keptRows(counts, n, keyOrder, top.capacity), keys, counts, errors, errorLines, (id, row) => {
      const sketch = s.entries[row][4];
      if (sketch === null) return;
      latencies.adoptText(id, sketch, sketchCounts[row]);
      anyLatency = true;
    });
    top.latencies = anyLatency ? latencies : null;
    return top;
  }

  // ---- by counter id (TopKEntry reads and writes through these) ----

  keyAt(id: number): string {
    return this.keys.key(id);
  }

  hashAt(id: number): number {
    return this.keys.hash(id);
  }

  countAt(id: number): number {
    return this.counts.count(id);
  }

  errorAt(id: number): number {
    return this.errors[id];
  }

  errorLinesAt(id: number): number {
    return this.errorLines[id];
  }

  setErrorLinesAt(id: number, n: number): void {
    this.errorLines[id] = n;
  }

  latencyAt(id: number): QuantileSketch | null {
    const latencies = this.latencies;
    if (latencies === null || latencies.count(id) === 0) return null;
    return QuantileSketch.deserialize(latencies.serialize(id));
  }

  // ---- internals ----

  /** Counts the key buf[start, end) (given as `key` when it came as a string); returns its id. */
  private countKey(buf: Buffer, start: number, end: number, key: string | null): number {
    // Before any count changes: counters' stamps decide what Space-Saving evicts.
    if (this.mergedInPlace) this.canonicalIds();
    const hash = hashBytes(buf, start, end);
    this.total++;
    // The doorkeeper holds every key of the table (see startDoorkeeper), so a key it has not seen is
    // not held: turned away without probing the slots, which for a stream of distinct messages is a
    // cache miss on nearly every line.
    if (this.doorkeeper !== null && this.ids >= this.capacity && this.firstSighting(hash)) return this.turnAway();
    let id = this.find(hash, buf, start, end);
    if (id >= 0) this.counts.raise(id, 1);
    else if (this.admitOnSecondSight && this.doorkeeper === null && this.ids >= this.capacity) {
      // The table has just filled: from now on a key seen for the first time is only remembered.
      this.startDoorkeeper();
      this.firstSighting(hash);
      id = this.turnAway();
    } else id = this.insert(buf, start, end, hash, key);
    return id;
  }

  private turnAway(): number {
    this.exact = false;
    return NOT_ADMITTED;
  }

  /** Makes the doorkeeper, holding every key of the table: nothing was evicted before, so nothing else needs remembering. */
  private startDoorkeeper(): void {
    this.doorkeeper = new Int32Array(DOORKEEPER_BITS >>> 5);
    this.holdAllInDoorkeeper();
  }

  /** Puts every key of the table in the doorkeeper, so that one it has not seen is one the table lacks. */
  private holdAllInDoorkeeper(): void {
    for (let id = 0; id < this.ids; id++) this.firstSighting(this.keys.hash(id));
  }

  /**
   * Whether the doorkeeper has not seen this hash before (and now has): two bits of one 32-bit word of
   * a DOORKEEPER_BITS Bloom filter, the word from the mixed hash's top bits, the bits from its low ten.
   * One word, so a line's check is one cache miss, not two (the filter is larger than a core's cache).
   * Filled by millions of keys it answers "seen" more often, admitting more keys: it degrades to
   * plain Space-Saving, never below it.
   */
  private firstSighting(hash: number): boolean {
    const bits = this.doorkeeper!;
    const word = Math.imul(hash, 0x9e3779b1) >>> DOORKEEPER_WORD_SHIFT;
    const mask = (1 << (hash & 31)) | (1 << ((hash >>> 5) & 31));
    const seen = (bits[word] & mask) === mask;
    bits[word] |= mask;
    return !seen;
  }

  /**
   * The most a key this table lacks can have occurred in what it summarizes, when it is not exact:
   * its smallest count. A table that evicted is full, and a table written with fewer rows
   * (serialize's maxRows) kept its largest counts, so either way every key outside it had at most that.
   */
  private minCount(): number {
    return this.counts.lowestCount();
  }

  /**
   * merge() when both tables' keys sort as their bytes (every key valid UTF-8, none kept as given):
   * keys meet by hash and bytes and sort by bytes, so no key becomes a string.
   */
  private mergeByBytes(other: TopK, thisFloor: number, otherFloor: number): void {
    const most = this.ids + other.ids;
    // The merged rows: this table's keys (row = its id), then other's keys it lacks, added to its own
    // arena and hash slots as rows this.ids.. (the table is rebuilt from the rows at the end anyway).
    const keys = this.keys;
    const slots = this.slots;
    const counts = new Float64Array(most);
    const errors = new Float64Array(most);
    const errorLines = new Float64Array(most);
    /** Per row: other's id when the row is other's key, else -1. */
    const otherRow = new Int32Array(most).fill(-1);
    /** Per row of this table: the first of other's ids merged into it, else -1 (more, for a table holding a key twice, in moreMerged). */
    const merged = new Int32Array(most).fill(-1);
    let moreMerged: Map<number, number[]> | null = null;
    for (let id = 0; id < this.ids; id++) {
      counts[id] = this.counts.count(id) + otherFloor;
      errors[id] = this.errors[id] + otherFloor;
      errorLines[id] = this.errorLines[id];
    }
    let n = this.ids;
    for (let id = 0; id < other.ids; id++) {
      let row = findKey(slots, keys, other.keys, id);
      if (row >= 0) {
        counts[row] += other.counts.count(id) - otherFloor;
        errors[row] += other.errors[id] - otherFloor;
        errorLines[row] += other.errorLines[id];
        if (merged[row] < 0) merged[row] = id;
        else {
          moreMerged ??= new Map();
          const more = moreMerged.get(row);
          if (more) more.push(id);
          else moreMerged.set(row, [id]);
        }
      } else {
        row = n++;
        keys.copyFrom(row, other.keys, id);
        slots.add(keys.hash(row), row, keys);
        counts[row] = other.counts.count(id) + thisFloor;
        errors[row] = other.errors[id] + thisFloor;
        errorLines[row] = other.errorLines[id];
        otherRow[row] = id;
      }
    }
    this.total += other.total;
    this.exact = this.exact && other.exact && n <= this.capacity;
    // This table's rows, then other's new ones: each in key order when its ids are, and then one pass
    // over both gives the merged order; else the merged keys are sorted.
    let keyOrder: Int32Array;
    if (this.idsInKeyOrder && other.idsInKeyOrder) {
      keyOrder = new Int32Array(n);
      let mine = 0;
      let theirs = this.ids;
      let at = 0;
      while (mine < this.ids && theirs < n) keyOrder[at++] = keys.compareIds(mine, theirs) < 0 ? mine++ : theirs++;
      while (mine < this.ids) keyOrder[at++] = mine++;
      while (theirs < n) keyOrder[at++] = theirs++;
    } else {
      keyOrder = keys.sortedIds(n)!;
    }
    const mine = this.latencies;
    const theirs = other.latencies;
    // This table's sketches move to the new ids rather than being copied: its old ids are dropped.
    const mayMove = other !== this;
    const latencies = new KeyLatencies();
    let anyLatency = false;
    this.placeRows(keyOrder, n, keptRows(counts, n, keyOrder, this.capacity), keys, counts, errors, errorLines, (id, row) => {
      const from = otherRow[row];
      if (from >= 0) {
        if (theirs !== null) {
          latencies.copy(id, theirs, from);
          anyLatency = true;
        }
      } else if (mine !== null) {
        if (mayMove) latencies.move(id, mine, row);
        else latencies.copy(id, mine, row);
        anyLatency = true;
      }
      if (merged[row] >= 0 && theirs !== null) {
        latencies.merge(id, theirs, merged[row]);
        for (const more of moreMerged?.get(row) ?? []) latencies.merge(id, theirs, more);
        anyLatency = true;
      }
    });
    this.latencies = anyLatency ? latencies : null;
  }

  /**
   * The merge without rebuilding the table (mergeByBytes' result): the keys both hold are added to where they are,
   * other's new keys are appended, and when they take the table past its capacity the rows that
   * lose (the smallest counts; at the threshold count, the last keys) leave, the survivors beyond the
   * capacity moving into their ids. A job's merged paths table holds its 131,072 keys from the second
   * chunk on, and rebuilding it in key order on every merge was three quarters of the coordinator's
   * merge time on access logs. Ids then no longer follow key order: serialize() sorts, and a table
   * that goes on counting lines puts its ids back in key order first (see canonicalIds).
   */
  private mergeInPlace(other: TopK, thisFloor: number, otherFloor: number): void {
    const keys = this.keys;
    const counts = this.counts;
    const before = this.ids;
    if (otherFloor > 0) {
      for (let id = 0; id < before; id++) {
        counts.raise(id, otherFloor);
        this.errors[id] += otherFloor;
      }
    }
    const theirs = other.latencies;
    const latencies = theirs !== null ? (this.latencies ??= this.emptyLatencies()) : this.latencies;
    for (let from = 0; from < other.ids; from++) {
      const id = findKey(this.slots, keys, other.keys, from);
      if (id >= 0) {
        // Also a key other holds twice (a table decoded from repeated keys): the second adds to the first.
        counts.raise(id, other.counts.count(from) - otherFloor);
        this.errors[id] += other.errors[from] - otherFloor;
        this.errorLines[id] += other.errorLines[from];
        if (theirs !== null) latencies!.merge(id, theirs, from);
        continue;
      }
      const added = this.newId();
      keys.copyFrom(added, other.keys, from);
      this.slots.add(keys.hash(added), added, keys);
      counts.place(added, other.counts.count(from) + thisFloor);
      this.errors[added] = other.errors[from] + thisFloor;
      this.errorLines[added] = other.errorLines[from];
      if (theirs !== null) latencies!.copy(added, theirs, from);
    }
    this.total += other.total;
    this.exact = this.exact && other.exact && this.ids <= this.capacity;
    if (this.ids > before) this.idsInKeyOrder = false;
    if (this.ids > this.capacity) this.keepLargest();
    this.mergedInPlace = true;
  }

  /** Ids in the order of their keys' strings, ties by id: by the bytes when they sort so, else by `strings` (the keys). */
  /** Each id's count, by id. */
  private countsById(): Float64Array {
    const counts = new Float64Array(this.ids);
    for (let id = 0; id < this.ids; id++) counts[id] = this.counts.count(id);
    return counts;
  }

  private idsInStringOrder(strings: string[] | null): Int32Array {
    return this.keys.sortedIds(this.ids) ?? Int32Array.from({ length: this.ids }, (_, id) => id).sort((a, b) => compareStrings(strings![a], strings![b]) || a - b);
  }

  /** Rebuilds the table with ids in key order, each counter stamped in that order: as fromChecked places them. */
  private canonicalIds(): void {
    this.mergedInPlace = false;
    const n = this.ids;
    const keys = this.keys;
    const order = this.idsInStringOrder(keys.sortsAsStrings() ? null : keys.keys(n));
    const counts = this.countsById();
    const mine = this.latencies;
    const latencies = new KeyLatencies();
    this.placeRows(order, n, null, keys, counts, this.errors.slice(0, n), this.errorLines.slice(0, n), (id, row) => {
      if (mine !== null) latencies.move(id, mine, row);
    });
    this.latencies = mine !== null ? latencies : null;
  }

  /** Cuts the table to its capacity as keptRows chooses: the largest counts, ties at the threshold by key. */
  private keepLargest(): void {
    const n = this.ids;
    const capacity = this.capacity;
    const counts = this.counts;
    const all = new Float64Array(n);
    for (let id = 0; id < n; id++) all[id] = counts.count(id);
    // The capacity-th largest count: rows above it stay, rows below it go, rows at it are tied.
    const threshold = nthLargest(all, capacity);
    let above = 0;
    let tied = 0;
    for (let id = 0; id < n; id++) {
      const count = counts.count(id);
      if (count > threshold) above++;
      else if (count === threshold) tied++;
    }
    const ties = new Int32Array(tied);
    for (let id = 0, t = 0; id < n; id++) if (counts.count(id) === threshold) ties[t++] = id;
    this.keys.selectFirstIds(ties, capacity - above);
    const leaving = new Uint8Array(n);
    for (let id = 0; id < n; id++) if (counts.count(id) < threshold) leaving[id] = 1;
    for (let t = capacity - above; t < tied; t++) leaving[ties[t]] = 1;
    for (let id = 0; id < n; id++) {
      if (leaving[id] === 0) continue;
      this.slots.remove(this.keys.hash(id), id);
      this.latencies?.clear(id);
    }
    // Survivors past the capacity move down into the ids that left below it.
    let hole = 0;
    for (let id = capacity; id < n; id++) {
      if (leaving[id] === 1) continue;
      while (leaving[hole] === 0) hole++;
      this.moveRow(id, hole);
      hole++;
    }
    this.ids = capacity;
    counts.truncate(capacity);
    this.keys.truncate(capacity);
  }

  /** Gives row `to` (emptied: out of the slots, no latencies) everything of row `from`, which is then dropped. */
  private moveRow(from: number, to: number): void {
    const keys = this.keys;
    this.slots.remove(keys.hash(from), from);
    keys.copyFrom(to, keys, from);
    this.slots.add(keys.hash(to), to, keys);
    this.counts.set(to, this.counts.count(from));
    this.errors[to] = this.errors[from];
    this.errorLines[to] = this.errorLines[from];
    const latencies = this.latencies;
    if (latencies !== null) {
      latencies.move(to, latencies, from);
      latencies.clear(from);
    }
  }

  /** merge() by the keys' strings, for tables holding keys whose strings do not sort as their bytes. */
  private mergeByStrings(other: TopK, thisFloor: number, otherFloor: number): void {
    const merged = new Map<string, MergedRow>();
    const thisKeys = this.keys.keys(this.ids);
    for (let id = 0; id < this.ids; id++) {
      const row: MergedRow = {
        key: thisKeys[id],
        count: this.counts.count(id) + otherFloor,
        error: this.errors[id] + otherFloor,
        errors: this.errorLines[id],
        from: this,
        fromId: id,
        otherIds: null,
      };
      merged.set(row.key, row);
    }
    const otherKeys = other.keys.keys(other.ids);
    for (let id = 0; id < other.ids; id++) {
      const key = otherKeys[id];
      const mine = merged.get(key);
      if (mine) {
        mine.count += other.counts.count(id) - otherFloor;
        mine.error += other.errors[id] - otherFloor;
        mine.errors += other.errorLines[id];
        (mine.otherIds ??= []).push(id);
      } else {
        const count = other.counts.count(id) + thisFloor;
        merged.set(key, { key, count, error: other.errors[id] + thisFloor, errors: other.errorLines[id], from: other, fromId: id, otherIds: null });
      }
    }
    this.total += other.total;
    this.exact = this.exact && other.exact && merged.size <= this.capacity;
    this.rebuild([...merged.values()], other);
  }

  /**
   * Makes rows of `keys` (with their counts) this table's counters, in key order (keyOrder lists the
   * rows so; null: they are in it), leaving out those `kept` does not mark (null: none). Ids follow
   * the keys, so the table serializes without a sort. latencyOf gives each new id its row's latencies.
   */
  private placeRows(
    keyOrder: Int32Array | null,
    n: number,
    kept: Uint8Array | null,
    keys: KeyArena,
    counts: Float64Array,
    errors: Float64Array,
    errorLines: Float64Array,
    latencyOf: (id: number, row: number) => void,
  ): void {
    // Rows already in order, all kept, are the new table's ids as they are: their arena becomes its own.
    const adopt = keyOrder === null && kept === null;
    const arena = adopt ? keys : new KeyArena();
    this.slots.clear();
    this.counts.clear();
    const size = Math.min(n, this.capacity);
    this.slots.reserve(size);
    this.errors = new Float64Array(Math.max(16, size));
    this.errorLines = new Float64Array(Math.max(16, size));
    this.ids = 0;
    for (let i = 0; i < n; i++) {
      const row = keyOrder === null ? i : keyOrder[i];
      if (kept !== null && kept[row] === 0) continue;
      const id = this.ids++;
      if (!adopt) arena.copyFrom(id, keys, row);
      this.slots.add(arena.hash(id), id, arena);
      this.counts.place(id, counts[row]);
      this.errors[id] = errors[row];
      this.errorLines[id] = errorLines[row];
      latencyOf(id, row);
    }
    this.keys = arena;
    this.idsInKeyOrder = true;
    this.mergedInPlace = false;
  }

  /**
   * Makes the table rows' keys, sorted by count then key and cut to the capacity, with ids from the
   * smallest count up. A row's latencies are copied from its source, and other's merged in.
   */
  private rebuild(rows: MergedRow[], other: TopK | null): void {
    rows.sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    if (rows.length > this.capacity) {
      rows.length = this.capacity;
      this.exact = false;
    }
    // Rows may be this table's own: their keys and latencies move to new arrays.
    const keys = new KeyArena();
    const latencies = new KeyLatencies();
    let anyLatency = false;
    this.slots.clear();
    this.counts.clear();
    this.errors = new Float64Array(Math.max(16, rows.length));
    this.errorLines = new Float64Array(Math.max(16, rows.length));
    this.ids = 0;
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i];
      const id = this.ids++;
      keys.copyFrom(id, row.from.keys, row.fromId);
      this.slots.add(keys.hash(id), id, keys);
      this.counts.place(id, row.count);
      this.errors[id] = row.error;
      this.errorLines[id] = row.errors;
      if (row.from.latencies !== null) {
        latencies.copy(id, row.from.latencies, row.fromId);
        anyLatency = true;
      }
      if (row.otherIds !== null && other !== null && other.latencies !== null) {
        for (const otherId of row.otherIds) latencies.merge(id, other.latencies, otherId);
        anyLatency = true;
      }
    }
    this.keys = keys;
    this.latencies = anyLatency ? latencies : null;
    this.idsInKeyOrder = false;
    this.mergedInPlace = false;
  }

  /** How many of other's ids hold keys this table lacks (a key other holds twice counts twice). */
  private keysMissingFrom(other: TopK): number {
    let missing = 0;
    for (let id = 0; id < other.ids; id++) if (this.findKeyOf(other, id) < 0) missing++;
    return missing;
  }

  private insert(buf: Buffer, start: number, end: number, hash: number, key: string | null): number {
    this.idsInKeyOrder = this.ids === 0;
    if (this.ids < this.capacity) {
      const id = this.newId();
      this.setKey(id, buf, start, end, hash, key);
      this.slots.add(hash, id, this.keys);
      this.counts.place(id, 1);
      // A table cut back below its capacity by a merge still keeps its doorkeeper holding every key.
      if (this.doorkeeper !== null) this.firstSighting(hash);
      return id;
    }
    // Space-Saving: the new key takes over a counter of the smallest count, inheriting it as error.
    this.exact = false;
    const id = this.counts.lowest();
    const evictedHash = this.keys.hash(id);
    // The evicted key stays in the doorkeeper, which holds every key the table held: it is admitted
    // again at once, as plain Space-Saving would take it (see admitOnSecondSight above).
    this.slots.remove(evictedHash, id);
    // Bytes only, even for a key given as a string: a reused entry always decoded its key from them.
    this.keys.set(id, buf, start, end, hash);
    this.errorLines[id] = 0;
    this.latencies?.clear(id);
    this.errors[id] = this.counts.count(id);
    this.slots.add(hash, id, this.keys);
    this.counts.raise(id, 1);
    return id;
  }

  private setKey(id: number, buf: Buffer, start: number, end: number, hash: number, key: string | null): void {
    if (key === null) this.keys.set(id, buf, start, end, hash);
    else this.keys.setString(id, key, buf, hash);
  }

  /** The next id, its error and error lines 0. */
  private newId(): number {
    const id = this.ids++;
    if (id >= this.errors.length) {
      const errors = new Float64Array(2 * this.errors.length);
      errors.set(this.errors);
      this.errors = errors;
      const errorLines = new Float64Array(2 * this.errorLines.length);
      errorLines.set(this.errorLines);
      this.errorLines = errorLines;
    }
    this.errors[id] = 0;
    this.errorLines[id] = 0;
    return id;
  }

  private find(hash: number, buf: Uint8Array, start: number, end: number): number {
    const slots = this.slots;
    const keys = this.keys;
    if (this.slotsGeneration !== keys.generation) this.refreshSlotSpans();
    const length = end - start;
    for (let slot = slots.start(hash); ; slot = slots.next(slot)) {
      const id = slots.idAt(slot);
      if (id < 0) return -1;
      // The table holds hashes as int32; ours are uint32.
      if (slots.hashAt(slot) === (hash | 0) && slots.lengthAt(slot) === length && keys.sameBytesAt(slots.offsetAt(slot), buf, start, length)) return id;
    }
  }

  /** The arena generation whose key offsets the slots hold; -1 before the first lookup. */
  private slotsGeneration = -1;

  /** The arena moved its keys (or is another arena): the slots take their offsets again. */
  private refreshSlotSpans(): void {
    this.slots.refreshSpans(this.keys);
    this.slotsGeneration = this.keys.generation;
  }

  /** This table's id of other's key otherId, or -1. */
  private findKeyOf(other: TopK, otherId: number): number {
    return findKey(this.slots, this.keys, other.keys, otherId);
  }
}

/** The id in (slots, keys) of the key otherKeys holds at otherId, or -1. */
function findKey(slots: HashSlots, keys: KeyArena, otherKeys: KeyArena, otherId: number): number {
  const hash = otherKeys.hash(otherId);
  for (let slot = slots.start(hash); ; slot = slots.next(slot)) {
    const id = slots.idAt(slot);
    if (id < 0) return -1;
    // The table holds hashes as int32; ours are uint32.
    if (slots.hashAt(slot) === (hash | 0) && keys.sameKeyAs(id, otherKeys, otherId)) return id;
  }
}

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
