// isUtf8Range must agree with node's isUtf8 on every input: the line reader uses either one.
import { isUtf8 } from 'node:buffer';
import { isUtf8Range } from '../src/text/utf8-range';
import { mulberry32, randomInt } from './helpers';

/** Bytes near the UTF-8 boundaries, so random strings hit every rule. */
const INTERESTING = [0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff];

it('agrees with isUtf8 on 200,000 random byte strings, whole and on sub-ranges', () => {
  const random = mulberry32(7);
  const disagreements: string[] = [];
  for (let round = 0; round < 200_000; round++) {
    const bytes = Buffer.from(Array.from({ length: randomInt(random, 0, 8) }, () => INTERESTING[randomInt(random, 0, INTERESTING.length - 1)]));
    const start = randomInt(random, 0, bytes.length);
    const end = randomInt(random, start, bytes.length);
    if (isUtf8Range(bytes, start, end) !== isUtf8(bytes.subarray(start, end))) disagreements.push(bytes.subarray(start, end).toString('hex'));
  }
  expect(disagreements.slice(0, 10)).toStrictEqual([]);
});

it('accepts every code point written by node, and rejects surrogates, overlongs and truncations', () => {
  const valid = ['', 'plain ascii', 'Überlauf — 缓冲区', '\u{10ffff}', '\u{7ff}\u{800}\u{ffff}\u{10000}'].map((s) => Buffer.from(s));
  const invalid = ['eda080', 'c0af', 'e080af', 'f08080af', 'f4908080', 'e2', 'f09f98', 'ff', '80'].map((hex) => Buffer.from(hex, 'hex'));
  expect(valid.map((b) => isUtf8Range(b, 0, b.length))).toStrictEqual(valid.map(() => true));
  expect(invalid.map((b) => isUtf8Range(b, 0, b.length))).toStrictEqual(invalid.map(() => false));
});
