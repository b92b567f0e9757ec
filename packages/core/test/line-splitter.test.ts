// The push-based splitter that reads decompressed streams must deliver exactly what the file reader
// delivers for the same bytes, however the stream is cut into pieces.
import { LineSplitter } from '../src/line-splitter';
import { readLinesInRange } from '../src/line-reader';
import { mulberry32, pick, Random, randomInt, useTempDir, withOpenFile } from './helpers';

const temp = useTempDir();

const TOKENS = ['a', 'INFO ', '\t', '\r', 'é', '缓', '😀', '\n', '\n', '\n', '\r\n'].map((s) => Buffer.from(s));
const INVALID = [Buffer.from([0xff]), Buffer.from([0xe7, 0xbc])];

function randomContent(random: Random, maxBytes: number): Buffer {
  const parts: Buffer[] = [];
  let bytes = 0;
  const target = randomInt(random, 0, maxBytes);
  while (bytes < target) {
    const part = random() < 0.03 ? pick(random, INVALID) : random() < 0.02 ? Buffer.alloc(randomInt(random, 30, 90), 'x') : pick(random, TOKENS);
    parts.push(part);
    bytes += part.length;
  }
  return Buffer.concat(parts);
}

interface Delivered {
  lines: Array<[string, boolean, number]>;
  oversized: number[];
  result: { lines: number; bytes: number; oversizedLines: number };
}

function readWhole(filepath: string, size: number, maxLineBytes: number): Delivered {
  const delivered: Delivered = { lines: [], oversized: [], result: { lines: 0, bytes: 0, oversizedLines: 0 } };
  delivered.result = withOpenFile(filepath, (fd) =>
    readLinesInRange(fd, 0, size, (buf, start, end, valid, offset) => delivered.lines.push([buf.toString('hex', start, end), valid, offset]), {
      maxLineBytes,
      onOversizedLine: (offset) => delivered.oversized.push(offset),
    }),
  );
  return delivered;
}

function splitInPieces(content: Buffer, cuts: number[], maxLineBytes: number): Delivered {
  const delivered: Delivered = { lines: [], oversized: [], result: { lines: 0, bytes: 0, oversizedLines: 0 } };
  const splitter = new LineSplitter(
    { line: (buf, start, end, valid, offset) => void delivered.lines.push([buf.toString('hex', start, end), valid, offset]) },
    { maxLineBytes, onOversizedLine: (offset) => delivered.oversized.push(offset) },
  );
  let from = 0;
  for (const cut of [...cuts, content.length]) {
    // Copies: the splitter must not depend on a piece staying unchanged after push returns.
    const piece = Buffer.from(content.subarray(from, cut));
    splitter.push(piece);
    piece.fill(0x21);
    from = cut;
  }
  delivered.result = splitter.finish();
  return delivered;
}

it('delivers the lines, UTF-8 verdicts, offsets and counts of the file reader, for random pieces and line limits', () => {
  const random = mulberry32(41);
  for (let round = 0; round < 300; round++) {
    const content = randomContent(random, 1500);
    const filepath = temp.write(`pieces-${round}.log`, content);
    const maxLineBytes = round % 3 === 0 ? 64 * 1024 * 1024 : randomInt(random, 0, 60);
    const cuts: number[] = [];
    const pieceMax = pick(random, [1, 3, 17, 200, 5000]);
    for (let at = randomInt(random, 0, pieceMax); at < content.length; at += randomInt(random, 0, pieceMax)) cuts.push(at);
    const context = { round, maxLineBytes, pieceMax, size: content.length };
    expect({ ...context, ...splitInPieces(content, cuts, maxLineBytes) }).toStrictEqual({ ...context, ...readWhole(filepath, content.length, maxLineBytes) });
  }
});

it('delivers a line cut across many pieces once, whole, at its first byte\'s offset', () => {
  const line = Buffer.from('2024-01-24 12:00:00 INFO ' + 'é'.repeat(5000));
  const content = Buffer.concat([Buffer.from('first\n'), line, Buffer.from('\nlast')]);
  const cuts = [3, 7, 8, 100, 4000, 9000, 10_030];
  const delivered = splitInPieces(content, cuts, 1 << 20);
  expect(delivered).toStrictEqual({
    lines: [
      [Buffer.from('first').toString('hex'), true, 0],
      [line.toString('hex'), true, 6],
      [Buffer.from('last').toString('hex'), true, 7 + line.length],
    ],
    oversized: [],
    result: { lines: 3, bytes: content.length, oversizedLines: 0 },
  });
});

it('counts an oversized line spread over pieces once, with every one of its bytes, and reads on after it', () => {
  const content = Buffer.from(`ok\n${'y'.repeat(50)}\nafter\n`);
  const delivered = splitInPieces(content, [5, 10, 20, 30], 10);
  expect(delivered).toStrictEqual({
    lines: [
      [Buffer.from('ok').toString('hex'), true, 0],
      [Buffer.from('after').toString('hex'), true, 54],
    ],
    oversized: [3],
    result: { lines: 3, bytes: content.length, oversizedLines: 1 },
  });
});
