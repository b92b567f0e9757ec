import { planChunks } from '../src/chunk-planner';
import { readLinesInRange } from '../src/line-reader';
import {
  ChunkedRead,
  mulberry32,
  pick,
  Random,
  randomInt,
  rangesFromCuts,
  readChunked,
  splitLines,
  useTempDir,
  withOpenFile,
} from './helpers';

const temp = useTempDir();

const VALID_TOKENS: readonly Buffer[] = ['a', 'Z', '0', ' ', '\t', 'INFO', '\r', 'é', '缓', '😀', 'µs'].map((s) => Buffer.from(s));
// Each of these is invalid wherever it stands: 0xff and 0xc0 never occur in UTF-8, ED A0 80 is a
// surrogate, and a lone continuation byte can only follow a lead byte, which no token ends with.
const INVALID_TOKENS: readonly Buffer[] = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80]].map((b) => Buffer.from(b));
// A character cut short: only valid if continuation bytes follow, so it only ever ends a line.
const TRUNCATED_CHARACTER = Buffer.from([0xe7, 0xbc]);

interface RandomFile {
  content: Buffer;
  /** Per line of splitLines(content): whether it is valid UTF-8, as the generator built it. */
  utf8Valid: boolean[];
}

function randomFile(random: Random, maxBytes: number): RandomFile {
  const parts: Buffer[] = [];
  const utf8Valid: boolean[] = [];
  let bytes = 0;
  const target = randomInt(random, 0, maxBytes);
  while (bytes < target) {
    const tokens: Buffer[] = [];
    let valid = true;
    // Mostly short lines, some empty, a few long ones.
    const shape = random();
    const tokenCount = shape < 0.15 ? 0 : shape < 0.9 ? randomInt(random, 1, 12) : randomInt(random, 20, 120);
    for (let t = 0; t < tokenCount; t++) {
      if (random() < 0.04) {
        tokens.push(pick(random, INVALID_TOKENS));
        valid = false;
      } else {
        tokens.push(pick(random, VALID_TOKENS));
      }
    }
    if (random() < 0.03) {
      tokens.push(TRUNCATED_CHARACTER);
      valid = false;
    }
    if (random() < 0.2) tokens.push(Buffer.from('\r'));
    tokens.push(Buffer.from('\n'));
    const line = Buffer.concat(tokens);
    parts.push(line);
    utf8Valid.push(valid);
    bytes += line.length;
  }
  let content = Buffer.concat(parts);
  if (content.length > 0 && random() < 0.5) content = content.subarray(0, content.length - 1); // no trailing newline
  // Dropping the trailing '\n' of a file whose last line is empty drops that line.
  if (splitLines(content).length < utf8Valid.length) utf8Valid.pop();
  return { content, utf8Valid };
}

/** Cut points that land on the awkward bytes: '\n', between '\r' and '\n', inside multi-byte characters. */
function awkwardCuts(random: Random, content: Buffer): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < content.length; i++) {
    const b = content[i];
    const before = content[i - 1];
    const onNewline = b === 0x0a || before === 0x0a;
    const betweenCrLf = before === 0x0d && b === 0x0a;
    const insideCharacter = b >= 0x80 && b <= 0xbf;
    if ((onNewline || betweenCrLf || insideCharacter) && random() < 0.4) cuts.push(i);
    else if (random() < 0.02) cuts.push(i);
  }
  return cuts;
}

function expectedRead(file: RandomFile): { lines: string[]; utf8Valid: boolean[]; lineCount: number; bytes: number } {
  const lines = splitLines(file.content).map((line) => line.toString('hex'));
  return { lines, utf8Valid: file.utf8Valid, lineCount: lines.length, bytes: file.content.length };
}

function actualRead(read: ChunkedRead): { lines: string[]; utf8Valid: boolean[]; lineCount: number; bytes: number } {
  return {
    lines: read.lines.map((line) => line.bytes.toString('hex')),
    utf8Valid: read.lines.map((line) => line.utf8Valid),
    lineCount: read.lineCount,
    bytes: read.bytes,
  };
}

// 4096 holds any of the random files whole; the 1 MiB default is slow to allocate per 1-byte chunk.
const BUFFER_SIZES = [1, 2, 3, 5, 8, 16, 31, 64, 4096];

