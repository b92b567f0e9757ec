import { analyzeFile, analyzeRange } from '../src/analyze';
import { AnalyzerError } from '../src/errors';
import type { PartialMetrics } from '../src/partial-metrics';
import type { MetricsReport as FullReport } from '../src/report';
import { thrownBy, useTempDir } from './helpers';

const temp = useTempDir();
let fileCount = 0;

function writeLog(content: string | Buffer): string {
  return temp.write(`applog-${fileCount++}.log`, content);
}

// These cases are about the seed's metrics; the rest of the report is covered by the analytics tests.
const SEED_FIELDS = ['error_count', 'request_count', 'total_response_time', 'avg_response_time', 'error_rate', 'lines', 'blank_lines', 'bytes', 'malformed_lines', 'levels', 'first_timestamp', 'last_timestamp'] as const;
type MetricsReport = Pick<FullReport, (typeof SEED_FIELDS)[number]>;

function seedView(report: FullReport): MetricsReport {
  return Object.fromEntries(SEED_FIELDS.map((k) => [k, report[k]])) as MetricsReport;
}

const PARTIAL_SEED_FIELDS = ['lines', 'blank_lines', 'bytes', 'malformed_lines', 'request_count', 'error_count', 'total_response_time_us', 'levels', 'first_timestamp_ms', 'last_timestamp_ms'] as const;

function partialSeedView(partial: PartialMetrics): Pick<PartialMetrics, (typeof PARTIAL_SEED_FIELDS)[number]> {
  return Object.fromEntries(PARTIAL_SEED_FIELDS.map((k) => [k, partial[k]])) as Pick<PartialMetrics, (typeof PARTIAL_SEED_FIELDS)[number]>;
}

async function analyzeText(content: string | Buffer): Promise<MetricsReport> {
  return seedView(await analyzeFile(writeLog(content)));
}

const ZERO_REPORT: MetricsReport = {
  error_count: 0,
  request_count: 0,
  total_response_time: 0,
  avg_response_time: 0,
  error_rate: 0,
  lines: 0,
  blank_lines: 0,
  bytes: 0,
  malformed_lines: 0,
  levels: {},
  first_timestamp: null,
  last_timestamp: null,
};

/** The report of one line, ending in '\n', that the parser rejects. */
function malformedReport(line: string | Buffer): MetricsReport {
  return { ...ZERO_REPORT, lines: 1, bytes: Buffer.byteLength(line) + 1, malformed_lines: 1 };
}

it('reports all zeros for an empty file', async () => {
  await expect(analyzeText('')).resolves.toStrictEqual(ZERO_REPORT);
});

it('reports a well-formed request line without fractional seconds', async () => {
  const line = '2024-01-24 10:15:32 INFO Request processed in 127ms\n';
  await expect(analyzeText(line)).resolves.toStrictEqual({
    ...ZERO_REPORT,
    request_count: 1,
    total_response_time: 127,
    avg_response_time: 127,
    lines: 1,
    bytes: line.length,
    levels: { INFO: 1 },
    first_timestamp: '2024-01-24T10:15:32.000Z',
    last_timestamp: '2024-01-24T10:15:32.000Z',
  });
});

it('reports a well-formed request line with milliseconds', async () => {
  const report = await analyzeText('2024-01-24 10:15:32.123 INFO Request processed in 127ms\n');
  expect([report.first_timestamp, report.last_timestamp, report.request_count]).toStrictEqual(['2024-01-24T10:15:32.123Z', '2024-01-24T10:15:32.123Z', 1]);
});

it.each([
  ['.5', '2024-01-24T10:15:32.500Z'],
  ['.05', '2024-01-24T10:15:32.050Z'],
  ['.999999', '2024-01-24T10:15:32.999Z'],
])('reads fractional seconds %s as %s, truncated to milliseconds', async (fraction, iso) => {
  const report = await analyzeText(`2024-01-24 10:15:32${fraction} INFO x\n`);
  expect([report.first_timestamp, report.malformed_lines]).toStrictEqual([iso, 0]);
});

