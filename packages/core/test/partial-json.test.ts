// A partial's JSON written by the accumulator itself (analyzeRangeJson, analyzeCompressedFileJson: the
// top tables' rows straight from the tables) must be byte for byte jsonBlocks of the partial's objects:
// a pool thread answers a worker with it, and the coordinator checks and merges it as any partial.
import { readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { analyzeRange, analyzeRangeJson } from '../src/analyze';
import { analyzeCompressedFile, analyzeCompressedFileJson } from '../src/compressed-analyze';
import { jsonBlocks } from '../src/json-parts';
import { generateAccessLog, generateJsonLog, generateMixedLog, writeLogFile } from '../src/log-generators';
import { PARTIAL_TOP_ROWS } from '../src/analytics/top-k';
import { planChunks } from '../src/chunk-planner';
import type { AnalyzeOptions } from '../src/analyze';
import { useTempDir } from './helpers';

const temp = useTempDir();
const bytesOf = (blocks: Uint8Array[]): Buffer => Buffer.concat(blocks);

/** Every chunk of the file, both ways: the same bytes, and a partial with the rows it claims to have. */
function expectSameJson(filepath: string, fileSize: number, chunkSize: number, options: AnalyzeOptions = {}): Buffer[] {
  return planChunks(fileSize, chunkSize).map(({ start, size }) => {
    const direct = bytesOf(analyzeRangeJson(filepath, start, size, options));
    const viaObjects = bytesOf(jsonBlocks(analyzeRange(filepath, start, size, options)));
    expect({ start, size, direct: direct.toString('latin1') }).toStrictEqual({ start, size, direct: viaObjects.toString('latin1') });
    return direct;
  });
}

it('writes the JSON of the same partial for access logs, JSON lines and mixed logs with non-ASCII keys, in any chunking', () => {
  const access = temp.path('access.log');
  const json = temp.path('json.log');
  const mixed = temp.path('mixed.log');
  const accessSize = writeLogFile(access, generateAccessLog(4000, { seed: 3, withRequestTime: true }));
  const jsonSize = writeLogFile(json, generateJsonLog(4000, { seed: 4 }));
  const mixedSize = writeLogFile(mixed, generateMixedLog(4000, { seed: 5 }));
  for (const chunkSize of [accessSize, 70_001]) expectSameJson(access, accessSize, chunkSize);
  for (const chunkSize of [jsonSize, 90_001]) expectSameJson(json, jsonSize, chunkSize);
  const mixedParts = expectSameJson(mixed, mixedSize, 50_001);
  // The mixed log quotes non-ASCII keys and samples, written as \u escapes by both.
  expect(mixedParts.some((part) => part.includes('\\u00'))).toBe(true);
  expect(mixedParts.every((part) => part.every((byte) => byte < 0x80))).toBe(true);
});

it('keeps the same rows of a table that is no longer exact and has more keys than a partial lists', () => {
  // 50,000 distinct paths (some non-ASCII, some escaped), a table of 40,000: past its capacity it is
  // Space-Saving, and its partial lists only the PARTIAL_TOP_ROWS largest counts.
  const filepath = temp.path('many-paths.log');
  const lines: string[] = [];
  for (let i = 0; i < 60_000; i++) {
    const id = i < 50_000 ? i : i % 7;
    const path = id % 5 === 0 ? `/caf\u00e9/${id}` : id % 11 === 0 ? `/q\\x22/${id}` : `/p/${id}`;
    lines.push(`10.0.${i % 250}.${i % 200} - - [24/Jan/2024:10:${String(15 + Math.floor(i / 6000)).padStart(2, '0')}:32 +0000] "GET ${path} HTTP/1.1" ${i % 13 === 0 ? 500 : 200} ${i % 900} "-" "agent/${i % 17}" ${(i % 250) / 1000}`);
  }
  writeFileSync(filepath, lines.join('\n') + '\n');
  const size = Buffer.byteLength(lines.join('\n') + '\n');
  const [whole] = expectSameJson(filepath, size, size, { format: 'combined', topCapacity: 40_000 });
  const partial = JSON.parse(whole.toString('latin1')) as { top: { paths: { exact: boolean; entries: unknown[] } } };
  expect(partial.top.paths.exact).toBe(false);
  expect(partial.top.paths.entries.length).toBeGreaterThanOrEqual(PARTIAL_TOP_ROWS);
  expect(partial.top.paths.entries.length).toBeLessThan(40_000);
  expectSameJson(filepath, size, 1_000_003, { format: 'combined', topCapacity: 40_000 });
});

it('writes a compressed file\'s partial the same way', async () => {
  const plain = temp.path('plain.log');
  writeLogFile(plain, generateMixedLog(3000, { seed: 9 }));
  const gz = temp.path('plain.log.gz');
  writeFileSync(gz, gzipSync(readFileSync(plain)));
  const direct = bytesOf(await analyzeCompressedFileJson(gz, 'gzip'));
  const viaObjects = bytesOf(jsonBlocks(await analyzeCompressedFile(gz, 'gzip')));
  expect(direct.length).toBeGreaterThan(1000);
  expect(direct.toString('latin1')).toBe(viaObjects.toString('latin1'));
});
