// Fast paths (analyze.ts) must give exactly the general path's partial metrics, line for line.
import { analyzeRange, analyzeRangeOnGeneralPath } from '../src/analyze';
import { writeApplogFile } from '../src/applog-generator';
import { generateMixedLog, writeLogFile } from '../src/log-generators';
import { mulberry32, randomInt, useTempDir } from './helpers';

const temp = useTempDir();

const NASTY_APPLOG = [
  '2024-01-24 10:15:32 ERROR failed in 5ms',
  '2024-01-24 10:15:32.5 WARN slow: took 1.5 s',
  '2024-01-24 10:16:00Z INFO Request processed in 12ms\r',
  '2024-01-24T10:16:01+02:00 FATAL disk full',
  '2024-01-24 10:16:02 CRITICAL Überlauf — 缓冲区 in 3µs',
  '2024-01-24 10:16:02 INFO in',
  '2024-01-33 10:16:02 ERROR not a day in 5ms',
  '2024-01-24 10:16:02 error lowercase in 5ms',
  '   ',
  '',
  'garbage in 5ms',
  `2024-01-24 10:16:03 ERROR ${'x'.repeat(300)} in 1ms`,
  '2024-01-24 10:15:59 ERROR out of order in 9ms',
];

it('applog: the fast path equals the general path on generated logs, whole and in random chunks', () => {
  const random = mulberry32(3);
  const files = [
    { path: temp.path('plain.log'), size: writeApplogFile(temp.path('plain.log'), 20_000, { seed: 4 }) },
    { path: temp.path('mixed.log'), size: writeLogFile(temp.path('mixed.log'), generateMixedLog(5000, { seed: 5 })) },
  ];
  const lines = Array.from({ length: 3000 }, () => NASTY_APPLOG[randomInt(random, 0, NASTY_APPLOG.length - 1)]);
  const nasty = temp.write('nasty.log', Buffer.concat([Buffer.from(lines.join('\n')), Buffer.from([0x0a, 0xff, 0xfe, 0x0a])]));
  files.push({ path: nasty, size: Buffer.byteLength(lines.join('\n')) + 4 });
  for (const { path, size } of files) {
    const ranges = [{ start: 0, size }];
    for (let k = 0; k < 20; k++) {
      const start = randomInt(random, 0, size - 1);
      ranges.push({ start, size: randomInt(random, 1, size - start) });
    }
    for (const { start, size: length } of ranges) {
      const fast = analyzeRange(path, start, length, { format: 'applog', topCapacity: 50 });
      const general = analyzeRangeOnGeneralPath(path, start, length, { format: 'applog', topCapacity: 50 });
      expect({ path, start, length, fast }).toStrictEqual({ path, start, length, fast: general });
    }
  }
});
