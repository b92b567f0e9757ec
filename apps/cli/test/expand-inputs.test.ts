// What counts as a log, by its first bytes, and how typed paths become the job's files; against real
// files in a temporary directory (no cluster).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UsageError } from '../src/exit-codes';
import { expandInputs } from '../src/inputs/expand-inputs';
import { classifyHead } from '../src/inputs/sniff-file';

const bytes = (...b: number[]): Buffer => Buffer.from(b);

describe('classifyHead', () => {
  it.each([
    ['xz', bytes(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00)],
    ['zip', Buffer.from('PK\u0003\u0004rest', 'latin1')],
    ['7z', bytes(0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0x00)],
    ['lz4', bytes(0x04, 0x22, 0x4d, 0x18, 0x64)],
    ['bzip2', Buffer.concat([Buffer.from('BZh9'), bytes(0x31, 0x41, 0x59, 0x26, 0x53, 0x59)])],
  ])('skips %s by its magic bytes, saying to decompress it', (name, head) => {
    expect(classifyHead(head)).toStrictEqual({ kind: 'skip', reason: `${name}-compressed (decompress it first)` });
  });

  it('passes gzip on (the coordinator reads it)', () => {
    expect(classifyHead(gzipSync('a log line\n'))).toStrictEqual({ kind: 'gzip' });
  });

  it('passes zstd on (the coordinator reads it)', () => {
    expect(classifyHead(bytes(0x28, 0xb5, 0x2f, 0xfd, 0x24))).toStrictEqual({ kind: 'zstd' });
  });

  it('skips a binary: a NUL byte anywhere in the head', () => {
    expect(classifyHead(Buffer.concat([Buffer.from('text'.repeat(1000)), bytes(0)]))).toStrictEqual({ kind: 'skip', reason: 'binary (NUL bytes in its first 8 KiB)' });
  });

  it.each([
    ['a log line', Buffer.from('2024-01-24 10:15:32 INFO started\n')],
    ['a line starting BZh and a digit', Buffer.from('BZh5 is a word here\n')],
    ['a line starting PK', Buffer.from('PK 12 opened\n')],
    ['invalid UTF-8 without NUL', bytes(0xff, 0xfe, 0x41, 0x0a)],
    ['an empty file', Buffer.alloc(0)],
  ])('reads %s as text', (_case, head) => {
    expect(classifyHead(head)).toStrictEqual({ kind: 'text' });
  });
});