it.each([
  ['127ms', 127],
  ['127 ms', 127],
  ['0.5s', 500],
  ['1.5 s', 1500],
  ['3s', 3000],
  ['1500us', 1.5],
  ['1500µs', 1.5], // U+00B5 MICRO SIGN
  ['1500μs', 1.5], // U+03BC GREEK SMALL LETTER MU
  ['2.25ms', 2.25],
  ['0.0015s', 1.5],
  ['1.2345ms', 1.235], // 1234.5 us rounds to 1235
  ['0.4us', 0],
  ['0ms', 0],
  ['1.123456789123s', 1123.457], // fraction digits past the ninth are ignored
])('normalizes the duration %s to %p ms', async (duration, ms) => {
  const report = await analyzeText(`2024-01-24 10:15:32 INFO Request processed in ${duration}\n`);
  expect({ request_count: report.request_count, total_response_time: report.total_response_time }).toStrictEqual({
    request_count: 1,
    total_response_time: ms,
  });
});

it('sums durations of different units exactly and averages them', async () => {
  const report = await analyzeText(
    ['2024-01-24 10:00:00 INFO a in 0.5s', '2024-01-24 10:00:01 INFO b in 1500us', '2024-01-24 10:00:02 INFO c took 127 ms', ''].join('\n'),
  );
  expect([report.request_count, report.total_response_time, report.avg_response_time]).toStrictEqual([3, 628.5, 209.5]);
});

it('reads a duration introduced by "took"', async () => {
  const report = await analyzeText('2024-01-24 10:15:32 DEBUG Heartbeat took 2ms\n');
  expect([report.request_count, report.total_response_time]).toStrictEqual([1, 2]);
});

it('counts only the first duration of a line', async () => {
  const report = await analyzeText('2024-01-24 10:15:32 INFO took 5ms then in 7ms\n');
  expect([report.request_count, report.total_response_time]).toStrictEqual([1, 5]);
});

it('reads a duration that starts right after the level', async () => {
  const report = await analyzeText('2024-01-24 10:15:32 INFO in 9ms\n');
  expect([report.request_count, report.total_response_time]).toStrictEqual([1, 9]);
});

it.each([
  'in 5 seconds',
  'in 5msx',
  'in 5ms5',
  'in 5.ms',
  'in .5s',
  'in ms',
  'in  5ms', // two spaces
  'within 5ms',
  'login 5ms',
  'in 5 m',
  'in 5ns',
  'in 5msé',
  'finished 5ms',
])('does not count "%s" as a request, but still counts the line', async (message) => {
  const line = `2024-01-24 10:15:32 INFO ${message}\n`;
  await expect(analyzeText(line)).resolves.toStrictEqual({
    ...ZERO_REPORT,
    lines: 1,
    bytes: Buffer.byteLength(line),
    levels: { INFO: 1 },
    first_timestamp: '2024-01-24T10:15:32.000Z',
    last_timestamp: '2024-01-24T10:15:32.000Z',
  });
});

it('counts ERROR, FATAL and CRITICAL as errors but not WARN', async () => {
  const report = await analyzeText(
    [
      '2024-01-24 10:15:32 ERROR Database connection failed',
      '2024-01-24 10:15:33 FATAL Out of memory',
      '2024-01-24 10:15:34 CRITICAL Disk full',
      '2024-01-24 10:15:35 WARN Slow query',
      '2024-01-24 10:15:36 INFO Request processed in 10ms',
      '2024-01-24 10:15:37 ERROR Request failed in 3000ms',
      '',
    ].join('\n'),
  );
  expect({ ...report, bytes: 0 }).toStrictEqual({
    ...ZERO_REPORT,
    error_count: 4,
    request_count: 2,
    total_response_time: 3010,
    avg_response_time: 1505,
    error_rate: 2,
    lines: 6,
    levels: { CRITICAL: 1, ERROR: 2, FATAL: 1, INFO: 1, WARN: 1 },
    first_timestamp: '2024-01-24T10:15:32.000Z',
    last_timestamp: '2024-01-24T10:15:37.000Z',
  });
});

