// JSON written straight into a list of byte blocks, for results that leave the thread that made them.
// JSON.stringify of a month-long chunk's partial is a 34 MB string, and encoding it to UTF-8 needs a
// second copy at once; written piece by piece, the blocks are the only copy. The output is
// JSON.stringify's text for plain data (objects, arrays, strings, finite numbers, booleans and null;
// undefined properties are left out, undefined array items are null), except that it is all ASCII:
// a character past U+007F is written as its \u escape, which parses to the same string. A reader
// can then take the bytes as they are (a coordinator decoding a 2 MB partial as UTF-8 spent 3 ms;
// as ASCII, 0.2 ms), and a malformed-line sample quoting one non-ASCII byte no longer decides that
// for the whole partial. Values with toJSON, Maps, typed arrays and the like are refused.

const BLOCK_BYTES = 1 << 20;
/** A UTF-16 code unit is at most 3 UTF-8 bytes (a surrogate pair, 2 units, is 4). */
const MAX_BYTES_PER_UNIT = 3;

/**
 * Where a JsonWriters function writes: text, or bytes straight into the current block (room(n), then
 * bytes from `at` on, then `at` moved past them). Bytes so written must be ASCII JSON as write's are.
 */
export interface JsonOut {
  write(text: string): void;
  /** The current block, with room for n bytes from `at` (at most ROOM_BYTES_MAX). */
  room(n: number): Uint8Array;
  at: number;
}

/** The most room a writer may ask for at once: a quarter of a block, so little of one is left unused. */
export const ROOM_BYTES_MAX = BLOCK_BYTES >> 2;

class BlockWriter implements JsonOut {
  readonly blocks: Uint8Array[] = [];
  private block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
  private used = 0;

  get at(): number {
    return this.used;
  }

  set at(position: number) {
    this.used = position;
  }

  room(n: number): Uint8Array {
    if (n > ROOM_BYTES_MAX) throw new RangeError(`room for ${n} bytes asked of a JSON block; at most ${ROOM_BYTES_MAX}`);
    if (n > BLOCK_BYTES - this.used) this.flush();
    return this.block;
  }

  write(text: string): void {
    if (text.length * MAX_BYTES_PER_UNIT > BLOCK_BYTES - this.used) {
      this.flush();
      if (text.length * MAX_BYTES_PER_UNIT > BLOCK_BYTES) {
        // A long string (a chunk's per-second counts) becomes a block of its own, exactly sized.
        const ascii = Buffer.byteLength(text) === text.length ? text : escapeNonAscii(text);
        const own = Buffer.allocUnsafeSlow(ascii.length);
        own.write(ascii, 'latin1');
        this.blocks.push(own);
        return;
      }
    }
    const written = this.block.write(text, this.used);
    // More bytes than characters: some are past ASCII. What was written beyond `used` is overwritten.
    if (written !== text.length) return this.write(escapeNonAscii(text));
    this.used += written;
  }

  finish(): Uint8Array[] {
    this.flush();
    return this.blocks;
  }

  private flush(): void {
    if (this.used === 0) return;
    // Blocks are views on buffers of their own (allocUnsafeSlow is never a slice of Buffer's shared
    // pool), so they can be moved between threads.
    this.blocks.push(this.block.subarray(0, this.used));
    this.block = Buffer.allocUnsafeSlow(BLOCK_BYTES);
    this.used = 0;
  }
}

/** JSON text with every character past U+007F as its \u escape (outside strings JSON.stringify writes none). */
function escapeNonAscii(json: string): string {
  return json.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Values whose JSON a function writes instead: the function writes it to out in pieces (text, or
 * bytes), which concatenated are the JSON of one value (a top table's entries, written straight from
 * the table).
 */
export type JsonWriters = ReadonlyMap<object, (out: JsonOut) => void>;

function writeValue(out: BlockWriter, value: unknown, writers: JsonWriters | null): void {
  const writer = writers !== null && typeof value === 'object' && value !== null ? writers.get(value) : undefined;
  if (writer !== undefined) {
    writer(out);
  } else if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    out.write(JSON.stringify(value));
  } else if (typeof value === 'number') {
    out.write(Number.isFinite(value) ? String(value) : 'null');
  } else if (Array.isArray(value)) {
    writeArray(out, value, writers);
  } else if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype && !('toJSON' in value)) {
    out.write('{');
    let first = true;
    for (const [name, item] of Object.entries(value)) {
      if (item === undefined) continue;
      out.write(first ? `${JSON.stringify(name)}:` : `,${JSON.stringify(name)}:`);
      first = false;
      writeValue(out, item, writers);
    }
    out.write('}');
  } else {
    throw new TypeError(`not plain JSON data: ${Object.prototype.toString.call(value)}`);
  }
}

/**
 * Runs of flat items (primitives, and arrays of primitives: a top table's entries) are written by
 * JSON.stringify and sent to the block in pieces of this many characters: a write per comma and
 * bracket was 1.7 million native calls for one chunk's 140,000 entries, a tenth of a pool thread's time.
 */
const RUN_CHARS = 1 << 16;

function writeArray(out: BlockWriter, value: unknown[], writers: JsonWriters | null): void {
  let run = '[';
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    const comma = i > 0 ? ',' : '';
    if (isFlat(item) && !(writers !== null && typeof item === 'object' && item !== null && writers.has(item))) {
      // JSON.stringify writes a flat item as writeValue would: undefined array items and non-finite numbers as null.
      run += comma + (item === undefined ? 'null' : JSON.stringify(item));
      if (run.length < RUN_CHARS) continue;
      out.write(run);
      run = '';
    } else {
      out.write(run + comma);
      run = '';
      writeValue(out, item, writers);
    }
  }
  out.write(run + ']');
}

const isPrimitive = (v: unknown): boolean => v === null || v === undefined || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

function isFlat(item: unknown): boolean {
  if (isPrimitive(item)) return true;
  if (!Array.isArray(item)) return false;
  for (let i = 0; i < item.length; i++) if (!isPrimitive(item[i])) return false;
  return true;
}

/**
 * The JSON of plain data, in ASCII, as a list of blocks, each a view on an ArrayBuffer of its own.
 * A value that writers holds (by identity) is written by its function.
 */
export function jsonBlocks(value: unknown, writers: JsonWriters | null = null): Uint8Array[] {
  const out = new BlockWriter();
  writeValue(out, value, writers);
  return out.finish();
}