describe('expandInputs', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'loganalyzer-expand-'));
    mkdirSync(join(dir, 'logs', 'b'), { recursive: true });
    mkdirSync(join(dir, 'logs', '.git'));
    writeFileSync(join(dir, 'logs', 'b', 'z.log'), 'z\n');
    writeFileSync(join(dir, 'logs', 'a.log'), 'a\n');
    writeFileSync(join(dir, 'logs', 'B.log'), 'B\n');
    writeFileSync(join(dir, 'logs', 'access.log.2.gz'), gzipSync('a\n'));
    writeFileSync(join(dir, 'logs', '.git', 'HEAD'), 'ref\n');
    writeFileSync(join(dir, 'logs', 'c.lz4'), bytes(0x04, 0x22, 0x4d, 0x18));
    writeFileSync(join(dir, 'logs', 'd.zst'), bytes(0x28, 0xb5, 0x2f, 0xfd));
    symlinkSync(join(dir, 'logs', 'a.log'), join(dir, 'logs', 'link-to-a.log'));
    symlinkSync(join(dir, 'logs', 'b'), join(dir, 'logs', 'link-to-b'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function expand(args: string[]): Promise<{ files: string[]; notes: string[] }> {
    const notes: string[] = [];
    const files = await expandInputs(args, dir, (note) => notes.push(note));
    return { files: files.map((f) => f.slice(dir.length + 1)), notes };
  }

  it('reads a directory in sorted order, into subdirectories, past hidden ones, gzip and zstd kept, a symlinked file read once', async () => {
    expect(await expand(['logs'])).toStrictEqual({
      files: ['logs/B.log', 'logs/a.log', 'logs/access.log.2.gz', 'logs/b/z.log', 'logs/d.zst'],
      notes: [`skipping ${join(dir, 'logs', 'c.lz4')}: lz4-compressed (decompress it first)`],
    });
  });

  it('keeps the order of the arguments and drops a file given twice, by any name', async () => {
    expect(await expand(['logs/b/z.log', 'logs/b', './logs/b/z.log', 'logs/link-to-b/z.log'])).toStrictEqual({ files: ['logs/b/z.log'], notes: [] });
    expect(await expand(['logs/link-to-a.log', 'logs/a.log'])).toStrictEqual({ files: ['logs/link-to-a.log'], notes: [] });
  });

  it('expands a glob against the base directory, sorted', async () => {
    expect(await expand(['logs/*.log'])).toStrictEqual({ files: ['logs/B.log', 'logs/a.log'], notes: [] });
    expect(await expand(['logs/**/*.{log,gz}'])).toStrictEqual({ files: ['logs/B.log', 'logs/a.log', 'logs/access.log.2.gz', 'logs/b/z.log'], notes: [] });
    expect(await expand(['logs/link-to-*'])).toStrictEqual({ files: ['logs/link-to-a.log'], notes: [] });
  });

  it('takes a path that exists as typed even when it looks like a glob', async () => {
    writeFileSync(join(dir, 'odd[1].log'), 'x\n');

    expect(await expand(['odd[1].log'])).toStrictEqual({ files: ['odd[1].log'], notes: [] });
  });

  it.each([
    [['nope.log'], () => `no such file or directory: ${join(dir, 'nope.log')}`],
    [['logs/*.nothing'], () => 'no file matches logs/*.nothing'],
    [['logs/c.lz4'], () => `${join(dir, 'logs', 'c.lz4')}: lz4-compressed (decompress it first)`],
    [['logs/.git/HEAD', 'logs/c.lz4'], () => `${join(dir, 'logs', 'c.lz4')}: lz4-compressed (decompress it first)`],
    [['/dev/null'], () => '/dev/null: not a regular file or directory'],
  ])('refuses %j', async (args, message) => {
    const expanding = expand(args);

    await expect(expanding).rejects.toThrow(UsageError);
    await expect(expanding).rejects.toThrow(message());
  });

  it('never reads a file this run writes: skipped in its directory with a note, refused when named, by any name', async () => {
    mkdirSync(join(dir, 'reported'));
    writeFileSync(join(dir, 'reported', 'app.log'), 'a\n');
    writeFileSync(join(dir, 'reported', 'report.html'), '<!DOCTYPE html>\n');
    symlinkSync(join(dir, 'reported', 'report.html'), join(dir, 'report-link.html'));
    const outputs = [{ path: join(dir, 'report-link.html'), role: 'the --html report this run writes' }];
    const notes: string[] = [];

    const files = await expandInputs(['reported'], dir, (n) => notes.push(n), outputs);

    expect([files, notes]).toStrictEqual([[join(dir, 'reported', 'app.log')], [`skipping ${join(dir, 'reported', 'report.html')}: the --html report this run writes`]]);
    await expect(expandInputs(['reported/report.html'], dir, () => undefined, outputs)).rejects.toThrow(new UsageError(`${join(dir, 'reported', 'report.html')}: the --html report this run writes`));
    expect(await expandInputs(['reported'], dir, () => undefined, [{ path: join(dir, 'not-yet.html'), role: 'x' }])).toStrictEqual([join(dir, 'reported', 'app.log'), join(dir, 'reported', 'report.html')]);
  });

  it('refuses a directory with nothing to analyze, after noting what it skipped', async () => {
    mkdirSync(join(dir, 'empty-dir', '.hidden'), { recursive: true });
    writeFileSync(join(dir, 'empty-dir', '.hidden', 'x.log'), 'x\n');
    const notes: string[] = [];

    await expect(expandInputs(['empty-dir'], dir, (n) => notes.push(n))).rejects.toThrow(`nothing to analyze in empty-dir`);
    expect(notes).toStrictEqual([]);
  });
});
