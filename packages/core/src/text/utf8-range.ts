// UTF-8 validity of a byte range without making a Buffer view of it: node's isUtf8 needs a view, and
// a subarray per line cost ~10% of a pass on logs with a bad line every few hundred. Same rules as
// isUtf8 (RFC 3629: shortest form only, no surrogates, nothing above U+10FFFF).

const isContinuation = (b: number): boolean => (b & 0xc0) === 0x80;

export function isUtf8Range(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    const b = buf[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      if (i + 1 >= end || !isContinuation(buf[i + 1])) return false;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      if (i + 2 >= end) return false;
      const b1 = buf[i + 1];
      // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
      const low = b === 0xe0 ? 0xa0 : 0x80;
      const high = b === 0xed ? 0x9f : 0xbf;
      if (b1 < low || b1 > high || !isContinuation(buf[i + 2])) return false;
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (i + 3 >= end) return false;
      const b1 = buf[i + 1];
      // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (nothing above U+10FFFF).
      const low = b === 0xf0 ? 0x90 : 0x80;
      const high = b === 0xf4 ? 0x8f : 0xbf;
      if (b1 < low || b1 > high || !isContinuation(buf[i + 2]) || !isContinuation(buf[i + 3])) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}
