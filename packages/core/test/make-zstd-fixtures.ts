// Remakes test/fixtures/zstd/ with the real zstd CLI (CI has none, so the output is committed):
//   npx jest --testRegex 'make-zstd-fixtures\.ts$'
// Not a test: jest only runs it when asked, as above.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { zstdFixturePieces } from './zstd-fixture-text';

const FIXTURES = join(__dirname, 'fixtures', 'zstd');

/** One frame per piece, each with its own level and, for some, no checksum: the CLI's own variety. */
const FRAME_FLAGS = [['-1'], ['-3', '--no-check'], ['-19'], ['-3'], ['-9', '--no-check'], ['--fast=3'], ['-6'], ['-12'], ['-2']];

it('writes the multi-frame zstd fixture', () => {
  const frames = zstdFixturePieces().map((piece, i) => execFileSync('zstd', ['-q', '-c', ...FRAME_FLAGS[i % FRAME_FLAGS.length]], { input: piece }));
  writeFileSync(join(FIXTURES, 'frames.log.zst'), Buffer.concat(frames));
  expect(frames.length).toBe(zstdFixturePieces().length);
});
