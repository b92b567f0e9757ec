// Hashing and comparing keys read four bytes a step through a cached DataView (text/word-view.ts).
// The hash must stay MurmurHash3 x86_32 (seed 0), whatever the key's offset in its buffer, since
// HyperLogLog registers and hash tables built in different threads have to agree; and comparing a
// stored key with bytes of a line must tell every one-byte difference, at every length and offset,
// even when calls alternate between buffers.
import { hashBytes, hashString } from '../src/analytics/byte-hash';
import { KeyArena } from '../src/analytics/key-arena';
import { mulberry32, randomInt } from './helpers';

/** MurmurHash3_x86_32 with seed 0, the vectors published with the algorithm's ports. */
const VECTORS: Array<[string, number]> = [
  ['', 0x00000000],
  ['test', 0xba6bd213],
  ['Hello, world!', 0xc0363e43],
  ['The quick brown fox jumps over the lazy dog', 0x2e4ff723],
];

/** The byte-at-a-time reading of the algorithm, as the reference the word reads must equal. */
function murmurByBytes(bytes: Uint8Array): number {
  let h = 0;
  const blocks = bytes.length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    let k = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let k = 0;
  for (let i = bytes.length - 1; i >= blocks; i--) k = (k << 8) | bytes[i];
  if (bytes.length > blocks) {
    k = Math.imul(k, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

it('is MurmurHash3 x86_32 on the published vectors', () => {
  expect(VECTORS.map(([text]) => hashString(text))).toStrictEqual(VECTORS.map(([, hash]) => hash));
});

it('hashes a key the same at every offset of every buffer, alternating between buffers', () => {
  const random = mulberry32(11);
  const other = Buffer.from('another buffer read between the calls');
  for (let run = 0; run < 400; run++) {
    const key = Buffer.from(Array.from({ length: randomInt(random, 0, 70) }, () => randomInt(random, 0, 255)));
    const offset = randomInt(random, 0, 7);
    const host = Buffer.alloc(offset + key.length + randomInt(random, 0, 5), 0xaa);
    key.copy(host, offset);
    const expected = murmurByBytes(key);
    expect([run, hashBytes(host, offset, offset + key.length)]).toStrictEqual([run, expected]);
    hashBytes(other, 1, other.length - 2);
    expect([run, hashBytes(new Uint8Array(host), offset, offset + key.length)]).toStrictEqual([run, expected]);
  }
});

it('tells a stored key from every bytes that differ in one place, at every length and offset', () => {
  const random = mulberry32(5);
  const arena = new KeyArena();
  const keys: Buffer[] = [];
  for (let id = 0; id < 300; id++) {
    const key = Buffer.from(Array.from({ length: randomInt(random, 0, 130) }, () => randomInt(random, 32, 126)));
    keys.push(key);
    arena.set(id, key, 0, key.length, hashBytes(key, 0, key.length));
  }
  keys.forEach((key, id) => {
    const offset = randomInt(random, 0, 9);
    const line = Buffer.alloc(offset + key.length + 3, 0x20);
    key.copy(line, offset);
    expect([id, arena.sameBytes(id, line, offset, offset + key.length)]).toStrictEqual([id, true]);
    // One byte changed anywhere, the last word's tail included, is another key.
    for (let at = 0; at < key.length; at++) {
      line[offset + at] ^= 0x01;
      expect([id, at, arena.sameBytes(id, line, offset, offset + key.length)]).toStrictEqual([id, at, false]);
      line[offset + at] ^= 0x01;
    }
    // A prefix or a longer range is another key too.
    if (key.length > 0) expect(arena.sameBytes(id, line, offset, offset + key.length - 1)).toBe(false);
    expect(arena.sameBytes(id, line, offset, offset + key.length + 1)).toBe(false);
  });
});
