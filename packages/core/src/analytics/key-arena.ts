// The keys of a top-k table's counters: each id's UTF-8 bytes in one growing buffer, with its span and
// hash in a typed array, so that a table of 100,000+ keys is a few arrays rather than an object, a
// Buffer and a string per key (which cost a tenth of a pass in garbage collection and cache misses).
// A key's string is made only when the table is read (serialized, merged, listed).
import { isUtf8 } from 'buffer';
import { wordView } from '../text/word-view';
import { hashBytes } from './byte-hash';

/** Per id, spans[4 id ..]: start in bytes, length, room (bytes reserved at start), hash. */
const STRIDE = 4;
const SURROGATE = /[\uD800-\uDFFF]/;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Ranges sorted by insertion rather than partitioned. */
const INSERTION_SORT_MAX = 12;
/**
 * A UTF-8 byte's rank in the order of the UTF-16 code units it encodes (the order of JS strings),
 * for bytes from 0xEE: UTF-8 orders code points, while UTF-16 puts the surrogate pairs of U+10000 and
 * up (lead bytes F0-F4) before U+E000-U+FFFF (lead bytes EE, EF). Lower bytes rank as themselves.
 */
const HIGH_BYTE_RANK: Record<number, number> = { 0xee: 0xf3, 0xef: 0xf4, 0xf0: 0xee, 0xf1: 0xef, 0xf2: 0xf0, 0xf3: 0xf1, 0xf4: 0xf2 };

/** Generations are unique across arenas: a table that swaps in another arena sees a new one. */
let nextGeneration = 0;