it('delivers every line of random files exactly once, in order, for random chunk and buffer sizes', () => {
  const random = mulberry32(1);
  for (let round = 0; round < 80; round++) {
    const file = randomFile(random, 3000);
    const filepath = temp.write(`random-${round}.log`, file.content);
    withOpenFile(filepath, (fd) => {
      for (let pass = 0; pass < 4; pass++) {
        // 1-byte chunks cost a read or more per byte, so only every fourth file gets them.
        const finest = round % 4 === 0 ? 1 : 2;
        const chunkSize = pass === 0 ? finest : randomInt(random, finest, pass === 1 ? 16 : file.content.length + 10);
        const bufferSize = pick(random, BUFFER_SIZES);
        const context = { round, chunkSize, bufferSize, size: file.content.length };
        const read = readChunked(fd, planChunks(file.content.length, chunkSize), { bufferSize });
        expect({ ...context, ...actualRead(read) }).toStrictEqual({ ...context, ...expectedRead(file) });
      }
    });
  }
});

it('delivers every line exactly once when chunks end on newlines, between CR and LF, and inside characters', () => {
  const random = mulberry32(2);
  for (let round = 0; round < 100; round++) {
    const file = randomFile(random, 3000);
    const filepath = temp.write(`awkward-${round}.log`, file.content);
    withOpenFile(filepath, (fd) => {
      for (let pass = 0; pass < 2; pass++) {
        const ranges = rangesFromCuts(file.content.length, awkwardCuts(random, file.content));
        const bufferSize = pick(random, BUFFER_SIZES);
        const context = { round, ranges: ranges.length, bufferSize };
        const read = readChunked(fd, ranges, { bufferSize });
        expect({ ...context, ...actualRead(read) }).toStrictEqual({ ...context, ...expectedRead(file) });
      }
    });
  }
});

it('reads a file cut at fileEnd exactly as a copy of its first fileEnd bytes, whatever follows them', () => {
  const random = mulberry32(3);
  for (let round = 0; round < 60; round++) {
    const file = randomFile(random, 2000);
    const fileEnd = randomInt(random, 0, file.content.length);
    // What was appended after planning: more lines, or the rest of the last line and more.
    const appended = Buffer.concat([random() < 0.5 ? Buffer.from('tail of the last line') : Buffer.alloc(0), randomFile(random, 500).content]);
    const grown = temp.write(`grown-${round}.log`, Buffer.concat([file.content.subarray(0, fileEnd), appended]));
    const planned = temp.write(`planned-${round}.log`, file.content.subarray(0, fileEnd));
    const chunkSize = randomInt(random, 1, fileEnd + 10);
    const options = { bufferSize: pick(random, BUFFER_SIZES), maxLineBytes: random() < 0.3 ? 12 : undefined };
    const context = { round, fileEnd, chunkSize, ...options };
    const ranges = planChunks(fileEnd, chunkSize);
    const actual = withOpenFile(grown, (fd) => readChunked(fd, ranges, { ...options, fileEnd }));
    const expected = withOpenFile(planned, (fd) => readChunked(fd, ranges, options));
    expect({ ...context, ...actualRead(actual), oversized: actual.oversizedOffsets }).toStrictEqual({ ...context, ...actualRead(expected), oversized: expected.oversizedOffsets });
  }
});

it('gives each line to the chunk holding the byte before it, and the first line to the first chunk', () => {
  // Lines start at 0, 4, 5 and 9.
  const filepath = temp.write('ownership.log', 'abc\n\nxyz\nq');
  const read = withOpenFile(filepath, (fd) => readChunked(fd, rangesFromCuts(11, [4, 5, 9])));
  expect(read.lines.map((line) => [line.chunkId, line.bytes.toString()])).toStrictEqual([
    [0, 'abc'],
    [0, ''],
    [1, 'xyz'],
    [2, 'q'],
  ]);
});

it('reads nothing from a range that lies inside one line', () => {
  const filepath = temp.write('inside.log', 'a long single line\nnext\n');
  const lines: string[] = [];
  const result = withOpenFile(filepath, (fd) => readLinesInRange(fd, 3, 5, (buf, s, e) => lines.push(buf.toString('utf8', s, e))));
  expect({ result, lines }).toStrictEqual({ result: { lines: 0, bytes: 0, oversizedLines: 0 }, lines: [] });
});

