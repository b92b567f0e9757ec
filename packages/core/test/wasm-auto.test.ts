// Under `auto` (the default format) the wasm scanner reads the applog lines and hands every other line
// to auto-detection; a range whose first lines are mostly not applog goes to the JS line reader from
// its start. Either way the partial metrics must be exactly those of the JS reader under `auto`, on
// every format we hold a sample of, mixed line by line among application logs, for any range.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeRange, AnalyzeOptions } from '../src/analyze';
import { generateApplog } from '../src/applog-generator';
import * as lineReader from '../src/line-reader';
import { generateAccessLog, generateJsonLog, generateLogfmtLog } from '../src/log-generators';
import type { PartialMetrics } from '../src/partial-metrics';
import { loadApplogScanner } from '../src/wasm/applog-scanner';
import { mulberry32, pick, Random, randomInt, useTempDir } from './helpers';

const temp = useTempDir();
const FIXTURE_DIRS = [join(__dirname, 'fixtures', 'real'), join(__dirname, 'fixtures', 'documented')];
const FIXTURES = FIXTURE_DIRS.flatMap((dir) => readdirSync(dir).filter((name) => name.endsWith('.log')).map((name) => join(dir, name)));

const onWasm = (options: AnalyzeOptions): AnalyzeOptions => ({ topCapacity: 20, ...options, format: 'auto', scanner: 'wasm' });
const onJs = (options: AnalyzeOptions): AnalyzeOptions => ({ topCapacity: 20, ...options, format: 'auto', scanner: 'js' });

function expectSame(path: string, start: number, size: number, options: AnalyzeOptions = {}): PartialMetrics {
  const wasm = analyzeRange(path, start, size, onWasm(options));
  const js = analyzeRange(path, start, size, onJs(options));
  expect({ path, start, size, options, metrics: wasm }).toStrictEqual({ path, start, size, options, metrics: js });
  return wasm;
}

/** Every range of a random tiling of the file, each compared on its own. */
function expectSameTiled(path: string, random: Random, options: AnalyzeOptions = {}): void {
  const size = statSync(path).size;
  for (let start = 0; start < size; ) {
    const length = randomInt(random, 1, Math.max(1, Math.floor(size / 3)));
    expectSame(path, start, length, options);
    start += length;
  }
}

const fixtureLines = (path: string): Buffer[] => readFileSync(path).toString('latin1').split('\n').filter((line) => line !== '').map((line) => Buffer.from(line, 'latin1'));
const applogLine = (line: string): Buffer => Buffer.from(line);

/** Lines that are not applog but begin as if they were, or wrap one: the scanner must hand each one over. */
const LOOK_ALIKES = [
  '2024-01-24T10:15:32.123456789Z stdout F 2024-01-24 10:15:32 ERROR wrapped by CRI in 5ms',
  '2024-01-24T10:15:32.123456789Z stderr P 2024-01-24 10:15:32 WARN a piece',
  '{"log":"2024-01-24 10:15:32 INFO wrapped by Docker in 3ms\\n","stream":"stdout","time":"2024-01-24T10:15:32.5Z"}',
  '2024-01-24 10:15:32,123 - app.db - WARNING - Python logging',
  '2024-01-24 10:15:32.123 UTC [4242] ERROR:  PostgreSQL, its zone where a level goes',
  '2024-01-24 10:15:32 status installed libc6:amd64 2.36-9',
  '2024-01-24T10:15:32.123456Z app/my-alb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 "GET http://www.example.com:80/ HTTP/1.1" "curl/7.46.0" - -',
  '    at com.example.Service.handle(Service.java:42)',
  'Traceback (most recent call last):',
  '  File "app.py", line 3, in <module>',
].map(applogLine);