export class KeyArena {
  /**
   * Changes whenever keys move within the bytes (compaction), so a hash table that keeps key offsets
   * (hash-slots.ts) knows to take them again.
   */
  generation = nextGeneration++;
  private bytes: Buffer = Buffer.allocUnsafe(1024);
  /** A word view of bytes, renewed with it: keys compare four bytes a step. */
  private view: DataView = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.byteLength);
  private used = 0;
  /** Bytes of keys replaced by longer ones, reclaimed by compaction. */
  private wasted = 0;
  private spans = new Int32Array(STRIDE * 16);
  /** Ids whose key holds a byte ≥ 0x80 (decoded as UTF-8; the others as ASCII). */
  private nonAscii = new Uint8Array(16);
  /** Keys whose bytes are not UTF-8 (decoded with U+FFFD, so their strings do not sort as their bytes). */
  private readonly invalid = new Set<number>();
  /**
   * Keys given as strings that their bytes do not give back (lone surrogates, which UTF-8 encodes as
   * U+FFFD): the table keeps the string it was given, as it did when each entry held one.
   */
  private readonly givenStrings = new Map<number, string>();

  hash(id: number): number {
    return this.spans[STRIDE * id + 3] >>> 0;
  }

  length(id: number): number {
    return this.spans[STRIDE * id + 1];
  }

  /** Where id's key starts in the arena's bytes, until the generation changes. */
  offsetOf(id: number): number {
    return this.spans[STRIDE * id];
  }

  /** Makes id's key buf[start, end), with that hash; id is an existing one or the next. */
  set(id: number, buf: Uint8Array, start: number, end: number, hash: number): void {
    if (STRIDE * id >= this.spans.length) this.growIds(2 * (id + 1));
    const spans = this.spans;
    const at = STRIDE * id;
    const length = end - start;
    let offset: number;
    if (id < this.idCount && spans[at + 2] >= length) {
      offset = spans[at];
    } else {
      if (id < this.idCount) this.wasted += spans[at + 2];
      offset = this.reserve(length);
      spans[at] = offset;
      spans[at + 2] = length;
    }
    if (id >= this.idCount) this.idCount = id + 1;
    spans[at + 1] = length;
    spans[at + 3] = hash | 0;
    const bytes = this.bytes;
    let any = 0;
    // A loop: Buffer#copy goes through a JS wrapper that costs more than copying a path's bytes.
    for (let i = 0; i < length; i++) any |= bytes[offset + i] = buf[start + i];
    this.nonAscii[id] = any >= 0x80 ? 1 : 0;
    // Both are almost always empty: a delete from each cost more than copying a short key.
    if (this.givenStrings.size > 0) this.givenStrings.delete(id);
    if (this.invalid.size > 0) this.invalid.delete(id);
    if (any >= 0x80 && !isUtf8(bytes.subarray(offset, offset + length))) this.invalid.add(id);
  }

  /** set() with the key's string, kept when its bytes would not decode back to it. */
  setString(id: number, key: string, bytes: Buffer, hash: number): void {
    this.set(id, bytes, 0, bytes.length, hash);
    if (SURROGATE.test(key) && bytes.toString('utf8') !== key) this.givenStrings.set(id, key);
  }

  /**
   * setString() for the next id, encoding the key straight into the arena: a decoded table's 100,000+
   * keys then cost no Buffer each. The key's hash is hashBytes of its UTF-8.
   */
  appendString(id: number, key: string): void {
    if (id !== this.idCount) throw new Error(`key ${id} appended out of order (expected ${this.idCount})`);
    if (STRIDE * id >= this.spans.length) this.growIds(2 * (id + 1));
    // Room for the longest encoding (3 bytes a UTF-16 unit), then the rest handed back.
    const room = 3 * key.length;
    const offset = this.reserve(room);
    const length = this.bytes.write(key, offset, 'utf8');
    this.used -= room - length;
    const spans = this.spans;
    const at = STRIDE * id;
    spans[at] = offset;
    spans[at + 1] = length;
    spans[at + 2] = length;
    spans[at + 3] = hashBytes(this.bytes, offset, offset + length) | 0;
    this.idCount = id + 1;
    // A UTF-16 unit of U+0080 and up takes two bytes or more: equal lengths mean ASCII.
    const ascii = length === key.length;
    this.nonAscii[id] = ascii ? 0 : 1;
    if (!ascii && SURROGATE.test(key) && this.key(id) !== key) this.givenStrings.set(id, key);
  }

  /**
   * Copies id's key into buf at `at` as the inside of its JSON string, when that is the bytes as
   * they are (ASCII from the space up, other than '"' and '\\'), and returns the position after it;
   * -1 for any other key, which a writer then writes from its string. buf has room for length(id) bytes.
   */
  writeJsonStringBody(id: number, buf: Uint8Array, at: number): number {
    if (this.nonAscii[id] === 1) return -1;
    const bytes = this.bytes;
    const start = this.spans[STRIDE * id];
    const end = start + this.spans[STRIDE * id + 1];
    for (let i = start; i < end; i++) {
      const byte = bytes[i];
      if (byte < 0x20 || byte === QUOTE || byte === BACKSLASH) return -1;
      buf[at++] = byte;
    }
    return at;
  }

  /** The order of two keys' strings, told from their bytes (for an arena whose keys sort as strings). */
  compareIds(a: number, b: number): number {
    const spans = this.spans;
    const bytes = this.bytes;
    const startA = spans[STRIDE * a];
    const startB = spans[STRIDE * b];
    const lengthA = spans[STRIDE * a + 1];
    const lengthB = spans[STRIDE * b + 1];
    const shared = Math.min(lengthA, lengthB);
    for (let i = 0; i < shared; i++) {
      const x = bytes[startA + i];
      const y = bytes[startB + i];
      if (x !== y) return (x < 0xee ? x : HIGH_BYTE_RANK[x]) - (y < 0xee ? y : HIGH_BYTE_RANK[y]);
    }
    return lengthA - lengthB;
  }

  /** Gives `to` the key of `from` in another arena. */
  copyFrom(to: number, other: KeyArena, from: number): void {
    const at = STRIDE * from;
    const start = other.spans[at];
    this.set(to, other.bytes, start, start + other.spans[at + 1], other.spans[at + 3]);
    const given = other.givenStrings.get(from);
    if (given !== undefined) this.givenStrings.set(to, given);
  }

  sameBytes(id: number, buf: Uint8Array, start: number, end: number): boolean {
    return this.sameAt(id, buf, wordView(buf), start, end);
  }

  /** sameBytes with buf's word view given. */
  private sameAt(id: number, buf: Uint8Array, words: DataView, start: number, end: number): boolean {
    const spans = this.spans;
    const length = spans[STRIDE * id + 1];
    return length === end - start && this.bytesEqual(spans[STRIDE * id], buf, words, start, length);
  }

  /**
   * Whether the key at offset (of this generation), `length` bytes long, is buf[start, start + length):
   * sameBytes for a caller that knows where the key lies, with no read of its span.
   */
  sameBytesAt(offset: number, buf: Uint8Array, start: number, length: number): boolean {
    return this.bytesEqual(offset, buf, wordView(buf), start, length);
  }

  /**
   * Four bytes a step, then the tail: a byte loop took ~1.5 ns a byte, and Buffer#compare's native
   * call ~110 ns whatever the length (a user agent is ~110 bytes).
   */
  private bytesEqual(offset: number, buf: Uint8Array, words: DataView, start: number, length: number): boolean {
    const mine = this.view;
    let i = 0;
    for (const wordsEnd = length - 3; i < wordsEnd; i += 4) if (mine.getInt32(offset + i) !== words.getInt32(start + i)) return false;
    const bytes = this.bytes;
    for (; i < length; i++) if (bytes[offset + i] !== buf[start + i]) return false;
    return true;
  }

  /** Whether id's key is other's key `otherId`, byte for byte. */
  sameKeyAs(id: number, other: KeyArena, otherId: number): boolean {
    const start = other.spans[STRIDE * otherId];
    return this.sameAt(id, other.bytes, other.view, start, start + other.spans[STRIDE * otherId + 1]);
  }

  key(id: number): string {
    const given = this.givenStrings.get(id);
    if (given !== undefined) return given;
    const offset = this.spans[STRIDE * id];
    return this.bytes.toString(this.nonAscii[id] === 1 ? 'utf8' : 'latin1', offset, offset + this.spans[STRIDE * id + 1]);
  }

  /**
   * The keys of ids 0..count-1, as key(id) gives them: ASCII keys are cut from one decoding of the whole
   * buffer, since a decode per key (a native call each) was most of the cost of listing 100,000 keys.
   */
  keys(count: number): string[] {
    const keyOf = this.keyReader();
    const keys = new Array<string>(count);
    for (let id = 0; id < count; id++) keys[id] = keyOf(id);
    return keys;
  }

  /**
   * key(id) for many ids, as keys() cuts them, one at a time: a writer that needs each key only once
   * lets each string die young, where keys() holds them all (120,000 paths, ~5 MB) at once.
   * Valid until the arena next changes.
   */
  keyReader(): (id: number) => string {
    const text = this.bytes.toString('latin1', 0, this.used);
    const spans = this.spans;
    return (id) => {
      const offset = spans[STRIDE * id];
      const decodeAlone = this.nonAscii[id] === 1 || (this.givenStrings.size > 0 && this.givenStrings.has(id));
      return decodeAlone ? this.key(id) : text.substring(offset, offset + spans[STRIDE * id + 1]);
    };
  }

  /**
   * Ids 0..count-1 in the order of their keys' strings (ties, which only a table decoded from repeated
   * keys has, by id), as a stable sort by key(id) gives them; null when some key's string does not
   * sort as its bytes (not UTF-8, or kept as given). Sorted on the bytes by multikey quicksort
   * (Bentley & Sedgewick): 100,000 paths share long prefixes, and comparing their strings in a sort
   * was a seventh of a pass.
   */
  sortedIds(count: number): Int32Array | null {
    if (!this.sortsAsStrings()) return null;
    const ids = new Int32Array(count);
    for (let id = 0; id < count; id++) ids[id] = id;
    this.sortRange(ids, 0, count, 0);
    return ids;
  }

  /**
   * Reorders the given ids so that ids[0, k) are the first k in the order of their keys' strings,
   * ties by id (in no particular order among themselves; for an arena whose keys sort as strings). A
   * cut keeps the first k of the keys tied at its threshold: selecting them partitions only the side
   * holding the k-th key, where sorting all the ties (tens of thousands of count-1 keys a merge) was
   * 18 ms of every cut of a combined job's 131,072-key path table.
   */
  selectFirstIds(ids: Int32Array, k: number): void {
    let lo = 0;
    let hi = ids.length;
    let depth = 0;
    while (k > lo && k < hi) {
      if (hi - lo <= INSERTION_SORT_MAX) {
        this.sortRange(ids, lo, hi, depth);
        return;
      }
      const pivot = this.partition(ids, lo, hi, depth);
      const lt = this.equalStart;
      const gt = this.equalEnd;
      if (k <= lt) {
        hi = lt;
      } else if (k > gt) {
        lo = gt + 1;
      } else if (pivot < 0) {
        // The k-th falls among keys equal to the end: they go by id.
        ids.subarray(lt, gt + 1).sort();
        return;
      } else {
        lo = lt;
        hi = gt + 1;
        depth++;
      }
    }
  }

  /** Forgets ids count.. (their bytes are left for compaction). */
  truncate(count: number): void {
    for (let id = count; id < this.idCount; id++) this.wasted += this.spans[STRIDE * id + 2];
    this.idCount = Math.min(this.idCount, count);
  }

  /**
   * Whether every key's string sorts as its bytes and is the only string they give (all UTF-8, none
   * kept as given): keys then compare, meet and sort by their bytes alone.
   */
  sortsAsStrings(): boolean {
    return this.invalid.size === 0 && this.givenStrings.size === 0;
  }

  /** Forgets every key, keeping the bytes and spans. */
  clear(): void {
    this.used = 0;
    this.wasted = 0;
    this.idCount = 0;
    this.givenStrings.clear();
    this.invalid.clear();
    this.generation = nextGeneration++;
  }

  /** partition()'s answer besides the pivot: ids[equalStart, equalEnd] rank as the pivot. */
  private equalStart = 0;
  private equalEnd = 0;

  /**
   * Partitions ids[lo, hi) three ways by the rank of byte `depth` around a median-of-three pivot, which
   * it returns: ids[lo, equalStart) rank below it, ids[equalStart, equalEnd] equal it, the rest above.
   */
  private partition(ids: Int32Array, lo: number, hi: number, depth: number): number {
    const pivot = median3(this.rankAt(ids[lo], depth), this.rankAt(ids[(lo + hi) >> 1], depth), this.rankAt(ids[hi - 1], depth));
    let lt = lo;
    let gt = hi - 1;
    let i = lo;
    while (i <= gt) {
      const rank = this.rankAt(ids[i], depth);
      if (rank < pivot) swap(ids, lt++, i++);
      else if (rank > pivot) swap(ids, i, gt--);
      else i++;
    }
    this.equalStart = lt;
    this.equalEnd = gt;
    return pivot;
  }

  /** Sorts ids[lo, hi), whose keys share their first `depth` bytes. */
  private sortRange(ids: Int32Array, lo: number, hi: number, depth: number): void {
    while (hi - lo > INSERTION_SORT_MAX) {
      const pivot = this.partition(ids, lo, hi, depth);
      const lt = this.equalStart;
      const gt = this.equalEnd;
      this.sortRange(ids, lo, lt, depth);
      this.sortRange(ids, gt + 1, hi, depth);
      if (pivot < 0) {
        // Keys that ended here are equal: by id, as a stable sort leaves them.
        ids.subarray(lt, gt + 1).sort();
        return;
      }
      lo = lt;
      hi = gt + 1;
      depth++;
    }
    for (let i = lo + 1; i < hi; i++) {
      const id = ids[i];
      let at = i;
      while (at > lo && this.compareFrom(id, ids[at - 1], depth) < 0) {
        ids[at] = ids[at - 1];
        at--;
      }
      ids[at] = id;
    }
  }

  /** The order of two keys that share their first `depth` bytes, then of their ids. */
  private compareFrom(a: number, b: number, depth: number): number {
    for (let d = depth; ; d++) {
      const rankA = this.rankAt(a, d);
      const rankB = this.rankAt(b, d);
      if (rankA !== rankB) return rankA - rankB;
      if (rankA < 0) return a - b;
    }
  }

  /** The rank of byte `depth` of id's key in string order, -1 past its end. */
  private rankAt(id: number, depth: number): number {
    const at = STRIDE * id;
    if (depth >= this.spans[at + 1]) return -1;
    const byte = this.bytes[this.spans[at] + depth];
    return byte < 0xee ? byte : HIGH_BYTE_RANK[byte];
  }

  /** Ids 0..idCount-1 have a key. */
  private idCount = 0;

  private reserve(length: number): number {
    if (this.used + length > this.bytes.length) {
      // Compact rather than grow when keys replaced by longer ones left half the buffer unused.
      if (this.wasted >= this.used / 2) this.compact();
      if (this.used + length > this.bytes.length) {
        let size = 2 * this.bytes.length;
        while (size < this.used + length) size *= 2;
        const bigger = Buffer.allocUnsafe(size);
        this.bytes.copy(bigger, 0, 0, this.used);
        this.useBytes(bigger);
      }
    }
    const offset = this.used;
    this.used += length;
    return offset;
  }

  private useBytes(bytes: Buffer): void {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** Rewrites the keys in id order with no room to spare. */
  private compact(): void {
    const old = this.bytes;
    const fresh = Buffer.allocUnsafe(old.length);
    const spans = this.spans;
    let used = 0;
    for (let id = 0; id < this.idCount; id++) {
      const at = STRIDE * id;
      const length = spans[at + 1];
      old.copy(fresh, used, spans[at], spans[at] + length);
      spans[at] = used;
      spans[at + 2] = length;
      used += length;
    }
    this.useBytes(fresh);
    this.used = used;
    this.wasted = 0;
    this.generation = nextGeneration++;
  }

  private growIds(ids: number): void {
    const spans = new Int32Array(STRIDE * ids);
    spans.set(this.spans);
    this.spans = spans;
    const nonAscii = new Uint8Array(ids);
    nonAscii.set(this.nonAscii);
    this.nonAscii = nonAscii;
  }
}

function median3(a: number, b: number, c: number): number {
  return a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
}

function swap(ids: Int32Array, i: number, j: number): void {
  const id = ids[i];
  ids[i] = ids[j];
  ids[j] = id;
}