it('reads no phantom line after a trailing newline', () => {
  const filepath = temp.write('trailing.log', 'one\ntwo\n');
  const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(8, 4), { bufferSize: 4 }));
  expect({ lines: read.lines.map((l) => l.bytes.toString()), count: read.lineCount, bytes: read.bytes }).toStrictEqual({
    lines: ['one', 'two'],
    count: 2,
    bytes: 8,
  });
});

it('reads a file of only newlines as empty lines', () => {
  const filepath = temp.write('newlines.log', '\n\n\n');
  const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(3, 1), { bufferSize: 1 }));
  expect(read.lines.map((l) => [l.chunkId, l.bytes.length])).toStrictEqual([
    [0, 0],
    [0, 0],
    [1, 0],
  ]);
  expect(read.bytes).toBe(3);
});

it('reads an empty file as no lines', () => {
  const filepath = temp.write('empty.log', '');
  const lines: number[] = [];
  const result = withOpenFile(filepath, (fd) => readLinesInRange(fd, 0, 0, (_b, s, e) => lines.push(e - s)));
  expect({ result, lines }).toStrictEqual({ result: { lines: 0, bytes: 0, oversizedLines: 0 }, lines: [] });
});

it('still reads every line with a zero buffer size', () => {
  const filepath = temp.write('zero-buffer.log', 'ab\n\ncd');
  const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(6, 2), { bufferSize: 0 }));
  expect(read.lines.map((l) => [l.chunkId, l.bytes.toString()])).toStrictEqual([
    [0, 'ab'],
    [1, ''],
    [1, 'cd'],
  ]);
  expect(read.bytes).toBe(6);
});

it('delivers a 10 MB line intact from a 16-byte initial buffer', () => {
  const long = Buffer.alloc(10 * 1000 * 1000);
  for (let i = 0; i < long.length; i++) long[i] = 0x61 + (i % 26);
  long[long.length - 1] = 0x5a; // the last byte differs, so a truncated copy cannot pass
  const filepath = temp.write('long-line.log', Buffer.concat([Buffer.from('head\n'), long, Buffer.from('\ntail')]));
  const delivered: Buffer[] = [];
  const result = withOpenFile(filepath, (fd) =>
    readLinesInRange(fd, 0, long.length + 10, (buf, s, e) => delivered.push(Buffer.from(buf.subarray(s, e))), { bufferSize: 16 }),
  );
  expect(result).toStrictEqual({ lines: 3, bytes: long.length + 10, oversizedLines: 0 });
  expect(delivered.map((line) => line.length)).toStrictEqual([4, long.length, 4]);
  expect(delivered[1].equals(long)).toBe(true);
  expect([delivered[0].toString(), delivered[2].toString()]).toStrictEqual(['head', 'tail']);
});

it('gives a 10 MB line to exactly one of the 1 MB chunks it spans', () => {
  const long = Buffer.alloc(10 * 1000 * 1000, 0x78);
  const content = Buffer.concat([Buffer.from('head\n'), long, Buffer.from('\ntail\n')]);
  const filepath = temp.write('long-line-chunked.log', content);
  const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(content.length, 1 << 20), { bufferSize: 64 * 1024 }));
  expect(read.lines.map((line) => [line.chunkId, line.bytes.length])).toStrictEqual([
    [0, 4],
    [0, long.length],
    [9, 4], // "tail" starts after byte 10_000_005, which chunk 9 holds
  ]);
  expect(read.bytes).toBe(content.length);
});

it('skips a line longer than maxLineBytes, reports its offset, counts it, and reads the following lines', () => {
  const content = `short\n${'x'.repeat(100)}\nafter\n\nlast`;
  const filepath = temp.write('oversized.log', content);
  const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(content.length, content.length), { maxLineBytes: 10, bufferSize: 4 }));
  expect(read.lines.map((line) => line.bytes.toString())).toStrictEqual(['short', 'after', '', 'last']);
  expect(read.oversizedOffsets).toStrictEqual([6]);
  expect({ lines: read.lineCount, oversizedLines: read.oversizedLines, bytes: read.bytes }).toStrictEqual({
    lines: 5,
    oversizedLines: 1,
    bytes: content.length,
  });
});

it('skips an oversized last line that has no newline', () => {
  const content = `ok\n${'y'.repeat(50)}`;
  const filepath = temp.write('oversized-last.log', content);
  const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(content.length, 7), { maxLineBytes: 8 }));
  expect(read.lines.map((line) => line.bytes.toString())).toStrictEqual(['ok']);
  expect(read.oversizedOffsets).toStrictEqual([3]);
  expect({ lines: read.lineCount, oversizedLines: read.oversizedLines, bytes: read.bytes }).toStrictEqual({ lines: 2, oversizedLines: 1, bytes: 53 });
});

