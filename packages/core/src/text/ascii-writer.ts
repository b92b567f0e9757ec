// Builds ASCII text (numbers and punctuation) as bytes in a growing buffer, decoded once: serialized
// sketches and per-second counts are thousands of small numbers, and a string per number, then a
// join, made most of the garbage a pass collected.

const MINUS = 0x2d;
/** The most bytes writeInteger writes: a sign and the 16 digits of a safe integer. */
export const MAX_INTEGER_BYTES = 17;

/**
 * Writes a safe integer in decimal into buf at `at`, which has room for MAX_INTEGER_BYTES, and
 * returns the position after it. For writers into a buffer of their own (a JSON block).
 */
export function writeInteger(buf: Uint8Array, at: number, n: number): number {
  if (n < 0) {
    buf[at++] = MINUS;
    n = -n;
  }
  let digits = 1;
  for (let power = 10; power <= n; power *= 10) digits++;
  const end = at + digits;
  at = end;
  // Below 2^31 in 32-bit integer steps: a double's % and floor cost several times more, and sketch
  // bins and per-second counts are nearly all small.
  while (n > 0x7fffffff) {
    buf[--at] = 0x30 + (n % 10);
    n = Math.floor(n / 10);
  }
  let small = n | 0;
  do {
    const tenth = (small / 10) | 0;
    buf[--at] = 0x30 + small - tenth * 10;
    small = tenth;
  } while (small > 0);
  return end;
}

export class AsciiWriter {
  private buf: Buffer;
  private length = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** Starts a new text, keeping the buffer. */
  reset(): void {
    this.length = 0;
  }

  byte(b: number): void {
    if (this.length === this.buf.length) this.grow();
    this.buf[this.length++] = b;
  }

  /** A safe integer in decimal. */
  integer(n: number): void {
    this.length = writeInteger(this.room(MAX_INTEGER_BYTES), this.length, n);
  }

  /** The buffer, with room for n more bytes from `end`: a caller writes there, then moves `end` past them. */
  room(n: number): Buffer {
    while (this.length + n > this.buf.length) this.grow();
    return this.buf;
  }

  get end(): number {
    return this.length;
  }

  set end(position: number) {
    this.length = position;
  }

  text(): string {
    return this.buf.toString('latin1', 0, this.length);
  }

  private grow(): void {
    const bigger = Buffer.allocUnsafe(this.buf.length * 2);
    this.buf.copy(bigger, 0, 0, this.length);
    this.buf = bigger;
  }
}
