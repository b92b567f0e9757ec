// What a file is, judged by its first bytes: a log we can read, a gzip or zstd file (the coordinator reads those),
// or something to skip with a reason a user can act on.
import { open } from 'node:fs/promises';

/** How many leading bytes are looked at, for NUL bytes and magic numbers. */
export const SNIFF_BYTES = 8192;

export type FileKind = { kind: 'text' } | { kind: 'gzip' } | { kind: 'zstd' } | { kind: 'skip'; reason: string };

interface Magic {
  name: string;
  bytes: number[];
}

/** Compressions we do not read, by their magic numbers (each format's specification). */
const UNREAD_COMPRESSIONS: Magic[] = [
  { name: 'xz', bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00] },
  { name: 'zip', bytes: [0x50, 0x4b, 0x03, 0x04] },
  { name: 'zip', bytes: [0x50, 0x4b, 0x05, 0x06] },
  { name: '7z', bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c] },
  { name: 'lz4', bytes: [0x04, 0x22, 0x4d, 0x18] },
];

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(head: Buffer, bytes: number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/**
 * bzip2 is "BZh", a block size digit, then a block or end-of-stream magic: all ten bytes, so a text log
 * whose first line starts with "BZh5" is still a log.
 */
function isBzip2(head: Buffer): boolean {
  if (!(head.length >= 10 && head.toString('latin1', 0, 3) === 'BZh' && head[3] >= 0x31 && head[3] <= 0x39)) return false;
  return startsWith(head.subarray(4), [0x31, 0x41, 0x59, 0x26, 0x53, 0x59]) || startsWith(head.subarray(4), [0x17, 0x72, 0x45, 0x38, 0x50, 0x90]);
}

export function classifyHead(head: Buffer): FileKind {
  if (startsWith(head, GZIP)) return { kind: 'gzip' };
  if (startsWith(head, ZSTD)) return { kind: 'zstd' };
  const compression = isBzip2(head) ? 'bzip2' : UNREAD_COMPRESSIONS.find((m) => startsWith(head, m.bytes))?.name;
  if (compression !== undefined) return { kind: 'skip', reason: `${compression}-compressed (decompress it first)` };
  // Text logs have no NUL; UTF-16 text and binaries do.
  if (head.includes(0)) return { kind: 'skip', reason: `binary (NUL bytes in its first ${SNIFF_BYTES / 1024} KiB)` };
  return { kind: 'text' };
}

export async function sniffFile(path: string): Promise<FileKind> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    return { kind: 'skip', reason: `cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})` };
  }
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return classifyHead(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