it('delivers a line of exactly maxLineBytes and skips one a byte longer', () => {
  const content = 'abcd\nabcde\nabcd';
  const filepath = temp.write('max-line-boundary.log', content);
  const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(content.length, content.length), { maxLineBytes: 4, bufferSize: 1 }));
  expect(read.lines.map((line) => line.bytes.toString())).toStrictEqual(['abcd', 'abcd']);
  expect(read.oversizedOffsets).toStrictEqual([5]);
  expect({ lines: read.lineCount, oversizedLines: read.oversizedLines, bytes: read.bytes }).toStrictEqual({ lines: 3, oversizedLines: 1, bytes: 15 });
});

it('with maxLineBytes 0 delivers only the empty lines', () => {
  const content = '\na\n\n';
  const filepath = temp.write('max-line-zero.log', content);
  const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(content.length, 2), { maxLineBytes: 0 }));
  expect(read.lines.map((line) => [line.chunkId, line.bytes.length])).toStrictEqual([
    [0, 0],
    [1, 0],
  ]);
  expect(read.oversizedOffsets).toStrictEqual([1]);
  expect({ lines: read.lineCount, oversizedLines: read.oversizedLines, bytes: read.bytes }).toStrictEqual({ lines: 3, oversizedLines: 1, bytes: 4 });
});

it('skips exactly the lines longer than maxLineBytes in random files, whatever the chunking', () => {
  const random = mulberry32(3);
  for (let round = 0; round < 150; round++) {
    const file = randomFile(random, 2000);
    const filepath = temp.write(`oversized-random-${round}.log`, file.content);
    const maxLineBytes = randomInt(random, 0, 40);
    const lines = splitLines(file.content);
    const offsets: number[] = [];
    let offset = 0;
    for (const line of lines) {
      if (line.length > maxLineBytes) offsets.push(offset);
      offset += line.length + 1;
    }
    const expected = {
      lines: lines.filter((line) => line.length <= maxLineBytes).map((line) => line.toString('hex')),
      utf8Valid: file.utf8Valid.filter((_valid, i) => lines[i].length <= maxLineBytes),
      oversizedOffsets: offsets,
      lineCount: lines.length,
      oversizedLines: offsets.length,
      bytes: file.content.length,
    };
    withOpenFile(filepath, (fd) => {
      const chunkSize = randomInt(random, 1, round % 2 === 0 ? 8 : file.content.length + 1);
      const bufferSize = pick(random, BUFFER_SIZES);
      const context = { round, chunkSize, bufferSize, maxLineBytes };
      const read = readChunked(fd, planChunks(file.content.length, chunkSize), { bufferSize, maxLineBytes });
      const actual = { ...actualRead(read), oversizedOffsets: read.oversizedOffsets, oversizedLines: read.oversizedLines };
      expect({ ...context, ...actual }).toStrictEqual({ ...context, ...expected });
    });
  }
});

it('flags exactly the lines with invalid UTF-8, including a character cut by the newline', () => {
  const lines = [
    Buffer.from('plain ascii'),
    Buffer.from('é 缓 😀 µs'),
    Buffer.from([0x61, 0xff, 0x62]),
    Buffer.from([0xe7, 0xbc]), // 缓 without its last byte, right before '\n'
    Buffer.from([0xc3, 0xa9, 0x0d]), // 'é' then CR
    Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate
    Buffer.from([0xc0, 0xaf]), // an overlong '/'
    Buffer.from(''),
    Buffer.from([0xf0, 0x9f, 0x98, 0x80]), // 😀, last line, no newline
  ];
  const content = Buffer.concat(lines.flatMap((line, i) => (i < lines.length - 1 ? [line, Buffer.from('\n')] : [line])));
  const filepath = temp.write('utf8.log', content);
  for (const bufferSize of [1, 4, 1024]) {
    const read = withOpenFile(filepath, (fd) => readChunked(fd, planChunks(content.length, 3), { bufferSize }));
    expect({ bufferSize, valid: read.lines.map((line) => line.utf8Valid) }).toStrictEqual({
      bufferSize,
      valid: [true, true, false, false, true, false, false, true, true],
    });
  }
});
