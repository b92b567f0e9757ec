// The plain text behind the committed zstd fixtures (test/fixtures/zstd/), regenerated here exactly:
// the tests compare a fixture's metrics with those of this text, and make-zstd-fixtures.ts (run by
// hand, with the zstd CLI) compresses the same pieces. Change one and the other must be remade.
import { generateMixedLog } from '../src/log-generators';

/** Bytes of the long line: past fzstd's 128 KiB blocks and the 64 KiB reads, under the line limit. */
const LONG_LINE_BYTES = 300_000;

/** The whole text: mixed formats, a long line, CRLF and multi-byte lines, an unterminated last line. */
export function zstdFixtureText(): Buffer {
  const head = Buffer.concat([...generateMixedLog(2500, { seed: 21 })]);
  const long = Buffer.from(`2024-01-24 12:00:00 INFO long ${'é'.repeat(LONG_LINE_BYTES / 2)}\n`);
  const tail = Buffer.concat([...generateMixedLog(2500, { seed: 22 })]);
  return Buffer.concat([head, long, Buffer.from('2024-01-24 12:00:01 WARN crlf line\r\n'), tail, Buffer.from('2024-01-24 12:00:02 ERROR unterminated last line')]);
}

/** Where the text is cut into frames: inside lines, inside the long line, inside a 2-byte character. */
export function zstdFixtureCuts(text: Buffer): number[] {
  const longStart = text.indexOf('INFO long ');
  return [1, 70_001, longStart - 3, longStart + 100_001, longStart + 250_000, text.indexOf('crlf line\r\n') + 10, text.length - 10];
}

/** The frames' plain pieces, in order (an empty one too: zstd writes a frame for empty input). */
export function zstdFixturePieces(): Buffer[] {
  const text = zstdFixtureText();
  const cuts = [0, ...zstdFixtureCuts(text), text.length];
  const pieces = cuts.slice(1).map((end, i) => text.subarray(cuts[i], end));
  return [...pieces.slice(0, 3), Buffer.alloc(0), ...pieces.slice(3)];
}
