// zstd without Node's decoder (before Node 22.15): fzstd, pure JS, fed the file's bytes as they are
// read. Its output goes straight to the caller's sink inside push(), never queued: one read can
// decompress to gigabytes (RLE blocks), and only the current block is ever held. It runs
// synchronously between reads, so a pool thread aborted meanwhile is stopped like any other.
import { Decompress } from 'fzstd';
import { ZstdFrameGuard } from './zstd-frame-guard';

/** Thrown for a stream that does not decompress; its message says why (fzstd's, or the guard's). */
export class ZstdDataError extends Error {}

function dataError(err: unknown): ZstdDataError {
  // Not instanceof Error: a typed array's RangeError may come from another realm (jest's sandbox).
  const message = typeof (err as Error)?.message === 'string' ? (err as Error).message : String(err);
  return new ZstdDataError(message === 'unexpected EOF' ? 'unexpected end of file' : message, { cause: err });
}

/** Decompresses every frame of the stream into onPiece; rejects with ZstdDataError for bad data, with the source's error otherwise. */
export async function decompressZstd(source: AsyncIterable<Buffer>, onPiece: (piece: Buffer) => void): Promise<void> {
  const guard = new ZstdFrameGuard();
  const decoder = new Decompress((data) => {
    if (data.length > 0) onPiece(Buffer.from(data.buffer, data.byteOffset, data.length));
  });
  const feed = (chunk: Uint8Array, final: boolean): void => {
    try {
      guard.scan(chunk);
      decoder.push(chunk, final);
    } catch (err) {
      throw dataError(err);
    }
  };
  for await (const chunk of source) feed(chunk, false);
  feed(new Uint8Array(0), true);
}
