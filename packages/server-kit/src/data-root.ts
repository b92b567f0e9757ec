// Which files an app may read on a request's say-so: inside a --data-root, after following symlinks,
// and only regular files. Both apps check (the coordinator at POST /jobs, a worker per chunk), so a
// worker never trusts the coordinator's word for where a path leads.
import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { AppError } from './app-error';
import { escapeControl } from './safe-text';

/** At most this much of a refused path is quoted back (the contract allows 4096 bytes). */
const QUOTED_PATH_CHARS = 300;

function quote(path: string): string {
  const shown = path.length > QUOTED_PATH_CHARS ? `${path.slice(0, QUOTED_PATH_CHARS)}…` : path;
  return escapeControl(shown);
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

export class DataRoots {
  private constructor(readonly roots: readonly string[]) {}

  /** No confinement: loopback-only apps on one's own machine read what their user can read. */
  static unrestricted(): DataRoots {
    return new DataRoots([]);
  }

  /** The roots, each resolved to its real path; throws naming a root that is missing or not a directory. */
  static async of(dirs: readonly string[], cwd = process.cwd()): Promise<DataRoots> {
    const roots: string[] = [];
    for (const dir of dirs) {
      let real: string;
      try {
        real = await realpath(resolve(cwd, dir));
      } catch (err) {
        throw new Error(`--data-root ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      if (!(await stat(real)).isDirectory()) throw new Error(`--data-root ${dir} is not a directory`);
      roots.push(real);
    }
    return new DataRoots(roots);
  }

  get restricted(): boolean {
    return this.roots.length > 0;
  }

  /**
   * The real path of `path` when it may be read: 403 input_forbidden when it resolves outside every
   * root, 400 input_not_regular_file for a directory, FIFO or device. A missing file resolves to its
   * lexical path (when that lies inside a root), so the caller reports it missing in its own way.
   */
  async confine(path: string): Promise<string> {
    const absolute = resolve(path);
    let real: string;
    try {
      real = await realpath(absolute);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && this.restricted) throw this.forbidden(path, `cannot be resolved (${code})`);
      if (this.restricted && !this.roots.some((root) => isInside(absolute, root))) throw this.forbidden(path, 'is outside the data root');
      return absolute;
    }
    if (this.restricted && !this.roots.some((root) => isInside(real, root))) throw this.forbidden(path, 'is outside the data root');
    await assertRegularFile(real, path);
    return real;
  }

  private forbidden(path: string, why: string): AppError {
    return new AppError('input_forbidden', `${quote(path)} ${why}${this.restricted ? ` (${this.roots.join(', ')})` : ''}`);
  }
}

/** 400 unless `real` is a regular file; stat does not open it, so a FIFO or device is never touched. */
async function assertRegularFile(real: string, asGiven: string): Promise<void> {
  const stats = await stat(real).catch(() => null);
  if (stats === null || stats.isFile()) return; // unreadable: the caller's own read reports it, naming the file
  const kind = stats.isDirectory() ? 'a directory' : stats.isFIFO() ? 'a FIFO' : stats.isCharacterDevice() || stats.isBlockDevice() ? 'a device' : stats.isSocket() ? 'a socket' : 'not a regular file';
  throw new AppError('input_not_regular_file', `${quote(asGiven)} is ${kind}; only regular files are read`);
}
