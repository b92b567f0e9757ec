import { analyzeFilePartial } from '../src/analyze';
import { jsonBlocks, ROOM_BYTES_MAX } from '../src/json-parts';
import type { JsonOut } from '../src/json-parts';
import { generateMixedLog, writeLogFile } from '../src/log-generators';
import { mulberry32, pick, Random, randomInt, useTempDir } from './helpers';

const temp = useTempDir();
const STRINGS = ['', 'a', 'é', '\u2603', '\ud83d\ude00', '"', '\\', '\n\t', '\u0000', '\ud800', 'key with spaces'];

/** A random plain JSON value (with undefined and non-finite numbers, which JSON.stringify also takes). */
function randomValue(random: Random, depth: number): unknown {
  const kind = randomInt(random, 0, depth > 3 ? 3 : 5);
  if (kind === 0) return pick(random, [null, true, false, undefined]);
  if (kind === 1) return pick(random, [0, -0, 1, -17, 3.25, 1e21, 5e-324, Number.MAX_SAFE_INTEGER, NaN, Infinity, random() * 1e6]);
  if (kind === 2 || kind === 3) return Array.from({ length: randomInt(random, 0, 4) }, () => pick(random, STRINGS)).join('');
  if (kind === 4) return Array.from({ length: randomInt(random, 0, 5) }, () => randomValue(random, depth + 1));
  return Object.fromEntries(Array.from({ length: randomInt(random, 0, 5) }, () => [pick(random, STRINGS) + randomInt(random, 0, 9), randomValue(random, depth + 1)]));
}

const text = (blocks: Uint8Array[]) => Buffer.concat(blocks).toString('utf8');
const isAsciiText = (blocks: Uint8Array[]) => blocks.every((b) => b.every((byte) => byte < 0x80));
const isAsciiString = (s: string) => Buffer.byteLength(s) === s.length;

/** The checks every output passes: all ASCII, the same value as JSON.stringify's, and its very text when that is ASCII. */
function expectStringifyInAscii(value: unknown): void {
  const blocks = jsonBlocks(value);
  const stringified = JSON.stringify(value);
  expect(isAsciiText(blocks)).toBe(true);
  expect(JSON.parse(text(blocks))).toStrictEqual(JSON.parse(stringified));
  if (isAsciiString(stringified)) expect(text(blocks)).toBe(stringified);
}

it('writes JSON.stringify\'s value, in ASCII, for any plain JSON value', () => {
  const random = mulberry32(42);
  let nonAscii = 0;
  for (let run = 0; run < 2000; run++) {
    const value = { run, value: randomValue(random, 0) };
    expectStringifyInAscii(value);
    if (!isAsciiString(JSON.stringify(value))) nonAscii++;
  }
  // Both kinds were tried.
  expect(nonAscii).toBeGreaterThan(100);
  expect(nonAscii).toBeLessThan(1900);
});

it('writes characters past ASCII as \\u escapes, surrogate pairs as two, and leaves the rest of the text as JSON.stringify has it', () => {
  const value = { 'k\u00e9': ['\u2603 \ud83d\ude00', '\ud800', 'plain'] };
  expect(text(jsonBlocks(value))).toBe('{"k\\u00e9":["\\u2603 \\ud83d\\ude00","\\ud800","plain"]}');
});

it('leaves out undefined properties, writes undefined array items and non-finite numbers as null', () => {
  const value = { a: undefined, b: [1, undefined, NaN, -Infinity], c: 'x\n', d: -0, e: 1e21 };
  expect(text(jsonBlocks(value))).toBe(JSON.stringify(value));
  expectStringifyInAscii({ ...value, 'c"\u00e9': 'x\u2603\ud83d\ude00\n' });
});

it('splits long output into blocks, a long string into one exactly sized block', () => {
  const long = 'é'.repeat(3_000_000);
  // Entries as a top table holds them (flat tuples, written in runs), with nested arrays between them.
  const tuples = Array.from({ length: 100_000 }, (_, i) => (i % 997 === 0 ? [[i], { i }] : [`/p/${i}é`, i, 0, i % 3, i % 2 ? null : '0;1:1']));
  const value = { many: Array.from({ length: 400_000 }, (_, i) => `item ${i}`), tuples, long, after: [1, 2] };
  const blocks = jsonBlocks(value);
  expectStringifyInAscii(value);
  expect(blocks.length).toBeGreaterThan(3);
  // Its own block: 3,000,000 escapes of 6 characters and the quotes.
  expect(blocks.some((b) => b.byteLength === 6 * long.length + 2)).toBe(true);
  expect(blocks.every((b) => b.byteOffset === 0)).toBe(true);
});

it('refuses values that are not plain data rather than writing something else', () => {
  expect(() => jsonBlocks({ m: new Map() })).toThrow('not plain JSON data: [object Map]');
  expect(() => jsonBlocks([new Date(0)])).toThrow('not plain JSON data: [object Date]');
  expect(() => jsonBlocks({ f: () => 1 })).toThrow('not plain JSON data');
});

it('writes a real partial, whose samples and keys quote non-ASCII lines, in ASCII', async () => {
  const filepath = temp.path('mixed.log');
  writeLogFile(filepath, generateMixedLog(3000, { seed: 5 }));
  const partial = await analyzeFilePartial(filepath);
  expect(partial.lines).toBe(3000);
  expect(isAsciiString(JSON.stringify(partial))).toBe(false);
  expectStringifyInAscii(partial);
});

it('takes bytes a writer puts in the block through room(), across block ends, and refuses room past its bound', () => {
  const value = { rows: {} as object, after: 'x' };
  const row = Buffer.from('"0123456789",');
  const writeRows = (out: JsonOut): void => {
    out.write('[');
    // ~1.3 MB of rows: more than one block, each row's room asked for anew.
    for (let i = 0; i < 100_000; i++) {
      const buf = out.room(row.length);
      buf.set(row, out.at);
      out.at += row.length;
    }
    out.write('"end"]');
  };
  const blocks = jsonBlocks(value, new Map([[value.rows, writeRows]]));
  expect(blocks.length).toBeGreaterThan(1);
  expect(Buffer.concat(blocks).toString('latin1')).toBe(JSON.stringify({ rows: [...Array.from({ length: 100_000 }, () => '0123456789'), 'end'], after: 'x' }));
  const bounded = {};
  expect(() => jsonBlocks(bounded, new Map([[bounded, (out: JsonOut) => void out.room(ROOM_BYTES_MAX + 1)]]))).toThrow(RangeError);
});
