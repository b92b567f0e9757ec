// utf8Text must give exactly Buffer#toString('utf8') whatever the bytes: ASCII, valid multi-byte
// characters, and invalid sequences, with block cuts landing anywhere.
import { utf8Text } from '../src';

/** A deterministic mix of ASCII runs, valid UTF-8 characters, lone continuation and lead bytes. */
function mixedBytes(seed: number, length: number): Buffer {
  let state = seed >>> 0;
  const next = (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
  const pieces = [Buffer.from('{"a":1,'), Buffer.from('é'), Buffer.from('€'), Buffer.from('😀'), Buffer.from([0x80]), Buffer.from([0xc3]), Buffer.from([0xe2, 0x82]), Buffer.from([0xff]), Buffer.from([0xf0, 0x9f, 0x98])];
  const out: Buffer[] = [];
  let size = 0;
  while (size < length) {
    const piece = next(3) === 0 ? pieces[next(pieces.length)] : Buffer.from('x'.repeat(1 + next(9)));
    out.push(piece);
    size += piece.length;
  }
  return Buffer.concat(out);
}

it('decodes ASCII, valid and invalid UTF-8 as toString does, for every block size', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const bytes = mixedBytes(seed, 200 + seed * 7);
    for (const blockBytes of [1, 2, 3, 5, 16, 64 * 1024]) {
      expect([seed, blockBytes, utf8Text(bytes, blockBytes)]).toStrictEqual([seed, blockBytes, bytes.toString('utf8')]);
    }
  }
});

it('reads a typed array that is not a Buffer, and a view into a larger buffer', () => {
  const whole = Buffer.from('..{"path":"/caf\u00e9"}..');
  const view = new Uint8Array(whole.buffer, whole.byteOffset + 2, whole.length - 4);

  expect([utf8Text(view, 4), utf8Text(new Uint8Array([0x61, 0xe2, 0x82, 0xac]))]).toStrictEqual(['{"path":"/caf\u00e9"}', 'a\u20ac']);
});
