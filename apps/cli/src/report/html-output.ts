// Where `--html` writes. Checked before the job is submitted, so a path that cannot take the report
// is a usage mistake reported at once, not after the whole analysis; and a write that still fails
// names the file in one line.
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { escapeControl } from '@loganalyzer/server-kit';
import { UsageError } from '../exit-codes';

/** The absolute path of `--html FILE` read from `base` (where the user typed it); undefined without the flag. */
export function htmlOutputPath(arg: string | undefined, base: string): string | undefined {
  if (arg === undefined) return undefined;
  const path = resolve(base, arg);
  if (!existsSync(dirname(path))) throw new UsageError(`--html ${escapeControl(path)}: no such directory`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--html ${escapeControl(path)}: is a directory (give the report's file name)`);
  return path;
}

export function writeHtmlReport(path: string, html: string): void {
  try {
    writeFileSync(path, html);
  } catch (err) {
    throw new Error(`cannot write the HTML report to ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}
