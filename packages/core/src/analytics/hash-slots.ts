// An open-addressing table from 32-bit hashes to small integer ids (linear probing, deletion by
// backward shift, so no tombstones). Top-k tables replace one key per line once they are full; a Map
// delete + set per line, plus arrays for colliding hashes, cost more than the counting itself.
// Callers keep the id → hash mapping and check that a found id really holds their key.

export class HashSlots {
  private readonly table: Int32Array; // id + 1, or 0 for empty
  private readonly mask: number;

  /** Room for `capacity` ids at a load of at most 1/2. */
  constructor(capacity: number) {
    let size = 8;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
  }

  /** The first slot to probe for a hash. */
  start(hash: number): number {
    return hash & this.mask;
  }

  /** The id at a slot, or -1 for an empty one (where a probe ends). */
  idAt(slot: number): number {
    return this.table[slot] - 1;
  }

  next(slot: number): number {
    return (slot + 1) & this.mask;
  }

  add(hash: number, id: number): void {
    let slot = hash & this.mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
    this.table[slot] = id + 1;
  }

  /** Removes id (stored under hash); hashOf gives the hash of any other id in the table. */
  remove(hash: number, id: number, hashOf: (id: number) => number): void {
    const table = this.table;
    const mask = this.mask;
    let hole = hash & mask;
    while (table[hole] !== id + 1) {
      if (table[hole] === 0) return;
      hole = (hole + 1) & mask;
    }
    // Backward shift: move later members of the probe run into the hole when their home slot allows.
    let slot = hole;
    for (;;) {
      slot = (slot + 1) & mask;
      if (table[slot] === 0) break;
      const home = hashOf(table[slot] - 1) & mask;
      // Movable unless home lies cyclically in (hole, slot].
      const homeBetween = hole <= slot ? home > hole && home <= slot : home > hole || home <= slot;
      if (!homeBetween) {
        table[hole] = table[slot];
        hole = slot;
      }
    }
    table[hole] = 0;
  }

  clear(): void {
    this.table.fill(0);
  }
}
