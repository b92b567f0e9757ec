// findReportedDuration skips through messages (a Horspool search); it must find exactly what a
// byte-by-byte scan finds: the first "in"/"took" word, after a space or at the start, followed by a
// duration.
import { findReportedDuration, parseDurationAt } from '../src/duration';
import { mulberry32, randomInt } from './helpers';

/** The straightforward scan, kept as the reference. */
function referenceScan(buf: Buffer, start: number, end: number): number {
  for (let i = start; i + 3 < end; i++) {
    if (i > start && buf[i - 1] !== 0x20) continue;
    let numberAt = -1;
    if (buf.toString('latin1', i, i + 3) === 'in ') numberAt = i + 3;
    else if (i + 5 < end && buf.toString('latin1', i, i + 5) === 'took ') numberAt = i + 5;
    if (numberAt !== -1 && numberAt < end && buf[numberAt] >= 0x30 && buf[numberAt] <= 0x39) {
      const micros = parseDurationAt(buf, numberAt, end);
      if (micros >= 0) return micros;
    }
  }
  return -1;
}

const PIECES = ['in ', 'took ', ' ', 'in', 'took', 'o', 'n', 'i', 't', 'k', 'tin ', 'into ', 'x', '12', '5ms', '3 s', '0.5s', '7us', 'ms', '  ', 'processed ', 'Request ', 'oo', 'µs'];

it('finds what a byte-by-byte scan finds in 100,000 random messages, on any sub-range', () => {
  const random = mulberry32(42);
  const mismatches: string[] = [];
  for (let round = 0; round < 100_000; round++) {
    const text = Array.from({ length: randomInt(random, 0, 12) }, () => PIECES[randomInt(random, 0, PIECES.length - 1)]).join('');
    const buf = Buffer.from(`##${text}##`);
    const start = randomInt(random, 0, 4);
    const end = randomInt(random, Math.max(start, buf.length - 4), buf.length);
    if (findReportedDuration(buf, start, end) !== referenceScan(buf, start, end)) mismatches.push(JSON.stringify(buf.toString('utf8', start, end)));
  }
  expect(mismatches.slice(0, 10)).toStrictEqual([]);
});

it('reads the duration of typical messages', () => {
  const cases: Array<[string, number]> = [
    ['Request processed in 960ms', 960_000],
    ['took 2ms', 2_000],
    ['Heartbeat took 1.5 s', 1_500_000],
    ['Request failed in 3000ms', 3_000_000],
    ['logged in user in 5us', 5],
    ['joined in team', -1],
    ['within 5ms', -1],
    ['', -1],
  ];
  expect(cases.map(([m]) => findReportedDuration(Buffer.from(m), 0, Buffer.byteLength(m)))).toStrictEqual(cases.map(([, us]) => us));
});
