// A zstd file's metrics are those of its decompressed text, exactly, whoever decodes it (Node's zlib
// from 22.15, fzstd before): the committed fixture was made by the zstd CLI from zstdFixtureText(),
// in nine frames cut inside lines, inside a 300 KB line and inside a two-byte character.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import * as zlib from 'node:zlib';
import { join } from 'node:path';
import { analyzeFilePartial } from '../src/analyze';
import { analyzeCompressedFile } from '../src/compressed-analyze';
import { unreadableCompression, zstdDecoder } from '../src/compression';
import type { InputSnapshot } from '../src/input-snapshot';
import type { PartialMetrics } from '../src/partial-metrics';
import { useTempDir } from './helpers';
import { zstdFixtureCuts, zstdFixturePieces, zstdFixtureText } from './zstd-fixture-text';

const temp = useTempDir();
const fixture = readFileSync(join(__dirname, 'fixtures', 'zstd', 'frames.log.zst'));
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];
let plain = '';

beforeAll(() => {
  plain = temp.write('frames.log', zstdFixtureText());
});

/** Samples name their file: the zstd's and the plain file's differ only there. */
function asIfFrom(file: string, metrics: PartialMetrics): PartialMetrics {
  return { ...metrics, malformed_samples: metrics.malformed_samples.map((s) => ({ ...s, file })) };
}

function snapshotOf(filepath: string): InputSnapshot {
  const stat = statSync(filepath);
  return { size: stat.size, mtime_ms: stat.mtimeMs, dev: stat.dev, ino: stat.ino };
}

/** A skippable frame (RFC 8878 §3.1.2), which a decoder passes over whatever it holds. */
function skippableFrame(payload: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(payload.length);
  return Buffer.concat([Buffer.from([0x50, 0x2a, 0x4d, 0x18]), size, payload]);
}

/** A frame with the given descriptor and window bytes, holding one last raw block of text. */
function rawFrame(header: number[], text: Buffer): Buffer {
  const block = text.length * 8 + 1; // raw block (type 0), last
  return Buffer.concat([Buffer.from([...ZSTD_MAGIC, ...header, block & 0xff, (block >> 8) & 0xff, block >> 16]), text]);
}

async function failure(bytes: Buffer, name: string): Promise<[string, string, string]> {
  const file = temp.write(name, bytes);
  const err = (await analyzeCompressedFile(file, 'zstd').catch((e: unknown) => e)) as { code: string; message: string };
  return [file, err.code, err.message];
}

it('decodes with Node\'s zlib where it has zstd, else with fzstd', () => {
  const native = typeof (zlib as unknown as { createZstdDecompress?: unknown }).createZstdDecompress === 'function';
  expect(zstdDecoder()).toBe(native ? 'zlib' : 'fzstd');
});

it('gives the zstd CLI\'s multi-frame file the metrics of its decompressed text, to the last field', async () => {
  const cuts = zstdFixtureCuts(zstdFixtureText());
  expect(cuts).toStrictEqual([...cuts].sort((a, b) => a - b));
  expect(zstdFixtureText()[cuts[5] - 1]).toBe(0x0d); // one frame ends between CR and LF
  expect(Buffer.concat(zstdFixturePieces())).toStrictEqual(zstdFixtureText());
  const zst = temp.write('frames.log.zst', fixture);
  const metrics = await analyzeCompressedFile(zst, 'zstd');
  const reference = analyzeFilePartial(plain);
  expect(reference.malformed_samples.length).toBeGreaterThan(0);
  expect([metrics.bytes, metrics.lines]).toStrictEqual([zstdFixtureText().length, reference.lines]);
  expect(asIfFrom(plain, metrics)).toStrictEqual(reference);
  for (const format of ['applog', 'auto'] as const) {
    expect(asIfFrom(plain, await analyzeCompressedFile(zst, 'zstd', { format }))).toStrictEqual(analyzeFilePartial(plain, { format }));
  }
});

it('passes over skippable frames before, between and after the data frames', async () => {
  const second = fixture.indexOf(Buffer.from(ZSTD_MAGIC), 4);
  const zst = temp.write('skippable.log.zst', Buffer.concat([
    skippableFrame(Buffer.alloc(0)), fixture.subarray(0, second), skippableFrame(Buffer.alloc(70_000, 0x28)), fixture.subarray(second), skippableFrame(Buffer.from('trailer')),
  ]));
  expect(asIfFrom(plain, await analyzeCompressedFile(zst, 'zstd'))).toStrictEqual(analyzeFilePartial(plain));
});

it('counts a decompressed line past maxLineBytes as one oversized line', async () => {
  const zst = temp.write('long-line.log.zst', fixture);
  const metrics = await analyzeCompressedFile(zst, 'zstd', { maxLineBytes: 100_000 });
  expect([metrics.malformed_by_family.oversized, metrics.bytes]).toStrictEqual([1, zstdFixtureText().length]);
  expect(asIfFrom(plain, metrics)).toStrictEqual(analyzeFilePartial(plain, { maxLineBytes: 100_000 }));
});

