// `analyze` given what users give it: a directory (nested files, hidden ones, a binary, an xz file), a
// quoted glob, paths that do not exist or hold nothing to read. The result equals the single passes of
// the text files, merged; what is skipped gets one line each on stderr.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Job } from '@loganalyzer/contract';
import { analyzeFilePartial, mergeAll, toReport } from '@loganalyzer/core';
import { writeApplogFile, writeLogFile, generateAccessLog } from '@loganalyzer/core/testing';
import { runAnalyze } from './run-analyze';

jest.setTimeout(120_000);

const XZ_MAGIC = Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x04]);
let dir: string;
let logs: string;
/** The text logs under logs/, in the order the directory is read: sorted by path. */
let textFiles: string[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-paths-'));
  logs = join(dir, 'logs');
  mkdirSync(join(logs, 'nginx', 'old'), { recursive: true });
  mkdirSync(join(logs, '.cache'));
  writeApplogFile(join(logs, 'app.log'), 3000, { seed: 1 });
  writeLogFile(join(logs, 'nginx', 'access.log'), generateAccessLog(2000, { seed: 2 }));
  writeLogFile(join(logs, 'nginx', 'old', 'access.log.1'), generateAccessLog(1000, { seed: 3 }));
  writeApplogFile(join(logs, '.cache', 'hidden.log'), 500, { seed: 4 });
  writeApplogFile(join(logs, '.hidden.log'), 500, { seed: 5 });
  writeFileSync(join(logs, 'core.dump'), Buffer.concat([Buffer.from('ELF'), Buffer.alloc(64)]));
  writeFileSync(join(logs, 'nginx', 'old', 'access.log.2.xz'), Buffer.concat([XZ_MAGIC, Buffer.alloc(32, 7)]));
  textFiles = [join(logs, 'app.log'), join(logs, 'nginx', 'access.log'), join(logs, 'nginx', 'old', 'access.log.1')];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const analyzedPaths = (job: Job): string[] => job.input_progress.map((i) => i.input.path);

it('reads a directory recursively, skipping hidden files, and a binary and an xz file with a note each', async () => {
  const result = await runAnalyze([logs, '--json', '--workers', '1', '--concurrency', '1']);

  expect(result.code).toBe(0);
  expect(result.stderr).toBe(
    [
      `analyze: skipping ${join(logs, 'core.dump')}: binary (NUL bytes in its first 8 KiB)`,
      `analyze: skipping ${join(logs, 'nginx', 'old', 'access.log.2.xz')}: xz-compressed (decompress it first)`,
      '',
    ].join('\n'),
  );
  const job = JSON.parse(result.stdout) as Job;
  expect(job.status).toBe('completed');
  expect(analyzedPaths(job)).toStrictEqual(textFiles);
  expect(job.metrics).toStrictEqual(toReport(mergeAll(textFiles.map((f) => analyzeFilePartial(f)))));
});

it('expands a quoted glob itself, sorted, without hidden files', async () => {
  const result = await runAnalyze(['logs/**/access.log*', '--json', '--workers', '1', '--concurrency', '1'], { INIT_CWD: dir });

  expect(result.code).toBe(0);
  expect(result.stderr).toBe(`analyze: skipping ${join(logs, 'nginx', 'old', 'access.log.2.xz')}: xz-compressed (decompress it first)\n`);
  const job = JSON.parse(result.stdout) as Job;
  expect(analyzedPaths(job)).toStrictEqual(textFiles.slice(1));
  expect(job.metrics).toStrictEqual(toReport(mergeAll(textFiles.slice(1).map((f) => analyzeFilePartial(f)))));
});

it('reads a file named twice (as itself and inside its directory) once', async () => {
  const result = await runAnalyze([textFiles[0], logs, '--json', '--workers', '1', '--concurrency', '1']);

  expect(result.code).toBe(0);
  expect(analyzedPaths(JSON.parse(result.stdout) as Job)).toStrictEqual(textFiles);
});

it.each([
  ['a path that does not exist', () => [join(dir, 'nope.log')], () => `no such file or directory: ${join(dir, 'nope.log')}`],
  ['a glob that matches nothing', () => [join(dir, '*.nothing')], () => `no file matches ${join(dir, '*.nothing')}`],
  ['an xz file named explicitly', () => [join(logs, 'nginx', 'old', 'access.log.2.xz')], () => `${join(logs, 'nginx', 'old', 'access.log.2.xz')}: xz-compressed (decompress it first)`],
  ['a binary named explicitly', () => [join(logs, 'core.dump')], () => `${join(logs, 'core.dump')}: binary (NUL bytes in its first 8 KiB)`],
])('refuses %s with exit code 2 and one line, starting no job', async (_case, args, message) => {
  const result = await runAnalyze([...args(), '--workers', '1', '--concurrency', '1']);

  expect([result.code, result.stdout, result.stderr]).toStrictEqual([2, '', `analyze: ${message()}\n`]);
});

it('refuses a directory with nothing to analyze in it, after saying what it skipped', async () => {
  const onlyBinary = join(dir, 'only-binary');
  mkdirSync(onlyBinary);
  writeFileSync(join(onlyBinary, 'a.bin'), Buffer.alloc(16));

  const result = await runAnalyze([onlyBinary, '--workers', '1', '--concurrency', '1']);

  expect([result.code, result.stdout]).toStrictEqual([2, '']);
  expect(result.stderr).toBe(`analyze: skipping ${join(onlyBinary, 'a.bin')}: binary (NUL bytes in its first 8 KiB)\nanalyze: nothing to analyze in ${onlyBinary}\n`);
});
