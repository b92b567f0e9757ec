// A file mixing every format, line by line, with garbage of every family: auto-detection counts each
// format and each malformed family exactly, samples say where the bad lines are, an explicit format
// turns every other line into a malformed one of its family, and an nginx log_format reads Apache %D.
import { analyzeFile } from '../src/analyze';
import { generateApplog } from '../src/applog-generator';
import type { MalformedFamily } from '../src/formats/format-selector';
import { generateAccessLog, generateJsonLog, generateLogfmtLog } from '../src/log-generators';
import type { MalformedSample } from '../src/partial-metrics';
import type { MetricsReport } from '../src/report';
import { useTempDir } from './helpers';

const temp = useTempDir();

const withoutNewline = (line: Buffer): Buffer => line.subarray(0, line.length - 1);

/** Well-formed lines of each format, from the generators. */
const GOOD = {
  applog: [...generateApplog(40, { seed: 1, nasty: false })].map(withoutNewline),
  combined: [...generateAccessLog(30, { seed: 2, withRequestTime: true })].map(withoutNewline),
  common: [...generateAccessLog(20, { seed: 3, combined: false })].map(withoutNewline),
  json: [...generateJsonLog(30, { seed: 4 })].map(withoutNewline),
  logfmt: [...generateLogfmtLog(25, { seed: 5 })].map(withoutNewline),
};

/** Lines no parser accepts, each with the family it looks like and the sample text it should give. */
const GARBAGE: Array<{ family: MalformedFamily; line: Buffer; text: string; crlf?: boolean }> = [
  { family: 'json', line: Buffer.from('{"status":200,}'), text: '{"status":200,}' },
  // Cut at 200 bytes would split the 'ü' (bytes 199-200): the sample stops before it.
  { family: 'unknown', line: Buffer.from(`${'x'.repeat(199)}ü and more after the first 200 bytes`), text: 'x'.repeat(199) },
  { family: 'invalid_utf8', line: Buffer.concat([Buffer.from('2024-01-24 10:15:32 INFO bad bytes '), Buffer.from([0xff, 0xfe, 0xc3])]), text: '2024-01-24 10:15:32 INFO bad bytes \ufffd\ufffd\ufffd' },
  { family: 'applog', line: Buffer.from('2024-13-45 99:99:99 INFO impossible date'), text: '2024-13-45 99:99:99 INFO impossible date', crlf: true },
  { family: 'access', line: Buffer.from('10.0.0.1 - - [24/Jan/2024:10:15:32 +0000] "GET / HTTP/1.1" abc 12'), text: '10.0.0.1 - - [24/Jan/2024:10:15:32 +0000] "GET / HTTP/1.1" abc 12' },
  { family: 'logfmt', line: Buffer.from('level=info msg="never closed'), text: 'level=info msg="never closed' },
  { family: 'json', line: Buffer.from('{"level":30,"msg":"unterminated'), text: '{"level":30,"msg":"unterminated' },
  { family: 'unknown', line: Buffer.from('<html><body>502 Bad Gateway</body></html>'), text: '<html><body>502 Bad Gateway</body></html>' },
  { family: 'applog', line: Buffer.from('2024-01-24 10:15 INFO truncated time'), text: '2024-01-24 10:15 INFO truncated time' },
  { family: 'access', line: Buffer.from('10.0.0.1 - - [32/Jan/2024:10:15:32 +0000] "GET / HTTP/1.1" 200 12'), text: '10.0.0.1 - - [32/Jan/2024:10:15:32 +0000] "GET / HTTP/1.1" 200 12' },
  { family: 'logfmt', line: Buffer.from('only=one'), text: 'only=one' },
  { family: 'json', line: Buffer.from('{"a":1} trailing'), text: '{"a":1} trailing' },
  // (`2024-01-24 10:15:32 lowercase level` is an event without a level: see event-formats.test.ts.)
  { family: 'applog', line: Buffer.from('2024-01-24 10:15:32lowercase glued to the time'), text: '2024-01-24 10:15:32lowercase glued to the time' },
  { family: 'unknown', line: Buffer.from('PANIC: no structure at all'), text: 'PANIC: no structure at all' },
];

/** Two hand-written lines first, so the first malformed line's offset can be stated by hand. */
const HEADER = ['2024-01-24 10:15:32 INFO Service started\n', '\r\n'];
const BLANKS = ['', '   ', '\t'];

interface MixedFile {
  filepath: string;
  lineCount: number;
  blankCount: number;
  /** File offset of each garbage line, in GARBAGE order. */
  garbageOffsets: number[];
}

/** Round robin: a line of each format, a garbage line while any are left, now and then a blank line. */
function writeMixedFile(name: string): MixedFile {
  const parts: Buffer[] = HEADER.map((line) => Buffer.from(line));
  let offset = parts.reduce((n, b) => n + b.length, 0);
  let lineCount = HEADER.length;
  let blankCount = 1;
  const garbageOffsets: number[] = [];
  const push = (line: Buffer, ending: string): void => {
    parts.push(line, Buffer.from(ending));
    offset += line.length + ending.length;
    lineCount++;
  };
  const groups = Object.values(GOOD);
  for (let round = 0; round < Math.max(...groups.map((g) => g.length)); round++) {
    if (round < GARBAGE.length) {
      garbageOffsets.push(offset);
      push(GARBAGE[round].line, GARBAGE[round].crlf ? '\r\n' : '\n');
    }
    groups.forEach((group, g) => {
      if (round < group.length) push(group[round], (round + g) % 7 === 0 ? '\r\n' : '\n');
    });
    if (round % 9 === 4) {
      push(Buffer.from(BLANKS[round % 3]), '\n');
      blankCount++;
    }
  }
  return { filepath: temp.write(name, Buffer.concat(parts)), lineCount, blankCount, garbageOffsets };
}

