// An open-addressing table from 32-bit hashes to small integer ids (linear probing, deletion by
// backward shift, so no tombstones). Top-k tables replace one key per line once they are full; a Map
// delete + set per line, plus arrays for colliding hashes, cost more than the counting itself.
// Each slot keeps its id's hash beside it, so a probe past other keys reads no entry (tables of
// 100,000+ keys do not fit a cache), and the table can rehash itself as it grows: it grows with its
// ids rather than being sized for a capacity up front, since a table is created for every partial
// checked and most hold a few keys. Callers check that a found id really holds their key; each slot
// also keeps where that key's bytes lie in the table's key arena, so the check reads the key itself
// and not first the arena's span of it: a lookup in a table of 100,000 keys is a few cache misses in
// a row, and that was one of them.

const INITIAL_SLOTS = 16;
const STRIDE = 4;

/** Where each id's key lies in its arena (a KeyArena is one). */
export interface KeySpans {
  offsetOf(id: number): number;
  length(id: number): number;
}

export class HashSlots {
  /** Slot i is table[4i] = id + 1 (0 for empty), table[4i + 1] = its hash, then its key's offset and length. */
  private table = new Int32Array(STRIDE * INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private used = 0;

  /** The first slot to probe for a hash. */
  start(hash: number): number {
    return hash & this.mask;
  }

  /** The id at a slot, or -1 for an empty one (where a probe ends). */
  idAt(slot: number): number {
    return this.table[STRIDE * slot] - 1;
  }

  /** The hash the id at a slot was added under, as an int32 (hash | 0). */
  hashAt(slot: number): number {
    return this.table[STRIDE * slot + 1];
  }

  /** Where the key of the id at a slot starts in its arena, as given to add() or refreshSpans(). */
  offsetAt(slot: number): number {
    return this.table[STRIDE * slot + 2];
  }

  /** The length in bytes of the key of the id at a slot. */
  lengthAt(slot: number): number {
    return this.table[STRIDE * slot + 3];
  }

  /** Takes every id's key offset and length afresh from its arena (after the arena moved its keys). */
  refreshSpans(keys: KeySpans): void {
    const table = this.table;
    for (let i = 0; i < table.length; i += STRIDE) {
      if (table[i] === 0) continue;
      table[i + 2] = keys.offsetOf(table[i] - 1);
      table[i + 3] = keys.length(table[i] - 1);
    }
  }

  next(slot: number): number {
    return (slot + 1) & this.mask;
  }

  /** Adds id under hash, with where its key lies in keys now. */
  add(hash: number, id: number, keys: KeySpans): void {
    if (2 * (this.used + 1) > this.mask + 1) this.grow();
    this.used++;
    this.place(hash | 0, id + 1, keys.offsetOf(id), keys.length(id));
  }

  /** Removes id, added under hash. */
  remove(hash: number, id: number): void {
    const table = this.table;
    const mask = this.mask;
    let hole = hash & mask;
    while (table[STRIDE * hole] !== id + 1) {
      if (table[STRIDE * hole] === 0) return;
      hole = (hole + 1) & mask;
    }
    this.used--;
    // Backward shift: move later members of the probe run into the hole when their home slot allows.
    let slot = hole;
    for (;;) {
      slot = (slot + 1) & mask;
      if (table[STRIDE * slot] === 0) break;
      const home = table[STRIDE * slot + 1] & mask;
      // Movable unless home lies cyclically in (hole, slot].
      const homeBetween = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (!homeBetween) {
        table.copyWithin(STRIDE * hole, STRIDE * slot, STRIDE * slot + STRIDE);
        hole = slot;
      }
    }
    table[STRIDE * hole] = 0;
  }

  clear(): void {
    this.table.fill(0);
    this.used = 0;
  }

  private place(hash: number, idPlusOne: number, offset: number, length: number): void {
    const table = this.table;
    let slot = hash & this.mask;
    while (table[STRIDE * slot] !== 0) slot = (slot + 1) & this.mask;
    const at = STRIDE * slot;
    table[at] = idPlusOne;
    table[at + 1] = hash;
    table[at + 2] = offset;
    table[at + 3] = length;
  }

  /**
   * Makes room for `ids` ids in all without growing on the way: a table decoded from a partial knows
   * its size, and growing to 131,072 keys one doubling at a time rehashed them all 13 times.
   */
  reserve(ids: number): void {
    let slots = this.mask + 1;
    while (2 * ids > slots) slots *= 2;
    if (slots > this.mask + 1) this.resize(slots);
  }

  private grow(): void {
    this.resize(2 * (this.mask + 1));
  }

  private resize(slots: number): void {
    const old = this.table;
    this.table = new Int32Array(STRIDE * slots);
    this.mask = slots - 1;
    if (this.used > 0) for (let i = 0; i < old.length; i += STRIDE) if (old[i] !== 0) this.place(old[i + 1], old[i], old[i + 2], old[i + 3]);
  }
}
