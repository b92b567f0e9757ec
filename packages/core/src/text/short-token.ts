// The string of a short ASCII-letter token (an HTTP method such as GET or PROPFIND) without allocating
// one per line: strings are cached under a number packed from the letters, case kept (6 bits a letter,
// so up to 8 letters pack exactly into a double). Anything else is decoded as usual.

const MAX_PACKED_LETTERS = 8;
const cache = new Map<number, string>();
/** Garbage lines could hold endless distinct tokens; past this many, new ones are decoded each time. */
const CACHE_LIMIT = 4096;

export function shortTokenAt(buf: Buffer, start: number, end: number): string {
  if (end - start > MAX_PACKED_LETTERS || end <= start) return buf.toString('utf8', start, end);
  let key = 1; // a leading 1 keeps "A" and "AA"-style prefixes of different lengths apart
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b >= 0x41 && b <= 0x5a) key = key * 64 + (b - 0x40);
    else if (b >= 0x61 && b <= 0x7a) key = key * 64 + (b - 0x60 + 26);
    else return buf.toString('utf8', start, end);
  }
  let found = cache.get(key);
  if (found === undefined) {
    found = buf.toString('latin1', start, end);
    if (cache.size < CACHE_LIMIT) cache.set(key, found);
  }
  return found;
}
