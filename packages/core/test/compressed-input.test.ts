// A gzip file's metrics are those of its decompressed text, exactly: single- and multi-member files,
// lines cut between members and between the decompressor's output pieces, every format's nasty lines.
import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { analyzeFilePartial } from '../src/analyze';
import { analyzeCompressedFile } from '../src/compressed-analyze';
import { detectCompression, unreadableCompression } from '../src/compression';
import { inspectInput, InputSnapshot } from '../src/input-snapshot';
import { generateAccessLog, generateMixedLog, writeLogFile } from '../src/log-generators';
import type { PartialMetrics } from '../src/partial-metrics';
import { mulberry32, randomInt, useTempDir } from './helpers';

const temp = useTempDir();
let plain = '';
let content = Buffer.alloc(0);

beforeAll(() => {
  plain = temp.path('mixed.log');
  writeLogFile(plain, [...generateMixedLog(4000, { seed: 5 }), Buffer.from('2024-01-24 12:00:00 ERROR unterminated last line')]);
  content = readFileSync(plain);
});

/** Samples name their file: the gzip's and the plain file's differ only there. */
function asIfFrom(file: string, metrics: PartialMetrics): PartialMetrics {
  return { ...metrics, malformed_samples: metrics.malformed_samples.map((s) => ({ ...s, file })) };
}

function snapshotOf(filepath: string): InputSnapshot {
  const stat = statSync(filepath);
  return { size: stat.size, mtime_ms: stat.mtimeMs, dev: stat.dev, ino: stat.ino };
}

it('gives a gzip file the metrics of analyzing its decompressed file, to the last field', async () => {
  const gz = temp.write('mixed.log.gz', gzipSync(content));
  const reference = analyzeFilePartial(plain);
  expect(reference.malformed_samples.length).toBeGreaterThan(0);
  expect(asIfFrom(plain, await analyzeCompressedFile(gz, 'gzip'))).toStrictEqual(reference);
  for (const format of ['applog', 'auto'] as const) {
    expect(asIfFrom(plain, await analyzeCompressedFile(gz, 'gzip', { format }))).toStrictEqual(analyzeFilePartial(plain, { format }));
  }
});

it('reads every member of a multi-member gzip, with lines cut between members, as the whole text', async () => {
  const random = mulberry32(8);
  for (let round = 0; round < 6; round++) {
    const members: Buffer[] = [];
    let from = 0;
    while (from < content.length) {
      // Cuts anywhere: inside lines, between CR and LF, inside multi-byte characters.
      const to = Math.min(content.length, from + randomInt(random, 1, round < 3 ? 200 : 60_000));
      members.push(gzipSync(content.subarray(from, to), { level: randomInt(random, 1, 9) }));
      from = to;
    }
    const gz = temp.write(`members-${round}.log.gz`, Buffer.concat(members));
    expect({ round, members: members.length, metrics: asIfFrom(plain, await analyzeCompressedFile(gz, 'gzip', { format: 'auto' })) }).toStrictEqual({
      round,
      members: members.length,
      metrics: analyzeFilePartial(plain),
    });
  }
});

it('counts decompressed bytes, and lines longer than the decompressor\'s output pieces exactly once', async () => {
  const long = `2024-01-24 12:00:00 WARN ${'a'.repeat(200_000)}`;
  const text = Buffer.from(`first\n${long}\n${long}\r\nlast`);
  const file = temp.write('long-lines.log', text);
  const gz = temp.write('long-lines.log.gz', gzipSync(text));
  const metrics = await analyzeCompressedFile(gz, 'gzip');
  expect([metrics.lines, metrics.bytes]).toStrictEqual([4, text.length]);
  expect(asIfFrom(file, metrics)).toStrictEqual(analyzeFilePartial(file));
});

it('counts a decompressed line past maxLineBytes (a gzip bomb of one line) as one oversized line, never holding it', async () => {
  const bomb = Buffer.alloc(24 * 1024 * 1024, 0x61);
  const gz = temp.write('bomb.gz', Buffer.concat([gzipSync('2024-01-24 12:00:00 INFO before\n'), gzipSync(bomb), gzipSync('\n2024-01-24 12:00:01 INFO after\n')]));
  expect(statSync(gz).size).toBeLessThan(100_000);
  const metrics = await analyzeCompressedFile(gz, 'gzip', { maxLineBytes: 1024 * 1024 });
  expect([metrics.lines, metrics.malformed_by_family, metrics.levels, metrics.bytes]).toStrictEqual([3, { oversized: 1 }, { INFO: 2 }, bomb.length + 64]);
  expect(metrics.malformed_samples.map((s) => [s.offset, s.family])).toStrictEqual([[32, 'oversized']]);
});