it('folds level synonyms (ERR, EMERGENCY) and counts them as errors, but not words that only look like levels', async () => {
  const report = await analyzeText(
    ['2024-01-24 10:15:32 ERR x', '2024-01-24 10:15:32 ERRORS x', '2024-01-24 10:15:32 CRITICALLY x', '2024-01-24 10:15:32 EMERGENCY x', ''].join('\n'),
  );
  expect([report.error_count, report.levels]).toStrictEqual([2, { CRITICALLY: 1, EMERG: 1, ERROR: 1, ERRORS: 1 }]);
});

it('keeps long level names apart, up to 16 letters', async () => {
  // Named applog: auto-detection reads the 17-letter line as an event without a level.
  const content = ['2024-01-24 10:15:32 ABCDEFGHIJK a', '2024-01-24 10:15:32 ABCDEFGHIJL b', '2024-01-24 10:15:32 ABCDEFGHIJKLMNOP c', '2024-01-24 10:15:32 ABCDEFGHIJKLMNOPQ d', ''].join('\n');
  const report = await analyzeFile(writeLog(content), { format: 'applog' });
  expect([report.levels, report.malformed_lines]).toStrictEqual([{ ABCDEFGHIJK: 1, ABCDEFGHIJKLMNOP: 1, ABCDEFGHIJL: 1 }, 1]);
});

it('keeps level names apart that differ only in their last letter, however long', async () => {
  const levels = ['ZZZZZZZZZA', 'ZZZZZZZZZB', 'ZZZZZZZZZZA', 'ZZZZZZZZZZB', 'ZZZZZZZZZZZZZZZA', 'ZZZZZZZZZZZZZZZB'];
  const report = await analyzeText(levels.map((level) => `2024-01-24 10:15:32 ${level} x\n`).join(''));
  expect(report.levels).toStrictEqual(Object.fromEntries(levels.map((level) => [level, 1])));
});

it.each([
  ['January 33 after February 1', '2024-02-01 10:15:32 INFO a', '2024-01-33 10:15:40 ERROR b'],
  ['February 30 after March 2', '2024-03-02 10:15:32 INFO a', '2024-02-30 10:15:40 ERROR b'],
  ['February 29 of a common year after a good day', '2023-02-28 10:15:32 INFO a', '2023-02-29 10:15:40 ERROR b'],
])('still refuses %s of the same hour and minute (the per-minute cache remembers only real dates)', async (_case, good, bad) => {
  for (const format of ['applog', 'auto'] as const) {
    const report = await analyzeFile(writeLog(`${good}\n${bad}\n${good}\n`), { format });
    expect({ format, malformed: report.malformed_lines, lines: report.lines }).toStrictEqual({ format, malformed: 1, lines: 3 });
  }
});

it('accepts a line that ends right after the level', async () => {
  const report = await analyzeText('2024-01-24 10:15:32 ERROR\n');
  expect([report.levels, report.error_count, report.malformed_lines]).toStrictEqual([{ ERROR: 1 }, 1, 0]);
});

