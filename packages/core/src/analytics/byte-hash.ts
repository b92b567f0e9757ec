// A 32-bit hash of a byte range (FNV-1a, then murmur3's finalizer for avalanche), so keys for top-k and
// HyperLogLog are hashed straight from the log buffer without making strings.

export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= buf[i];
    h = Math.imul(h, 0x01000193);
  }
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
