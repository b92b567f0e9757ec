// HyperLogLog distinct counting (Flajolet et al.) with 2^14 registers: standard error 1.04/√16384 ≈ 0.81%.
// Registers merge by maximum, so any chunking and merge order gives identical registers and the same
// estimate as a single pass.

export const HLL_PRECISION = 14;
const REGISTERS = 1 << HLL_PRECISION;
/** 1.04 / sqrt(m): the relative standard error of the estimate. */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(REGISTERS);
const ALPHA = 0.7213 / (1 + 1.079 / REGISTERS);
const TWO_POW_32 = 2 ** 32;

export class HyperLogLog {
  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    this.registers = registers ?? new Uint8Array(REGISTERS);
  }

  /** Adds an element by its 32-bit hash. */
  addHash(hash: number): void {
    const index = hash >>> (32 - HLL_PRECISION);
    // Rank of the first 1-bit in the remaining 18 bits (a sentinel bit bounds it at 19).
    const rest = (hash << HLL_PRECISION) | (1 << (HLL_PRECISION - 1));
    const rank = Math.clz32(rest) + 1;
    if (rank > this.registers[index]) this.registers[index] = rank;
  }

  merge(other: HyperLogLog): void {
    const a = this.registers;
    const b = other.registers;
    for (let i = 0; i < REGISTERS; i++) if (b[i] > a[i]) a[i] = b[i];
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < REGISTERS; i++) {
      const r = this.registers[i];
      sum += 2 ** -r;
      if (r === 0) zeros++;
    }
    let estimate = (ALPHA * REGISTERS * REGISTERS) / sum;
    if (estimate <= 2.5 * REGISTERS && zeros > 0) {
      estimate = REGISTERS * Math.log(REGISTERS / zeros); // linear counting for small sets
    } else if (estimate > TWO_POW_32 / 30) {
      estimate = -TWO_POW_32 * Math.log(1 - estimate / TWO_POW_32); // 32-bit hash collisions
    }
    return Math.round(estimate);
  }

  /** Sparse (index, rank) pairs when few registers are set, else the dense registers; base64. */
  serialize(): string {
    let used = 0;
    for (let i = 0; i < REGISTERS; i++) if (this.registers[i] !== 0) used++;
    if (used * 3 < REGISTERS) {
      const sparse = Buffer.allocUnsafe(1 + used * 3);
      sparse[0] = 0x53; // 'S'
      let o = 1;
      for (let i = 0; i < REGISTERS; i++) {
        if (this.registers[i] === 0) continue;
        sparse.writeUInt16LE(i, o);
        sparse[o + 2] = this.registers[i];
        o += 3;
      }
      return sparse.toString('base64');
    }
    return Buffer.concat([Buffer.from([0x44]), Buffer.from(this.registers)]).toString('base64'); // 'D'
  }

  static deserialize(encoded: string): HyperLogLog {
    const bytes = Buffer.from(encoded, 'base64');
    const hll = new HyperLogLog();
    if (bytes[0] === 0x44 && bytes.length === REGISTERS + 1) {
      hll.registers.set(bytes.subarray(1));
    } else if (bytes[0] === 0x53 && (bytes.length - 1) % 3 === 0) {
      for (let o = 1; o < bytes.length; o += 3) hll.registers[bytes.readUInt16LE(o)] = bytes[o + 2];
    } else {
      throw new Error('not a serialized HyperLogLog');
    }
    return hll;
  }
}
