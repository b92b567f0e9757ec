// statInput records the file a job plans against; a chunk read against that snapshot fails when the
// file was replaced or cut short, and never reads what was appended after planning.
import { execFileSync } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, mkdirSync, readFileSync, renameSync, statSync, truncateSync } from 'node:fs';
// The module object itself (not an import-star copy), so that a spy on it is seen by the line reader.
import fs = require('node:fs');
import { analyzeFilePartial, analyzeRange } from '../src/analyze';
import { planChunks } from '../src/chunk-planner';
import { AnalyzerError } from '../src/errors';
import { InputSnapshot, statInput } from '../src/input-snapshot';
import { generateMixedLog, writeLogFile } from '../src/log-generators';
import { mergeAll, PartialMetrics } from '../src/partial-metrics';
import { thrownBy, useTempDir } from './helpers';

const temp = useTempDir();
let counter = 0;

/** A fresh copy of a generated mixed log (a few hundred lines), and its path. */
function freshLog(): string {
  const filepath = temp.path(`input-${counter++}.log`);
  writeLogFile(filepath, generateMixedLog(400, { seed: 23 }));
  return filepath;
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const err = await promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AnalyzerError);
  return { code: (err as AnalyzerError).code, message: (err as AnalyzerError).message };
}

function failure(run: () => unknown): { code: string; message: string } {
  const err = thrownBy(run);
  expect(err).toBeInstanceOf(AnalyzerError);
  return { code: (err as AnalyzerError).code, message: (err as AnalyzerError).message };
}

/** The partial of every chunk of the planned size, merged; the file name left out of the samples. */
function analyzedInChunks(filepath: string, snapshot: InputSnapshot | undefined, size: number): PartialMetrics {
  const partials = planChunks(size, 997).map((r) => analyzeRange(filepath, r.start, r.size, { snapshot }));
  return withoutFileNames(mergeAll(partials));
}

function withoutFileNames(p: PartialMetrics): PartialMetrics {
  return { ...p, malformed_samples: p.malformed_samples.map((s) => ({ ...s, file: '' })) };
}

describe('statInput', () => {
  it('records the size, modification time, device and inode of a regular file', async () => {
    const filepath = freshLog();
    const stats = statSync(filepath);
    await expect(statInput(filepath)).resolves.toStrictEqual({ size: stats.size, mtime_ms: stats.mtimeMs, dev: stats.dev, ino: stats.ino });
  });

  it('rejects a missing file with file_not_found, naming it', async () => {
    const missing = temp.path('no-such.log');
    await expect(rejection(statInput(missing))).resolves.toStrictEqual({ code: 'file_not_found', message: `log file not found: ${missing}` });
  });

  it('rejects a directory with file_unreadable, naming it', async () => {
    const dir = temp.path('a-directory');
    mkdirSync(dir);
    await expect(rejection(statInput(dir))).resolves.toStrictEqual({ code: 'file_unreadable', message: `cannot read log file ${dir}: not a regular file` });
  });

  it('rejects a FIFO with file_unreadable at once, without waiting for a writer', async () => {
    const fifo = temp.path('input.fifo');
    execFileSync('mkfifo', [fifo]);
    await expect(rejection(statInput(fifo))).resolves.toStrictEqual({ code: 'file_unreadable', message: `cannot read log file ${fifo}: not a regular file` });
  });

  // Root reads any file whatever its mode, so the case only exists for other users.
  const unlessRoot = process.getuid?.() === 0 ? it.skip : it;
  unlessRoot('rejects a file it may not read with file_unreadable, naming it', async () => {
    const filepath = freshLog();
    chmodSync(filepath, 0o200);
    const { code, message } = await rejection(statInput(filepath));
    expect({ code, startsWithPath: message.startsWith(`cannot read log file ${filepath}: EACCES`) }).toStrictEqual({ code: 'file_unreadable', startsWithPath: true });
  });
});

