// The single pass over a compressed file (gzip, zstd): its bytes streamed through a decompressor and
// the decompressed lines fed to the same line sinks as a plain file's, in bounded memory (a read
// buffer, the decompressor's window and output, one carried line). A compressed stream cannot be
// entered in the middle, so a job reads such a file as one chunk: all of it, up to the planned size.
import { FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MetricsAccumulator } from './analytics/metrics-accumulator';
import { AnalyzeOptions, asPartial, asPartialJson, checkOptions, FinishPass, lineSinkFor, PathChoice } from './analyze';
import { createZlibDecompressor, ReadableCompression } from './compression';
import { AnalyzerError, fileError } from './errors';
import { checkUnchanged } from './input-snapshot';
import { LineSplitter } from './line-splitter';
import { decompressZstd, ZstdDataError } from './zstd-lines';
import type { PartialMetrics } from './partial-metrics';

const READ_BYTES = 64 * 1024;

async function openInput(filepath: string): Promise<FileHandle> {
  try {
    return await open(filepath, 'r');
  } catch (err) {
    throw fileError(filepath, err);
  }
}

/** Only errors from the file system name the file as unreadable; ours pass through. */
function readError(filepath: string, err: unknown): unknown {
  const code = (err as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? fileError(filepath, err) : err;
}

/** The decompressed stream does not decode (corrupt, truncated); the message says how. */
class CompressedDataError extends Error {}

/** Feeds the decompressed bytes to onPiece: through zlib where it can (gzip, zstd from Node 22.15), else fzstd. */
async function decompress(source: Readable, compression: ReadableCompression, onPiece: (piece: Buffer) => void): Promise<void> {
  const decompressor = createZlibDecompressor(compression);
  if (decompressor === null) {
    try {
      return await decompressZstd(source, onPiece);
    } catch (err) {
      throw err instanceof ZstdDataError ? new CompressedDataError(err.message, { cause: err }) : err;
    }
  }
  let decompressError: unknown = null;
  decompressor.once('error', (err) => {
    decompressError = err;
  });
  try {
    await pipeline(source, decompressor, async (pieces: AsyncIterable<Buffer>) => {
      for await (const piece of pieces) onPiece(piece);
    });
  } catch (err) {
    throw err === decompressError ? new CompressedDataError((err as Error).message, { cause: err }) : err;
  }
}

async function analyzeHandle<T>(handle: FileHandle, filepath: string, compression: ReadableCompression, options: AnalyzeOptions, path: PathChoice, finish: FinishPass<T>): Promise<T> {
  const snapshot = options.snapshot;
  if (snapshot !== undefined) checkUnchanged(handle.fd, filepath, snapshot);
  const stats = snapshot === undefined ? await handle.stat() : null;
  const size = snapshot?.size ?? (stats as NonNullable<typeof stats>).size;
  const acc = new MetricsAccumulator({ filepath, topCapacity: options.topCapacity });
  const sink = lineSinkFor(acc, options, snapshot?.mtime_ms ?? (stats as NonNullable<typeof stats>).mtimeMs, path);
  const lines = new LineSplitter(sink, {
    maxLineBytes: options.maxLineBytes,
    onOversizedLine: (offset) => acc.addMalformed('oversized', null, 0, 0, offset),
  });
  // Exactly the planned bytes: an append after planning is not part of the job.
  const source = size > 0 ? handle.createReadStream({ start: 0, end: size - 1, highWaterMark: READ_BYTES, autoClose: false }) : Readable.from([]);
  try {
    await decompress(source, compression, (piece) => lines.push(piece));
  } catch (err) {
    if (err instanceof CompressedDataError) {
      throw new AnalyzerError('invalid_input', `${filepath} is not valid ${compression}: ${err.message}`, { cause: err.cause });
    }
    throw readError(filepath, err);
  }
  const read = lines.finish();
  // A cut during the read would show as a truncated stream; a replacement only in the identity.
  if (snapshot !== undefined) checkUnchanged(handle.fd, filepath, snapshot);
  return finish(acc, read.bytes);
}

/**
 * The partial metrics of a whole compressed file (up to snapshot.size, given one): every line of its
 * decompressed text, the same metrics as analyzeFilePartial of the decompressed file. A stream that
 * does not decompress (corrupt, truncated) fails with invalid_input naming the file.
 */
export function analyzeCompressedFile(filepath: string, compression: ReadableCompression, options: AnalyzeOptions = {}, path: PathChoice = 'fast'): Promise<PartialMetrics> {
  return analyzeCompressed(filepath, compression, options, path, asPartial);
}

/** analyzeCompressedFile's partial as its JSON bytes (analyzeRangeJson's counterpart). */
export function analyzeCompressedFileJson(filepath: string, compression: ReadableCompression, options: AnalyzeOptions = {}): Promise<Uint8Array[]> {
  return analyzeCompressed(filepath, compression, options, 'fast', asPartialJson);
}

async function analyzeCompressed<T>(filepath: string, compression: ReadableCompression, options: AnalyzeOptions, path: PathChoice, finish: FinishPass<T>): Promise<T> {
  checkOptions(options);
  const handle = await openInput(filepath);
  try {
    return await analyzeHandle(handle, filepath, compression, options, path, finish);
  } catch (err) {
    throw readError(filepath, err);
  } finally {
    await handle.close();
  }
}