it('reads only the planned compressed bytes: a frame appended after planning is not read', async () => {
  const zst = temp.write('growing.log.zst', fixture);
  const snapshot = snapshotOf(zst);
  const appended = Buffer.from('\n2024-01-24 12:00:00 INFO appended\n');
  appendFileSync(zst, rawFrame([0x00, 0x00], appended)); // 1 KiB window, plenty
  expect(asIfFrom(plain, await analyzeCompressedFile(zst, 'zstd', { snapshot }))).toStrictEqual(analyzeFilePartial(plain));
  const unplanned = await analyzeCompressedFile(zst, 'zstd');
  expect([unplanned.lines, unplanned.bytes]).toStrictEqual([analyzeFilePartial(plain).lines + 1, zstdFixtureText().length + appended.length]);
});

it.each([
  ['inside the first frame header', 5],
  ['inside a block', 60_000],
  ['at a frame boundary, inside the next frame\'s magic', -1],
  ['inside the last frame\'s checksum', fixture.length - 2],
])('fails a zstd truncated %s with invalid_input naming the file', async (_where, cut) => {
  const at = cut === -1 ? fixture.indexOf(Buffer.from(ZSTD_MAGIC), 4) + 2 : cut;
  const [file, code, message] = await failure(fixture.subarray(0, at), `cut-${at}.log.zst`);
  expect([code, message]).toStrictEqual(['invalid_input', `${file} is not valid zstd: unexpected end of file`]);
});

it('fails a corrupt zstd with invalid_input naming the file, never with metrics of garbage', async () => {
  const reservedBit = Buffer.from(fixture);
  reservedBit[4] |= 0x08; // the frame header descriptor's reserved bit must be zero
  const blockType = Buffer.from(fixture);
  // The first frame's header is a descriptor (no content size, no dictionary) and a window byte; its block follows.
  expect(fixture[4] & 0xe3).toBe(0x00);
  blockType[6] |= 0x06; // block type 3 is reserved
  const trailing = Buffer.concat([fixture, Buffer.from('not a frame')]);
  const results = [
    await failure(reservedBit, 'reserved.log.zst'),
    await failure(blockType, 'block-type.log.zst'),
    await failure(trailing, 'trailing.log.zst'),
  ];
  expect(results.map(([file, code, message]) => [code, message.replace(file, 'F')])).toStrictEqual([
    ['invalid_input', 'F is not valid zstd: invalid zstd data'],
    ['invalid_input', 'F is not valid zstd: invalid block type'],
    ['invalid_input', 'F is not valid zstd: invalid zstd data'],
  ]);
});

it('refuses a frame whose window is past 128 MiB before allocating it, and accepts one of 128 MiB', async () => {
  const line = Buffer.from('2024-01-24 12:00:00 INFO ok\n');
  // Window descriptor: exponent 10 + (byte >> 3), mantissa (byte & 7) eighths more.
  const [file, code, message] = await failure(rawFrame([0x00, 0x89], line), 'wide.log.zst');
  expect([code, message]).toStrictEqual(['invalid_input', `${file} is not valid zstd: a frame needs a 150994944-byte window, more than the 134217728 bytes allowed (zstd --long=27 at most)`]);
  // Single segment (descriptor bit 5) with an 8-byte content size: the window is that size, 2 GiB here.
  const [single, , singleMessage] = await failure(rawFrame([0xe0, 0, 0, 0, 0x80, 0, 0, 0, 0], line), 'single.log.zst');
  expect(singleMessage).toBe(`${single} is not valid zstd: a frame needs a 2147483648-byte window, more than the 134217728 bytes allowed (zstd --long=27 at most)`);
  const ok = temp.write('window-27.log.zst', rawFrame([0x00, 0x88], line));
  expect((await analyzeCompressedFile(ok, 'zstd')).lines).toBe(1);
});

it('refuses a block larger than its frame\'s window or than 128 KiB', async () => {
  const [small, , smallMessage] = await failure(rawFrame([0x00, 0x00], Buffer.alloc(2000, 0x61)), 'small-window.log.zst');
  expect(smallMessage).toBe(`${small} is not valid zstd: a 2000-byte block is larger than its frame allows (1024 bytes)`);
  const [big, , bigMessage] = await failure(rawFrame([0x00, 0x50], Buffer.alloc(128 * 1024 + 1, 0x61)), 'big-block.log.zst');
  expect(bigMessage).toBe(`${big} is not valid zstd: a 131073-byte block is larger than its frame allows (131072 bytes)`);
});

it('refuses a frame that needs a dictionary', async () => {
  const [file, code, message] = await failure(rawFrame([0x01, 0x00, 0x2a], Buffer.from('x\n')), 'dict.log.zst');
  expect([code, message]).toStrictEqual(['invalid_input', `${file} is not valid zstd: a frame needs a dictionary, which loganalyzer does not have`]);
});

it('says zstd is readable, and names the other compressions in one line', () => {
  expect(unreadableCompression('/x/a.log.zst', 'zstd')).toBeNull();
  expect(unreadableCompression('/x/a.log.lz4', 'lz4')).toBe('/x/a.log.lz4 is lz4-compressed: loganalyzer reads plain text, gzip and zstd (decompress it first)');
});