it.each([
  ['an impossible day', '2024-02-30 10:15:32 ERROR failed in 5ms'],
  ['February 29 of a common year', '2023-02-29 10:15:32 ERROR failed in 5ms'],
  ['February 29 of a century that is not a leap year', '1900-02-29 10:15:32 ERROR failed in 5ms'],
  ['month 13', '2024-13-01 10:15:32 ERROR failed in 5ms'],
  ['month 00', '2024-00-10 10:15:32 ERROR failed in 5ms'],
  ['day 00', '2024-01-00 10:15:32 ERROR failed in 5ms'],
  ['day 32', '2024-01-32 10:15:32 ERROR failed in 5ms'],
  ['day 33', '2024-01-33 10:15:32 ERROR failed in 5ms'],
  ['hour 24', '2024-01-24 24:00:00 ERROR failed in 5ms'],
  ['minute 60', '2024-01-24 10:60:00 ERROR failed in 5ms'],
  ['second 61', '2024-01-24 10:15:61 ERROR failed in 5ms'],
  ['a missing time', '2024-01-24 ERROR failed in 5ms'],
  ['a time without seconds', '2024-01-24 10:15 ERROR failed in 5ms'],
  ['a dot without fraction digits', '2024-01-24 10:15:32. ERROR failed in 5ms'],
  ['a non-digit in the year', '2O24-01-24 10:15:32 ERROR failed in 5ms'],
  ['a lowercase level', '2024-01-24 10:15:32 error failed in 5ms'],
  ['a mixed-case level', '2024-01-24 10:15:32 Error failed in 5ms'],
  ['a level glued to the message', '2024-01-24 10:15:32 ERROR: failed in 5ms'],
  ['a tab after the level', '2024-01-24 10:15:32 ERROR\tfailed in 5ms'],
  ['no level', '2024-01-24 10:15:32'],
  ['two spaces before the level', '2024-01-24 10:15:32  ERROR failed in 5ms'],
  ['a level of 17 letters', '2024-01-24 10:15:32 ABCDEFGHIJKLMNOPQ failed in 5ms'],
  ['leading whitespace', ' 2024-01-24 10:15:32 ERROR failed in 5ms'],
  ['no timestamp at all', 'garbage line in 5ms'],
  ['JSON', '{"level":"ERROR","msg":"in 5ms"}'],
])('counts a line with %s as malformed applog, neither a request nor an error', async (_case, line) => {
  const report = await analyzeFile(writeLog(`${line}\n`), { format: 'applog' });
  expect(seedView(report)).toStrictEqual(malformedReport(line));
  expect(report.malformed.by_family).toStrictEqual({ applog: 1 });
});

it('reads an ISO 8601 timestamp with a T and a zone in an applog line', async () => {
  const report = await analyzeText('2024-01-24T10:15:32.5+01:00 ERROR failed in 5ms\n');
  expect([report.first_timestamp, report.error_count, report.request_count, report.malformed_lines]).toStrictEqual(['2024-01-24T09:15:32.500Z', 1, 1, 0]);
});

it('counts a well-formed line with invalid UTF-8 as malformed, neither a request nor an error', async () => {
  const line = Buffer.concat([Buffer.from('2024-01-24 10:15:32 ERROR failed in 5ms '), Buffer.from([0xff, 0xfe, 0xc3])]);
  await expect(analyzeText(Buffer.concat([line, Buffer.from('\n')]))).resolves.toStrictEqual(malformedReport(line));
});

it('accepts multi-byte UTF-8 in the message', async () => {
  const line = '2024-01-24 10:15:32 ERROR Überlauf im Puffer — 缓冲区 😀 in 4ms\n';
  const report = await analyzeText(line);
  expect([report.error_count, report.request_count, report.total_response_time, report.malformed_lines, report.bytes]).toStrictEqual([
    1,
    1,
    4,
    0,
    Buffer.byteLength(line),
  ]);
});

it('accepts February 29 of a leap year and of a year divisible by 400', async () => {
  const report = await analyzeText('2024-02-29 00:00:00 INFO a\n2000-02-29 23:59:59.999 INFO b\n');
  expect([report.malformed_lines, report.first_timestamp, report.last_timestamp]).toStrictEqual([0, '2000-02-29T23:59:59.999Z', '2024-02-29T00:00:00.000Z']);
});

it('reads years before 100 as written, not as 19xx', async () => {
  const report = await analyzeText('0099-12-31 23:59:59 INFO a\n0000-01-01 00:00:00 INFO b\n');
  expect([report.first_timestamp, report.last_timestamp]).toStrictEqual(['0000-01-01T00:00:00.000Z', '0099-12-31T23:59:59.000Z']);
});