describe('a chunk read against a snapshot', () => {
  it('reads the planned file exactly as without a snapshot', async () => {
    const filepath = freshLog();
    const snapshot = await statInput(filepath);
    expect(analyzedInChunks(filepath, snapshot, snapshot.size)).toStrictEqual(withoutFileNames(analyzeFilePartial(filepath)));
    expect(analyzeFilePartial(filepath, { snapshot })).toStrictEqual(analyzeFilePartial(filepath));
  });

  it('fails with input_changed when the file was cut short', async () => {
    const filepath = freshLog();
    const snapshot = await statInput(filepath);
    truncateSync(filepath, 1000);
    expect(failure(() => analyzeRange(filepath, 0, 500, { snapshot }))).toStrictEqual({
      code: 'input_changed',
      message: `${filepath} changed during the job: ${snapshot.size} → 1000 bytes`,
    });
  });

  it('fails with input_changed when another file was renamed over it', async () => {
    const filepath = freshLog();
    const snapshot = await statInput(filepath);
    const replacement = freshLog();
    const newInode = statSync(replacement).ino;
    renameSync(replacement, filepath);
    expect(newInode).not.toBe(snapshot.ino);
    expect(failure(() => analyzeRange(filepath, 0, 500, { snapshot }))).toStrictEqual({
      code: 'input_changed',
      message: `${filepath} changed during the job: replaced (inode ${snapshot.ino} → ${newInode})`,
    });
  });

  it('fails with input_changed when the file is cut short while the chunk is read', async () => {
    const filepath = freshLog();
    const snapshot = await statInput(filepath);
    // Cut the file between opening it and reading it: the reads then come up short without an error.
    const readSync = fs.readSync;
    let cuts = 0;
    const spy = jest.spyOn(fs, 'readSync').mockImplementation((...args: Parameters<typeof fs.readSync>) => {
      spy.mockRestore();
      truncateSync(filepath, 300);
      cuts++;
      return readSync(...args);
    });
    try {
      expect(failure(() => analyzeRange(filepath, 0, snapshot.size, { snapshot }))).toStrictEqual({
        code: 'input_changed',
        message: `${filepath} changed during the job: ${snapshot.size} → 300 bytes`,
      });
    } finally {
      spy.mockRestore();
    }
    expect(cuts).toBe(1);
  });

  it.each([
    ['ends with a newline', true],
    ['ends inside a line, which the appended bytes continue', false],
  ])('never reads what was appended after planning, when the planned part %s', async (_, endsWithNewline) => {
    const filepath = freshLog();
    if (!endsWithNewline) appendFileSync(filepath, '2024-01-24T10:20:00Z ERROR cut sho');
    const plannedCopy = temp.path(`planned-copy-${counter++}.log`);
    copyFileSync(filepath, plannedCopy);
    const snapshot = await statInput(filepath);
    expect(readFileSync(filepath)[snapshot.size - 1] === 0x0a).toBe(endsWithNewline);
    appendFileSync(filepath, 'rt line continued 1200ms\n2024-01-24T10:21:00Z INFO appended later took 5ms\n');

    const expected = withoutFileNames(analyzeFilePartial(plannedCopy));
    expect(analyzedInChunks(filepath, snapshot, snapshot.size)).toStrictEqual(expected);
    expect(withoutFileNames(analyzeFilePartial(filepath, { snapshot }))).toStrictEqual(expected);
    // Without the snapshot the appended bytes are read: the test above would see them.
    expect(analyzeFilePartial(filepath).lines).toBe(expected.lines + (endsWithNewline ? 2 : 1));
  });

  it.each([
    [{ size: -1, mtime_ms: 0, dev: 0, ino: 0 }, 'snapshot.size must be a non-negative integer, got -1'],
    [{ size: 10, mtime_ms: 0, dev: 0.5, ino: 0 }, 'snapshot.dev must be a non-negative integer, got 0.5'],
    [{ size: 10, mtime_ms: 0, dev: 0 } as InputSnapshot, 'snapshot.ino must be a non-negative integer, got undefined'],
  ])('rejects the snapshot %p with invalid_argument', (snapshot, message) => {
    const filepath = temp.write(`small-${counter++}.log`, 'a\n');
    expect(failure(() => analyzeRange(filepath, 0, 2, { snapshot }))).toStrictEqual({ code: 'invalid_argument', message });
  });
});
