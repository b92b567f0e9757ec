// UTF-8 validity of data[start, end): text/utf8-range.ts's rules (RFC 3629, as node's isUtf8), ported.

@inline function isContinuation(b: i32): bool {
  return (b & 0xc0) == 0x80;
}

@inline function byteAt(data: usize, i: i32): i32 {
  return <i32>load<u8>(data + <usize>i);
}

export function isUtf8Range(data: usize, start: i32, end: i32): bool {
  let i = start;
  while (i < end) {
    const b = byteAt(data, i);
    if (b < 0x80) {
      i++;
      continue;
    }
    if (b >= 0xc2 && b <= 0xdf) {
      if (i + 1 >= end || !isContinuation(byteAt(data, i + 1))) return false;
      i += 2;
    } else if (b >= 0xe0 && b <= 0xef) {
      if (i + 2 >= end) return false;
      const b1 = byteAt(data, i + 1);
      // E0 needs A0..BF (no overlong forms); ED needs 80..9F (no surrogates).
      const low = b == 0xe0 ? 0xa0 : 0x80;
      const high = b == 0xed ? 0x9f : 0xbf;
      if (b1 < low || b1 > high || !isContinuation(byteAt(data, i + 2))) return false;
      i += 3;
    } else if (b >= 0xf0 && b <= 0xf4) {
      if (i + 3 >= end) return false;
      const b1 = byteAt(data, i + 1);
      // F0 needs 90..BF (no overlong forms); F4 needs 80..8F (nothing above U+10FFFF).
      const low = b == 0xf0 ? 0x90 : 0x80;
      const high = b == 0xf4 ? 0x8f : 0xbf;
      if (b1 < low || b1 > high || !isContinuation(byteAt(data, i + 2)) || !isContinuation(byteAt(data, i + 3))) return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}