it('reads only the planned compressed bytes: a member appended after planning is not read', async () => {
  const access = temp.path('access.log');
  writeLogFile(access, generateAccessLog(500, { seed: 3 }));
  const gz = temp.write('growing.log.gz', gzipSync(readFileSync(access)));
  const snapshot = snapshotOf(gz);
  appendFileSync(gz, gzipSync('an appended line\n'));
  expect(asIfFrom(access, await analyzeCompressedFile(gz, 'gzip', { snapshot }))).toStrictEqual(analyzeFilePartial(access));
});

it('fails a truncated or corrupt gzip with invalid_input naming the file, never with metrics of garbage', async () => {
  const whole = gzipSync(content);
  const truncated = temp.write('truncated.log.gz', whole.subarray(0, whole.length >> 1));
  await expect(analyzeCompressedFile(truncated, 'gzip')).rejects.toMatchObject({ code: 'invalid_input', message: `${truncated} is not valid gzip: unexpected end of file` });
  const corrupt = Buffer.from(whole);
  corrupt.fill(0x55, 200, 400);
  const corrupted = temp.write('corrupt.log.gz', corrupt);
  await expect(analyzeCompressedFile(corrupted, 'gzip')).rejects.toMatchObject({ code: 'invalid_input', message: expect.stringMatching(new RegExp(`^${corrupted} is not valid gzip: `)) });
  const notGzip = temp.write('plain.log.gz', 'just text\n');
  await expect(analyzeCompressedFile(notGzip, 'gzip')).rejects.toMatchObject({ code: 'invalid_input', message: `${notGzip} is not valid gzip: incorrect header check` });
});

it('fails with input_changed when the gzip was replaced since planning', async () => {
  const gz = temp.write('replaced.log.gz', gzipSync('one\n'));
  const snapshot = { ...snapshotOf(gz), ino: snapshotOf(gz).ino + 1 };
  await expect(analyzeCompressedFile(gz, 'gzip', { snapshot })).rejects.toMatchObject({ code: 'input_changed' });
  await expect(analyzeCompressedFile(temp.path('missing.gz'), 'gzip')).rejects.toMatchObject({ code: 'file_not_found' });
});

describe('detecting compression by the first bytes', () => {
  const heads: Array<[string, number[] | string, string | null]> = [
    ['gzip', [0x1f, 0x8b, 0x08, 0x00], 'gzip'],
    ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00], 'xz'],
    ['bzip2', 'BZh91AY&SY', 'bzip2'],
    ['empty bzip2', [0x42, 0x5a, 0x68, 0x39, 0x17, 0x72, 0x45, 0x38, 0x50, 0x90], 'bzip2'],
    ['zstd', [0x28, 0xb5, 0x2f, 0xfd, 0x04], 'zstd'],
    ['zip', [0x50, 0x4b, 0x03, 0x04, 0x14], 'zip'],
    ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00], '7z'],
    ['lz4', [0x04, 0x22, 0x4d, 0x18, 0x64], 'lz4'],
    ['text starting like bzip2', 'BZh9 is a word\n', null],
    ['a lone 0x1f', [0x1f], null],
    ['text', '2024-01-24 INFO ok\n', null],
    ['nothing', [], null],
  ];
  it.each(heads)('%s', (_name, head, compression) => {
    expect(detectCompression(typeof head === 'string' ? Buffer.from(head) : Buffer.from(head))).toBe(compression);
  });

  it('inspects a file: its snapshot and the compression its head names, whatever its name', async () => {
    const xz = temp.write('named.log', Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2, 3]));
    expect(await inspectInput(xz)).toStrictEqual({ snapshot: snapshotOf(xz), compression: 'xz' });
    const text = temp.write('text.gz', 'plain\n');
    expect(await inspectInput(text)).toStrictEqual({ snapshot: snapshotOf(text), compression: null });
  });

  it('says in one line why a compression cannot be read', () => {
    expect(unreadableCompression('/x/a.log.xz', 'xz')).toBe('/x/a.log.xz is xz-compressed: loganalyzer reads plain text, gzip and zstd (decompress it first)');
    expect(unreadableCompression('/x/a.log.gz', 'gzip')).toBeNull();
  });
});
