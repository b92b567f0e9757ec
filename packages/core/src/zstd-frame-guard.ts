// Walks a zstd stream's frame and block headers (not its contents) ahead of the pure-JS decoder, so a
// frame that would make it allocate an unbounded window is refused before it does: fzstd accepts
// windows up to 2 GiB, and a crafted 18-byte header would otherwise cost that much memory. Blocks
// past their frame's limit are refused here too, with a message instead of fzstd's RangeError.

/** The zstd CLI's default decoding limit (--memory=128MB, window log 27); the Node decoder's too. */
export const MAX_ZSTD_WINDOW_BYTES = 128 * 1024 * 1024;

/** RFC 8878 §3.1.1.2.4: no block holds more, and none more than its frame's window. */
const MAX_BLOCK_BYTES = 128 * 1024;
const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;

type Phase = 'magic' | 'frame-header' | 'skippable-size' | 'block-header' | 'skip';

function le(bytes: number[], from: number, count: number): number {
  let value = 0;
  for (let i = count - 1; i >= 0; i--) value = value * 256 + bytes[from + i];
  return value;
}

/** Bytes of a frame header after the magic, told by its descriptor byte (RFC 8878 §3.1.1.1). */
function frameHeaderBytes(descriptor: number): number {
  const singleSegment = (descriptor >> 5) & 1;
  const dictionaryIdBytes = [0, 1, 2, 4][descriptor & 3];
  const contentSizeFlag = descriptor >> 6;
  const contentSizeBytes = contentSizeFlag === 0 ? singleSegment : 1 << contentSizeFlag;
  return 1 + (1 - singleSegment) + dictionaryIdBytes + contentSizeBytes;
}

function windowBytes(header: number[]): number {
  const descriptor = header[0];
  if ((descriptor >> 5) & 1) {
    // Single segment: the window is the whole content, whose size follows the dictionary id.
    const contentSizeFlag = descriptor >> 6;
    const sizeBytes = contentSizeFlag === 0 ? 1 : 1 << contentSizeFlag;
    const size = le(header, header.length - sizeBytes, sizeBytes);
    return contentSizeFlag === 1 ? size + 256 : size;
  }
  const exponent = 10 + (header[1] >> 3);
  const base = 2 ** exponent;
  return base + (base / 8) * (header[1] & 7);
}

/** What follows bytes being skipped: a block's body, a checksum, a skippable frame's payload. */
type AfterSkip = 'block-header' | 'checksum' | 'magic';

export class ZstdFrameGuard {
  private phase: Phase = 'magic';
  private header: number[] = [];
  private want = 4;
  private skipBytes = 0;
  private afterSkip: AfterSkip = 'magic';
  private checksum = false;
  private blockMaxBytes = 0;

  /** Throws, saying why, at the first frame the decoder must not be given; call with every chunk, in order. */
  scan(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.phase === 'skip') {
        const step = Math.min(this.skipBytes, chunk.length - at);
        at += step;
        this.skipBytes -= step;
        if (this.skipBytes === 0) this.skipped();
        continue;
      }
      this.header.push(chunk[at++]);
      if (this.header.length === this.want) this.headerComplete();
    }
  }

  private expect(phase: Phase, bytes: number): void {
    this.phase = phase;
    this.header = [];
    this.want = bytes;
  }

  private skip(bytes: number, then: AfterSkip): void {
    this.phase = 'skip';
    this.skipBytes = bytes;
    this.afterSkip = then;
    if (bytes === 0) this.skipped();
  }

  private skipped(): void {
    if (this.afterSkip === 'checksum') {
      this.checksum = false;
      this.skip(4, 'magic');
    } else {
      this.expect(this.afterSkip, this.afterSkip === 'magic' ? 4 : 3);
    }
  }

  private headerComplete(): void {
    const header = this.header;
    switch (this.phase) {
      case 'magic': {
        const magic = le(header, 0, 4);
        if (magic === ZSTD_MAGIC) this.expect('frame-header', 1);
        else if (((magic & SKIPPABLE_MASK) >>> 0) === SKIPPABLE_MAGIC) this.expect('skippable-size', 4);
        // Anything else is left to the decoder, which fails it as invalid data.
        else this.expect('magic', 4);
        return;
      }
      case 'frame-header': {
        const total = frameHeaderBytes(header[0]);
        if (header.length < total) {
          this.want = total;
          return;
        }
        if ((header[0] & 3) !== 0) throw new Error('a frame needs a dictionary, which loganalyzer does not have');
        const window = windowBytes(header);
        if (window > MAX_ZSTD_WINDOW_BYTES) {
          throw new Error(`a frame needs a ${window}-byte window, more than the ${MAX_ZSTD_WINDOW_BYTES} bytes allowed (zstd --long=27 at most)`);
        }
        this.checksum = ((header[0] >> 2) & 1) === 1;
        this.blockMaxBytes = Math.min(window, MAX_BLOCK_BYTES);
        this.expect('block-header', 3);
        return;
      }
      case 'skippable-size':
        this.skip(le(header, 0, 4), 'magic');
        return;
      case 'block-header': {
        const value = le(header, 0, 3);
        const last = (value & 1) === 1;
        const rle = ((value >> 1) & 3) === 1;
        const size = Math.floor(value / 8);
        // Checked here because fzstd, given a block past its window, fails with a bare RangeError.
        if (size > this.blockMaxBytes) throw new Error(`a ${size}-byte block is larger than its frame allows (${this.blockMaxBytes} bytes)`);
        this.skip(rle ? 1 : size, last ? (this.checksum ? 'checksum' : 'magic') : 'block-header');
        return;
      }
      default:
        return;
    }
  }
}
