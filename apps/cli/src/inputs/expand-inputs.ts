// Turns what the user typed (files, directories, quoted globs) into the files a job reads: directories
// recursively, every list sorted, hidden entries skipped, a file reached twice read once, and files that are not logs
// (or that this run writes) refused (named explicitly) or skipped with a note (found in a directory or by a glob).
import { readdir, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MAX_INPUTS_PER_JOB } from '@loganalyzer/contract';
import { escapeControl } from '@loganalyzer/server-kit';
import { glob, isDynamicPattern } from 'tinyglobby';
import { UsageError } from '../exit-codes';
import { sniffFile } from './sniff-file';

interface Candidate {
  path: string;
  /** Named by the user, not found in a directory or by a glob: refusing it is an error, not a note. */
  explicit: boolean;
}

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Regular files under dir, sorted by path; hidden names skipped; symlinked files kept, symlinked directories not followed (no loops). */
async function walk(dir: string, out: string[]): Promise<void> {
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => byCodeUnits(a.name, b.name));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await walk(path, out);
    else if (entry.isFile()) out.push(path);
    else if (entry.isSymbolicLink() && (await stat(path).catch(() => null))?.isFile()) out.push(path);
  }
}

async function candidatesOf(arg: string, base: string): Promise<Candidate[]> {
  const path = resolve(base, arg);
  let info;
  try {
    info = await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A quoted glob reaches us unexpanded; a path that exists as typed wins over reading it as a pattern.
    if (code === 'ENOENT' && isDynamicPattern(arg)) {
      // Symlinks followed (tinyglobby stops at loops); a file reached twice is dropped below.
      const matches = await glob(arg, { cwd: base, absolute: true, onlyFiles: true, dot: false, followSymbolicLinks: true });
      if (matches.length === 0) throw new UsageError(`no file matches ${escapeControl(arg)}`);
      return matches.map((p) => resolve(p)).sort(byCodeUnits).map((p) => ({ path: p, explicit: false }));
    }
    throw new UsageError(code === 'ENOENT' ? `no such file or directory: ${escapeControl(path)}` : `cannot read ${escapeControl(path)}: ${code ?? (err as Error).message}`);
  }
  if (info.isDirectory()) {
    const files: string[] = [];
    await walk(path, files);
    return files.map((p) => ({ path: p, explicit: false }));
  }
  if (!info.isFile()) throw new UsageError(`${escapeControl(path)}: not a regular file or directory`);
  return [{ path, explicit: true }];
}

/** A file this run writes, by its real path (when it exists already) and what it is called in a note. */
export interface RunOutput {
  path: string;
  /** Why it is not read, e.g. "the --html report this run writes". */
  role: string;
}

/**
 * Absolute paths, in the order given (each directory's and glob's files sorted). `base` is the directory
 * relative paths and globs are read from (where the user typed the command); `onSkip` gets one line for
 * each file skipped, as it is found, so the notes are out before a "nothing to analyze". `outputs` are
 * never read: a report written into the folder it reports on would be read as a log by the next run.
 */
export async function expandInputs(args: string[], base: string, onSkip: (note: string) => void, outputs: RunOutput[] = []): Promise<string[]> {
  const written = new Map<string, string>();
  for (const output of outputs) {
    const real = await realpath(output.path).catch(() => null);
    if (real !== null) written.set(real, output.role);
  }
  const seen = new Set<string>();
  const files: string[] = [];
  for (const arg of args) {
    for (const candidate of await candidatesOf(arg, base)) {
      // By the file, not the name: through a symlink or named twice, a file counted twice would skew every figure.
      const real = await realpath(candidate.path);
      if (seen.has(real)) continue;
      seen.add(real);
      const role = written.get(real);
      const kind = role !== undefined ? ({ kind: 'skip', reason: role } as const) : await sniffFile(candidate.path);
      if (kind.kind === 'skip') {
        if (candidate.explicit) throw new UsageError(`${escapeControl(candidate.path)}: ${kind.reason}`);
        onSkip(`skipping ${escapeControl(candidate.path)}: ${kind.reason}`);
        continue;
      }
      files.push(candidate.path);
    }
  }
  if (files.length === 0) throw new UsageError(`nothing to analyze in ${args.map(escapeControl).join(' ')}`);
  if (files.length > MAX_INPUTS_PER_JOB) throw new UsageError(`${files.length} files to analyze; a job reads at most ${MAX_INPUTS_PER_JOB}`);
  return files;
}