/** Mostly applog (so the scanner path is taken), with a line of another kind about every third line. */
function mixedLines(random: Random, count: number): Buffer[] {
  const applog = [...generateApplog(count, { seed: 11 })];
  const others = [
    ...LOOK_ALIKES,
    ...[...generateAccessLog(40, { seed: 12, withRequestTime: true })],
    ...[...generateJsonLog(40, { seed: 13 })],
    ...[...generateLogfmtLog(40, { seed: 14 })],
    ...FIXTURES.flatMap((path) => fixtureLines(path).slice(0, 8)),
  ].map((line) => (line[line.length - 1] === 0x0a ? line.subarray(0, line.length - 1) : line));
  const lines: Buffer[] = [];
  for (const line of applog) {
    lines.push(line);
    if (random() < 0.3) lines.push(Buffer.concat([pick(random, others), Buffer.from(pick(random, ['\n', '\n', '\r\n']))]));
  }
  return lines;
}

it('has fixtures of many formats to compare on', () => {
  expect(FIXTURES.length).toBeGreaterThan(40);
});

it('equals the JS reader on every real and documented sample, whole and in random ranges', () => {
  const random = mulberry32(21);
  for (const path of FIXTURES) {
    expectSame(path, 0, statSync(path).size);
    expectSameTiled(path, random);
    expectSameTiled(path, random, { bufferSize: 64, maxLineBytes: 300 });
  }
});

it('equals the JS reader on applog with every other kind of line among it, for any range and buffer', () => {
  const random = mulberry32(22);
  const path = temp.write('mixed.log', Buffer.concat(mixedLines(random, 3000)));
  const whole = expectSame(path, 0, statSync(path).size);
  // The comparison covers what it claims: lines handed over and read as their own formats.
  expect(Object.keys(whole.formats)).toEqual(expect.arrayContaining(['applog', 'combined', 'json', 'logfmt', 'event', 'syslog']));
  expect(whole.formats.applog).toBeGreaterThan(2900);
  expect(whole.continuation_lines).toBeGreaterThan(0);
  for (const options of [{}, { bufferSize: 1 }, { bufferSize: 97 }, { bufferSize: 4096, maxLineBytes: 200 }]) {
    expectSameTiled(path, random, options);
  }
  expectSame(path, 0, statSync(path).size, { window: { sinceMs: Date.UTC(2024, 0, 24, 10, 30), untilMs: Date.UTC(2024, 0, 24, 11, 30) } });
});

describe('which reader takes an auto range', () => {
  afterEach(() => jest.restoreAllMocks());

  it('the JS reader, from the range start, when its first lines are mostly not applog', () => {
    const path = temp.write('json.log', Buffer.concat([...generateJsonLog(3000, { seed: 5 })]));
    const size = statSync(path).size;
    const reads = jest.spyOn(lineReader, 'readLinesInRange');
    const wasm = analyzeRange(path, 100, size, onWasm({}));
    expect(reads.mock.calls.map(([, start, length]) => [start, length])).toStrictEqual([[100, size]]);
    reads.mockClear();
    expect(wasm).toStrictEqual(analyzeRange(path, 100, size, onJs({})));
  });

  it('the scanner, handing lines over, when they are mostly applog', () => {
    const path = temp.write('mostly-applog.log', Buffer.concat(mixedLines(mulberry32(23), 3000)));
    const reads = jest.spyOn(lineReader, 'readLinesInRange');
    const wasm = analyzeRange(path, 0, statSync(path).size, onWasm({}));
    expect(reads).not.toHaveBeenCalled();
    expect(wasm.formats.json).toBeGreaterThan(0);
  });
});

it("holds the default read buffer in the scanner's first memory, so reading never detaches an ArrayBuffer", () => {
  // Growing a wasm memory detaches its old ArrayBuffer, and from then on V8 checks every typed-array
  // access of the thread for detachment: the JS reader's JSON lines took 1.07–1.09× the time after
  // one growth or one transfer in the process (interleaved pairs, 256 MiB).
  const scanner = loadApplogScanner()!;
  const memory = (scanner as unknown as { exports: { memory: { buffer: ArrayBuffer } } }).exports.memory;
  const first = memory.buffer;
  scanner.dataBuffer(lineReader.DEFAULT_BUFFER_SIZE);
  expect(memory.buffer).toBe(first);
  // A longer line still gets room, in a grown memory.
  expect(scanner.dataBuffer(4 * lineReader.DEFAULT_BUFFER_SIZE).length).toBe(4 * lineReader.DEFAULT_BUFFER_SIZE);
  expect(memory.buffer).not.toBe(first);
});