let mixed: MixedFile;
beforeAll(() => {
  mixed = writeMixedFile('mixed.log');
});

function familyCounts(families: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const family of [...families].sort()) counts[family] = (counts[family] ?? 0) + 1;
  return counts;
}

it('mixes nginx escape=json and pino lines in its JSON', () => {
  const text = GOOD.json.map((line) => line.toString());
  expect([text.some((line) => line.startsWith('{"time_iso8601":')), text.some((line) => line.startsWith('{"level":'))]).toStrictEqual([true, true]);
});

it('detects the format of every line and counts each format exactly', async () => {
  const report = await analyzeFile(mixed.filepath);
  expect(report.formats).toStrictEqual({ applog: 41, combined: 30, common: 20, json: 30, logfmt: 25 });
  expect([report.lines, report.blank_lines, report.malformed_lines]).toStrictEqual([mixed.lineCount, mixed.blankCount, GARBAGE.length]);
});

it('counts the garbage under the family each line looked like', async () => {
  const report = await analyzeFile(mixed.filepath);
  expect(report.malformed.by_family).toStrictEqual({ access: 2, applog: 3, invalid_utf8: 1, json: 3, logfmt: 2, unknown: 3 });
  expect(report.malformed.by_family).toStrictEqual(familyCounts(GARBAGE.map((g) => g.family)));
});

it('samples the first ten malformed lines with their file, byte offset, family and first 200 bytes', async () => {
  const report = await analyzeFile(mixed.filepath);
  // After the 41 bytes of the first line and the 2 of the blank CRLF line.
  expect(report.malformed.samples[0]).toStrictEqual({ file: mixed.filepath, offset: 43, text: '{"status":200,}', family: 'json' });
  expect(report.malformed.samples).toStrictEqual(
    GARBAGE.slice(0, 10).map((g, i): MalformedSample => ({ file: mixed.filepath, offset: mixed.garbageOffsets[i], text: g.text, family: g.family })),
  );
});

it.each([
  ['json', 'json', { json: 30 }],
  ['combined', 'access', { combined: 30, common: 20 }],
  ['logfmt', 'logfmt', { logfmt: 25 }],
] as const)('with the format given as %s, counts every other line as malformed %s', async (format, family, formats) => {
  const report = await analyzeFile(mixed.filepath, { format });
  const wellFormed = Object.values(formats).reduce((a, b) => a + b, 0);
  const nonBlank = mixed.lineCount - mixed.blankCount;
  expect(report.formats).toStrictEqual(formats);
  // Bytes that are not UTF-8 are malformed before any parser sees them.
  expect(report.malformed.by_family).toStrictEqual(familyCounts([...Array<string>(nonBlank - wellFormed - 1).fill(family), 'invalid_utf8']));
  const samples = report.malformed.samples;
  expect([samples.length, samples.every((sample) => sample.family === family || sample.family === 'invalid_utf8')]).toStrictEqual([10, true]);
  expect(samples[0]).toStrictEqual({ file: mixed.filepath, offset: 0, text: '2024-01-24 10:15:32 INFO Service started', family });
});

const APACHE_D_FORMAT = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time_us';
const APACHE_D_LINES = [
  '192.168.1.20 - - [24/Jan/2024:10:15:32 +0100] "GET /index.html HTTP/1.1" 200 5120 "-" "curl/8.5.0" 1250',
  '192.168.1.21 - frank [24/Jan/2024:10:15:33 +0100] "POST /api/login?next=%2F HTTP/1.1" 302 0 "https://example.com/" "Mozilla/5.0 \\"quoted\\"" 250000',
  '2001:db8::1 - - [24/Jan/2024:10:15:34 +0100] "GET /missing HTTP/1.1" 404 209 "-" "-" 7',
  // nginx's combined, without %D: not this format.
  '10.0.0.1 - - [24/Jan/2024:10:15:35 +0100] "GET / HTTP/1.1" 200 512 "-" "curl/8.5.0"',
];

it('reads Apache %D lines, durations in microseconds, with an nginx log_format naming $request_time_us', async () => {
  const report: MetricsReport = await analyzeFile(temp.write('apache-d.log', APACHE_D_LINES.join('\n') + '\n'), { format: { nginx: APACHE_D_FORMAT } });
  expect(report.formats).toStrictEqual({ custom: 3 });
  expect(report.malformed.by_family).toStrictEqual({ custom: 1 });
  expect([report.request_count, report.timed_requests, report.total_response_time, report.response_time.min, report.response_time.max]).toStrictEqual([3, 3, 251.257, 0.007, 250]);
  expect([report.status_codes, report.methods, report.bytes_sent]).toStrictEqual([{ 200: 1, 302: 1, 404: 1 }, { GET: 2, POST: 1 }, 5329]);
  expect([report.first_timestamp, report.last_timestamp]).toStrictEqual(['2024-01-24T09:15:32.000Z', '2024-01-24T09:15:34.000Z']);
  expect(report.top.paths.items.map((item) => item.key).sort()).toStrictEqual(['/api/login', '/index.html', '/missing']);
  // Apache's \" in the user agent is decoded in the key.
  expect(report.top.user_agents.items.map((item) => item.key).sort()).toStrictEqual(['Mozilla/5.0 "quoted"', 'curl/8.5.0']);
});
