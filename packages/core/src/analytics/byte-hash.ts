// A 32-bit hash of a byte range (MurmurHash3 x86_32, seed 0), so keys for top-k and HyperLogLog are
// hashed straight from the log buffer without making strings. Murmur3 mixes four bytes per step: a
// byte-at-a-time hash (FNV-1a, used before) is one serial multiply per byte, and was a tenth of the
// time of a combined-log pass, whose user agents are ~110 bytes. Each block is one little-endian
// word read (wordView), the same value as its four bytes shifted into place.
import { wordView } from '../text/word-view';

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0;
  let i = start;
  const blocksEnd = start + ((end - start) & ~3);
  const words = wordView(buf);
  for (; i < blocksEnd; i += 4) {
    let k = words.getInt32(i, true);
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, C2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  switch (end - i) {
    case 3:
      k ^= buf[i + 2] << 16;
    // falls through
    case 2:
      k ^= buf[i + 1] << 8;
    // falls through
    case 1:
      k ^= buf[i];
      k = Math.imul(k, C1);
      k = (k << 15) | (k >>> 17);
      k = Math.imul(k, C2);
      h ^= k;
  }
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const encoder = new TextEncoder();

export function hashString(value: string): number {
  const bytes = encoder.encode(value);
  return hashBytes(bytes, 0, bytes.length);
}
