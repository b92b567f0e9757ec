// The generated input files: written once into .bench-cache/ in 1 MiB batches and reused while their
// manifest says they came from the same generator output, seed and size.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { generateApplog } from '@loganalyzer/core/testing';
import { generateAccessLog } from './generators/access-log';
import { generateJsonLog } from './generators/json-log';

export const INPUT_FORMATS = ['applog', 'combined', 'json'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export interface BenchInput {
  format: InputFormat;
  path: string;
  bytes: number;
  lines: number;
  /** Whether this run wrote the file (false: reused from the cache). */
  generated: boolean;
}

interface Manifest {
  format: InputFormat;
  seed: number;
  target_bytes: number;
  bytes: number;
  lines: number;
  /**
   * Hash of the generator's first lines, so a changed generator invalidates the cache. A change that
   * shows only after them goes unnoticed: delete .bench-cache/ after such a change.
   */
  fingerprint: string;
}

const GENERATORS: Record<InputFormat, (seed: number) => Iterator<Buffer>> = {
  applog: (seed) => generateApplog(Number.MAX_SAFE_INTEGER, { seed }),
  combined: (seed) => generateAccessLog(seed),
  json: generateJsonLog,
};

const BATCH_BYTES = 1 << 20;
const FINGERPRINT_LINES = 20_000;

function fingerprint(lines: Iterator<Buffer>): string {
  const hash = createHash('sha256');
  for (let n = 0; n < FINGERPRINT_LINES; n++) hash.update(lines.next().value as Buffer);
  return hash.digest('hex').slice(0, 16);
}

function readManifest(path: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

/** Writes whole lines until the next one would pass targetBytes. */
function writeLines(path: string, lines: Iterator<Buffer>, targetBytes: number, onProgress: (bytes: number) => void): { bytes: number; lines: number } {
  const fd = openSync(path, 'w');
  const batch = Buffer.allocUnsafe(BATCH_BYTES);
  let used = 0;
  let bytes = 0;
  let count = 0;
  try {
    for (;;) {
      const line = lines.next().value as Buffer;
      if (bytes + used + line.length > targetBytes) break;
      if (used + line.length > BATCH_BYTES) {
        writeSync(fd, batch, 0, used);
        bytes += used;
        used = 0;
        onProgress(bytes);
      }
      used += line.copy(batch, used);
      count++;
    }
    writeSync(fd, batch, 0, used);
    bytes += used;
  } finally {
    closeSync(fd);
  }
  return { bytes, lines: count };
}

export function ensureInput(cacheDir: string, format: InputFormat, targetBytes: number, seed: number, log: (message: string) => void): BenchInput {
  return ensureGeneratedInput(cacheDir, format, format, GENERATORS[format], targetBytes, seed, log);
}

/**
 * The file `<stem>-<bytes>-seed<seed>.log` of a generator's lines, written unless the cache holds it.
 * `format` is the analyzer format the file is read with.
 */
export function ensureGeneratedInput(
  cacheDir: string,
  stem: string,
  format: InputFormat,
  generate: (seed: number) => Iterator<Buffer>,
  targetBytes: number,
  seed: number,
  log: (message: string) => void,
): BenchInput {
  mkdirSync(cacheDir, { recursive: true });
  const path = join(cacheDir, `${stem}-${targetBytes}-seed${seed}.log`);
  const manifestPath = `${path}.json`;
  const expected = fingerprint(generate(seed));
  const manifest = readManifest(manifestPath);
  const reusable =
    manifest !== null &&
    manifest.format === format &&
    manifest.seed === seed &&
    manifest.target_bytes === targetBytes &&
    manifest.fingerprint === expected &&
    existsSync(path) &&
    statSync(path).size === manifest.bytes;
  if (reusable) return { format, path, bytes: manifest.bytes, lines: manifest.lines, generated: false };

  log(`generating ${path} ...`);
  const started = Date.now();
  let nextReport = targetBytes / 4;
  const partial = `${path}.partial`;
  const written = writeLines(partial, generate(seed), targetBytes, (bytes) => {
    if (bytes >= nextReport) {
      log(`  ${stem}: ${Math.round((bytes / targetBytes) * 100)}%`);
      nextReport += targetBytes / 4;
    }
  });
  // Rename only a complete file, so an interrupted run never leaves a short input that looks reusable.
  renameSync(partial, path);
  const fresh: Manifest = { format, seed, target_bytes: targetBytes, bytes: written.bytes, lines: written.lines, fingerprint: expected };
  writeFileSync(manifestPath, JSON.stringify(fresh, null, 2) + '\n');
  log(`  ${stem}: ${written.bytes} bytes, ${written.lines} lines in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { format, path, bytes: written.bytes, lines: written.lines, generated: true };
}

/**
 * Reads a file once so that the measurement after it reads from the page cache. Called right before
 * each tool's timed runs, not once per file: this machine's kernel reclaims file pages not used for a
 * while (DAMON), and a 1 GiB input measured last minutes before was found half evicted (524 of 1024
 * MiB resident), so whichever tool ran first on it paid the disk.
 */
export function warmPageCache(path: string): void {
  const fd = openSync(path, 'r');
  const buffer = Buffer.allocUnsafe(8 << 20);
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}
