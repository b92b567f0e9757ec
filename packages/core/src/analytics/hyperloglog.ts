// HyperLogLog distinct counting (Flajolet et al.) with 2^14 registers: standard error 1.04/√16384 ≈ 0.81%.
// Registers merge by maximum, so any chunking and merge order gives identical registers and the same
// estimate as a single pass.

export const HLL_PRECISION = 14;
const REGISTERS = 1 << HLL_PRECISION;
/** 1.04 / sqrt(m): the relative standard error of the estimate. */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(REGISTERS);
/** Bits of the hash left for the rank: a register holds 0 (empty) to RANK_BITS + 1. */
const RANK_BITS = 32 - HLL_PRECISION;
const MAX_RANK = RANK_BITS + 1;
const ALPHA_INFINITY = 1 / (2 * Math.LN2);
const TWO_POW_32 = 2 ** 32;

/** Ertl's σ(x) = x + Σ_{k≥1} x^(2^k)·2^(k−1), for the empty registers. */
function sigma(x: number): number {
  if (x === 1) return Infinity;
  let z = x;
  let previous: number;
  let power = 1;
  do {
    x *= x;
    previous = z;
    z += x * power;
    power += power;
  } while (z !== previous);
  return z;
}

/** Ertl's τ(x) = (1 − x − Σ_{k≥1} (1 − x^(2^−k))²·2^−k) / 3, for the registers at the maximum rank. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let z = 1 - x;
  let previous: number;
  let weight = 1;
  do {
    x = Math.sqrt(x);
    previous = z;
    weight *= 0.5;
    z -= (1 - x) ** 2 * weight;
  } while (z !== previous);
  return z / 3;
}

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

  /**
   * Ertl's improved estimator ("New cardinality estimation algorithms for HyperLogLog sketches", 2017,
   * as in Redis): one formula over the histogram of register values for the whole range. The classic
   * estimator, switching from linear counting at 2.5·m registers, read about 2.4% high near 41 000 keys.
   * It counts distinct 32-bit hashes; keys whose hashes collide are added back at the end.
   */
  estimate(): number {
    const histogram = new Array<number>(RANK_BITS + 2).fill(0);
    for (let i = 0; i < REGISTERS; i++) histogram[Math.min(this.registers[i], RANK_BITS + 1)]++;
    let z = REGISTERS * tau(1 - histogram[RANK_BITS + 1] / REGISTERS);
    for (let k = RANK_BITS; k >= 1; k--) z = 0.5 * (z + histogram[k]);
    z += REGISTERS * sigma(histogram[0] / REGISTERS);
    const distinctHashes = (ALPHA_INFINITY * REGISTERS * REGISTERS) / z;
    return Math.round(distinctHashes < TWO_POW_32 ? -TWO_POW_32 * Math.log1p(-distinctHashes / TWO_POW_32) : distinctHashes);
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

  /**
   * The registers of serialize()'s text; throws on anything else: text that is not canonical base64
   * (Buffer's decoder would skip stray characters), a sparse index out of range or out of order, or a
   * register value above the largest rank.
   */
  static deserialize(encoded: string): HyperLogLog {
    const bytes = Buffer.from(encoded, 'base64');
    const hll = new HyperLogLog();
    const registers = hll.registers;
    let valid = bytes.toString('base64') === encoded;
    if (valid && bytes[0] === 0x44 && bytes.length === REGISTERS + 1) {
      registers.set(bytes.subarray(1));
      for (let i = 0; i < REGISTERS; i++) if (registers[i] > MAX_RANK) valid = false;
    } else if (valid && bytes[0] === 0x53 && (bytes.length - 1) % 3 === 0) {
      let previous = -1;
      for (let o = 1; o < bytes.length && valid; o += 3) {
        const index = bytes.readUInt16LE(o);
        const rank = bytes[o + 2];
        valid = index > previous && index < REGISTERS && rank >= 1 && rank <= MAX_RANK;
        registers[index] = rank;
        previous = index;
      }
    } else {
      valid = false;
    }
    if (!valid) throw new Error('not a serialized HyperLogLog');
    return hll;
  }
}
