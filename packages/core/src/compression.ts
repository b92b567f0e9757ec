// Which compression a file is in, told by its first bytes (not its name), and which of them this
// process can decompress. A compressed file analyzed as text would be counted as thousands of
// malformed lines; recognising the common formats lets a job refuse it with a message instead.
import * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';

export type Compression = 'gzip' | 'zstd' | 'xz' | 'bzip2' | 'zip' | '7z' | 'lz4';

/** Bytes of a file's head that detectCompression looks at. */
export const MAGIC_BYTES = 10;

const BZIP2_BLOCK = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]; // π in BCD: the first block's header
const BZIP2_END = [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]; // √π: an empty stream's end marker

const MAGICS: ReadonlyArray<[Compression, readonly number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
  ['7z', [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c]],
  ['lz4', [0x04, 0x22, 0x4d, 0x18]],
];

function startsWith(head: Uint8Array, magic: readonly number[], at = 0): boolean {
  if (head.length < at + magic.length) return false;
  return magic.every((byte, i) => head[at + i] === byte);
}

/**
 * "BZh" alone begins ordinary words; a bzip2 stream also has a block size digit and then a block
 * header or the end-of-stream marker, which no text line does.
 */
function isBzip2(head: Uint8Array): boolean {
  if (!startsWith(head, [0x42, 0x5a, 0x68]) || head.length < 4 || head[3] < 0x31 || head[3] > 0x39) return false;
  return startsWith(head, BZIP2_BLOCK, 4) || startsWith(head, BZIP2_END, 4);
}

/** The compression whose magic number the head (a file's first MAGIC_BYTES bytes, or fewer) starts with; null for anything else. */
export function detectCompression(head: Uint8Array): Compression | null {
  for (const [name, magic] of MAGICS) if (startsWith(head, magic)) return name;
  return isBzip2(head) ? 'bzip2' : null;
}

type ZstdZlib = { createZstdDecompress?: () => Transform };

/**
 * Who decompresses zstd here: Node's zlib from Node 22.15 (native, faster), before that fzstd, a
 * pure-JS decoder (by the author of fflate), so every worker reads zstd whatever its Node.
 */
export function zstdDecoder(): 'zlib' | 'fzstd' {
  return typeof (zlib as ZstdZlib).createZstdDecompress === 'function' ? 'zlib' : 'fzstd';
}

/** The compressions a job can read. */
export type ReadableCompression = 'gzip' | 'zstd';

/**
 * A fresh streaming decompressor from zlib (gzip: every member of a multi-member file, like
 * `gunzip`); null for zstd on a Node without one (see zstd-lines.ts).
 */
export function createZlibDecompressor(compression: ReadableCompression): Transform | null {
  if (compression === 'gzip') return zlib.createGunzip();
  const create = (zlib as ZstdZlib).createZstdDecompress;
  return create === undefined ? null : create();
}

/** Why a file in this compression cannot be read, as a one-line message naming it; null when it can (gzip, zstd). */
export function unreadableCompression(filepath: string, compression: Compression): string | null {
  if (compression === 'gzip' || compression === 'zstd') return null;
  return `${filepath} is ${compression}-compressed: loganalyzer reads plain text, gzip and zstd (decompress it first)`;
}