it('reads timestamps that share a minute and that cross a minute, a day and a year', async () => {
  const report = await analyzeText(
    ['2024-12-31 23:59:58 INFO a', '2024-12-31 23:59:59.5 INFO b', '2025-01-01 00:00:00 INFO c', '2024-12-31 23:58:00 INFO d', ''].join('\n'),
  );
  expect([report.first_timestamp, report.last_timestamp]).toStrictEqual(['2024-12-31T23:58:00.000Z', '2025-01-01T00:00:00.000Z']);
});

it.each([
  ['year', '2024-06-15 08:30:10', '2023-06-15 08:30:20', '2023-06-15T08:30:20.000Z', '2024-06-15T08:30:10.000Z'],
  ['month', '2024-06-15 08:30:10', '2024-07-15 08:30:20', '2024-06-15T08:30:10.000Z', '2024-07-15T08:30:20.000Z'],
  ['day', '2024-06-15 08:30:10', '2024-06-16 08:30:20', '2024-06-15T08:30:10.000Z', '2024-06-16T08:30:20.000Z'],
  ['hour', '2024-06-15 08:30:10', '2024-06-15 09:30:20', '2024-06-15T08:30:10.000Z', '2024-06-15T09:30:20.000Z'],
])("does not mistake the same minute of another %s for the previous line's", async (_field, previous, next, first, last) => {
  const report = await analyzeText(`${previous} INFO a\n${next} INFO b\n`);
  expect([report.first_timestamp, report.last_timestamp]).toStrictEqual([first, last]);
});

it('takes the earliest and latest timestamps, not the first and last lines', async () => {
  const report = await analyzeText(
    ['2024-01-24 10:15:32 INFO middle', '2024-01-24 10:15:40.250 INFO latest', '2024-01-24 09:00:00.001 INFO earliest', '2024-01-24 10:15:35 INFO other', ''].join('\n'),
  );
  expect([report.first_timestamp, report.last_timestamp]).toStrictEqual(['2024-01-24T09:00:00.001Z', '2024-01-24T10:15:40.250Z']);
});

it('ignores the timestamps of malformed lines', async () => {
  // Named applog: auto-detection reads both later lines as events without a level.
  const report = await analyzeFile(writeLog('2024-01-24 10:15:32 INFO ok\n2030-01-01 00:00:00 lowercase\n2000-01-01 00:00:00\n'), { format: 'applog' });
  expect([report.first_timestamp, report.last_timestamp, report.malformed_lines]).toStrictEqual(['2024-01-24T10:15:32.000Z', '2024-01-24T10:15:32.000Z', 2]);
});

it('counts empty and whitespace-only lines as blank, not malformed', async () => {
  const content = '\n   \n\t\n \t \n\r\n  \r\n';
  await expect(analyzeText(content)).resolves.toStrictEqual({ ...ZERO_REPORT, lines: 6, blank_lines: 6, bytes: content.length });
});

it('counts a whitespace line with other control characters as malformed, not blank', async () => {
  const content = ' \x0b \n\r\r\n';
  await expect(analyzeText(content)).resolves.toStrictEqual({ ...ZERO_REPORT, lines: 2, malformed_lines: 2, bytes: content.length });
});

it('reads CRLF lines like LF lines', async () => {
  const lf = ['2024-01-24 10:15:32 INFO Request processed in 127ms', '2024-01-24 10:15:33 ERROR', '', '2024-01-24 10:15:34 WARN Retrying in 5s', ''];
  const crlfReport = await analyzeText(lf.join('\r\n'));
  const lfReport = await analyzeText(lf.join('\n'));
  expect({ ...crlfReport, bytes: 0 }).toStrictEqual({ ...lfReport, bytes: 0 });
  expect(crlfReport).toStrictEqual({
    ...ZERO_REPORT,
    error_count: 1,
    request_count: 2,
    total_response_time: 5127,
    avg_response_time: 2563.5,
    error_rate: 0.5,
    lines: 4,
    blank_lines: 1,
    bytes: lf.join('\r\n').length,
    levels: { ERROR: 1, INFO: 1, WARN: 1 },
    first_timestamp: '2024-01-24T10:15:32.000Z',
    last_timestamp: '2024-01-24T10:15:34.000Z',
  });
});

