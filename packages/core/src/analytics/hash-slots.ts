// An open-addressing table from 32-bit hashes to small integer ids (linear probing, deletion by
// backward shift, so no tombstones). Top-k tables replace one key per line once they are full; a Map
// delete + set per line, plus arrays for colliding hashes, cost more than the counting itself.
// Each slot keeps its id's hash beside it, so a probe past other keys reads no entry (tables of
// 100,000+ keys do not fit a cache), and the table can rehash itself as it grows: it grows with its
// ids rather than being sized for a capacity up front, since a table is created for every partial
// checked and most hold a few keys. Callers check that a found id really holds their key.

const INITIAL_SLOTS = 16;

export class HashSlots {
  /** Slot i is table[2i] = id + 1 (0 for empty) and table[2i + 1] = its hash. */
  private table = new Int32Array(2 * INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private used = 0;

  /** The first slot to probe for a hash. */
  start(hash: number): number {
    return hash & this.mask;
  }

  /** The id at a slot, or -1 for an empty one (where a probe ends). */
  idAt(slot: number): number {
    return this.table[2 * slot] - 1;
  }

  /** The hash the id at a slot was added under, as an int32 (hash | 0). */
  hashAt(slot: number): number {
    return this.table[2 * slot + 1];
  }

  next(slot: number): number {
    return (slot + 1) & this.mask;
  }

  add(hash: number, id: number): void {
    if (2 * (this.used + 1) > this.mask + 1) this.grow();
    this.used++;
    this.place(hash | 0, id + 1);
  }

  /** Removes id, added under hash. */
  remove(hash: number, id: number): void {
    const table = this.table;
    const mask = this.mask;
    let hole = hash & mask;
    while (table[2 * hole] !== id + 1) {
      if (table[2 * hole] === 0) return;
      hole = (hole + 1) & mask;
    }
    this.used--;
    // Backward shift: move later members of the probe run into the hole when their home slot allows.
    let slot = hole;
    for (;;) {
      slot = (slot + 1) & mask;
      if (table[2 * slot] === 0) break;
      const home = table[2 * slot + 1] & mask;
      // Movable unless home lies cyclically in (hole, slot].
      const homeBetween = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (!homeBetween) {
        table[2 * hole] = table[2 * slot];
        table[2 * hole + 1] = table[2 * slot + 1];
        hole = slot;
      }
    }
    table[2 * hole] = 0;
  }

  clear(): void {
    this.table.fill(0);
    this.used = 0;
  }

  private place(hash: number, idPlusOne: number): void {
    const table = this.table;
    let slot = hash & this.mask;
    while (table[2 * slot] !== 0) slot = (slot + 1) & this.mask;
    table[2 * slot] = idPlusOne;
    table[2 * slot + 1] = hash;
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
    this.table = new Int32Array(2 * slots);
    this.mask = slots - 1;
    if (this.used > 0) for (let i = 0; i < old.length; i += 2) if (old[i] !== 0) this.place(old[i + 1], old[i]);
  }
}
