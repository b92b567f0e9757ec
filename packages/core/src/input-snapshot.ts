// What a job plans against: the input file's identity and size when it was planned. Chunks are read
// against the snapshot, so a file replaced or cut short meanwhile fails the chunk (input_changed)
// instead of merging lines of two different files, and bytes appended after planning are never read.
import { constants, fstatSync, Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { Compression, detectCompression, MAGIC_BYTES } from './compression';
import { AnalyzerError, fileError } from './errors';

export interface InputSnapshot {
  /** Bytes planned: the end of the file for every chunk of the job. */
  size: number;
  /** Recorded, not compared: an append, which is allowed, changes it too. */
  mtime_ms: number;
  dev: number;
  ino: number;
}

/** What the coordinator learns of an input when it plans a job: its snapshot, and its compression by its first bytes. */
export interface InputInspection {
  snapshot: InputSnapshot;
  compression: Compression | null;
}

/**
 * The snapshot of a readable regular file and the compression its first bytes name; AnalyzerError
 * file_not_found or file_unreadable (naming the path) when it is missing, not a regular file, or
 * cannot be opened.
 */
export async function inspectInput(filepath: string): Promise<InputInspection> {
  let stats: Stats;
  const head = Buffer.alloc(MAGIC_BYTES);
  let headBytes = 0;
  try {
    // Non-blocking, because opening a FIFO for reading would wait for a writer; for a regular file
    // the flag changes nothing. The stats are the opened file's, so what was checked is what was opened.
    const handle = await open(filepath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      stats = await handle.stat();
      if (stats.isFile()) headBytes = (await handle.read(head, 0, MAGIC_BYTES, 0)).bytesRead;
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fileError(filepath, err);
  }
  if (!stats.isFile()) throw new AnalyzerError('file_unreadable', `cannot read log file ${filepath}: not a regular file`);
  return {
    snapshot: { size: stats.size, mtime_ms: stats.mtimeMs, dev: stats.dev, ino: stats.ino },
    compression: detectCompression(head.subarray(0, headBytes)),
  };
}

/** The snapshot alone (see inspectInput). */
export async function statInput(filepath: string): Promise<InputSnapshot> {
  return (await inspectInput(filepath)).snapshot;
}

function changed(filepath: string, how: string): AnalyzerError {
  return new AnalyzerError('input_changed', `${filepath} changed during the job: ${how}`);
}

/**
 * Throws input_changed unless the open file is the snapshot's (same device and inode) and still holds
 * every planned byte. Called after opening a chunk's file and again after reading it.
 */
export function checkUnchanged(fd: number, filepath: string, snapshot: InputSnapshot): void {
  const now = fstatSync(fd);
  if (now.ino !== snapshot.ino) throw changed(filepath, `replaced (inode ${snapshot.ino} → ${now.ino})`);
  if (now.dev !== snapshot.dev) throw changed(filepath, `replaced (device ${snapshot.dev} → ${now.dev})`);
  if (now.size < snapshot.size) throw changed(filepath, `${snapshot.size} → ${now.size} bytes`);
}

/** Throws invalid_argument for a snapshot that statInput could not have made. */
export function checkSnapshotOption(snapshot: InputSnapshot): void {
  if (typeof snapshot !== 'object' || snapshot === null) throw new AnalyzerError('invalid_argument', `snapshot must be an object, got ${snapshot}`);
  // A device or inode number may be past 2^53 on some file systems: an integer, not a safe one.
  for (const [name, isWhole] of [['size', Number.isSafeInteger], ['dev', Number.isInteger], ['ino', Number.isInteger]] as const) {
    const value = snapshot[name];
    if (!(isWhole(value) && value >= 0)) throw new AnalyzerError('invalid_argument', `snapshot.${name} must be a non-negative integer, got ${value}`);
  }
}