it('counts a last line without a newline', async () => {
  const content = '2024-01-24 10:15:32 INFO a in 1ms\n2024-01-24 10:15:33 ERROR b in 2ms';
  const report = await analyzeText(content);
  expect([report.lines, report.request_count, report.error_count, report.total_response_time, report.bytes]).toStrictEqual([
    2,
    2,
    1,
    3,
    content.length,
  ]);
});

it('counts a last line of only CR as blank', async () => {
  const report = await analyzeText('2024-01-24 10:15:32 INFO a\n\r');
  expect([report.lines, report.blank_lines, report.malformed_lines]).toStrictEqual([2, 1, 0]);
});

it('counts a line longer than maxLineBytes as malformed', async () => {
  const long = `2024-01-24 10:15:32 ERROR ${'x'.repeat(100)} in 5ms`;
  const content = `${long}\n2024-01-24 10:15:33 INFO in 1ms\n`;
  const report = await analyzeFile(writeLog(content), { maxLineBytes: 64, bufferSize: 8 });
  expect([report.lines, report.malformed_lines, report.request_count, report.error_count, report.bytes]).toStrictEqual([2, 1, 1, 0, content.length]);
});

it('analyzes only the lines a byte range owns', () => {
  const lines = ['2024-01-24 10:00:00 INFO a in 1ms', '2024-01-24 10:00:01 ERROR b in 2ms', '', 'junk', '2024-01-24 10:00:02 WARN c'];
  const filepath = writeLog(lines.join('\n'));
  const secondLineStart = lines[0].length + 1;
  // [1, secondLineStart) holds the byte just before the second line, so it owns that line, and only it.
  expect(partialSeedView(analyzeRange(filepath, 1, secondLineStart - 1))).toStrictEqual({
    lines: 1,
    blank_lines: 0,
    bytes: lines[1].length + 1,
    malformed_lines: 0,
    request_count: 1,
    error_count: 1,
    total_response_time_us: 2000,
    levels: { ERROR: 1 },
    first_timestamp_ms: Date.UTC(2024, 0, 24, 10, 0, 1),
    last_timestamp_ms: Date.UTC(2024, 0, 24, 10, 0, 1),
  });
  // The rest of the file holds the bytes just before the last three lines.
  expect(partialSeedView(analyzeRange(filepath, secondLineStart, 1000))).toStrictEqual({
    lines: 3,
    blank_lines: 1,
    bytes: 1 + 5 + lines[4].length,
    malformed_lines: 1,
    request_count: 0,
    error_count: 0,
    total_response_time_us: 0,
    levels: { WARN: 1 },
    first_timestamp_ms: Date.UTC(2024, 0, 24, 10, 0, 2),
    last_timestamp_ms: Date.UTC(2024, 0, 24, 10, 0, 2),
  });
});

it('rejects a missing file with file_not_found, naming the path', async () => {
  const missing = temp.path('does-not-exist.log');
  const err: unknown = await analyzeFile(missing).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AnalyzerError);
  expect({ code: (err as AnalyzerError).code, message: (err as AnalyzerError).message }).toStrictEqual({
    code: 'file_not_found',
    message: `log file not found: ${missing}`,
  });
  expect(((err as AnalyzerError).cause as NodeJS.ErrnoException).code).toBe('ENOENT');
});

it('throws file_not_found from analyzeRange for a missing file', () => {
  const missing = temp.path('also-missing.log');
  const err = thrownBy(() => analyzeRange(missing, 0, 10));
  expect(err).toBeInstanceOf(AnalyzerError);
  expect([(err as AnalyzerError).code, (err as AnalyzerError).message.includes(missing)]).toStrictEqual(['file_not_found', true]);
});

it('rejects a directory with file_unreadable, naming the path', async () => {
  const dir = temp.path('');
  const err: unknown = await analyzeFile(dir).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AnalyzerError);
  expect([(err as AnalyzerError).code, (err as AnalyzerError).message.startsWith(`cannot read log file ${dir}: `)]).toStrictEqual(['file_unreadable', true]);
});
