// --since / --until: ISO 8601 times and durations before now, to epoch ms; anything else refused by name.
import { UsageError } from '../src/exit-codes';
import { parseTimeArg, timeWindow } from '../src/time-window';

const NOW = Date.UTC(2024, 0, 24, 12, 0, 0);

it.each([
  ['30s', NOW - 30_000],
  ['30m', NOW - 30 * 60_000],
  ['2h', NOW - 2 * 3_600_000],
  ['7d', NOW - 7 * 86_400_000],
  ['1w', NOW - 604_800_000],
  ['0m', NOW],
])('reads the duration %s as that long before now', (text, expected) => {
  expect(parseTimeArg(text, NOW)).toBe(expected);
});

it.each([
  ['2024-01-24', Date.UTC(2024, 0, 24)],
  ['2024-01-24T10:15', Date.UTC(2024, 0, 24, 10, 15)],
  ['2024-01-24 10:15:30', Date.UTC(2024, 0, 24, 10, 15, 30)],
  ['2024-01-24T10:15:30.25Z', Date.UTC(2024, 0, 24, 10, 15, 30, 250)],
  ['2024-01-24T10:15:30.123456Z', Date.UTC(2024, 0, 24, 10, 15, 30, 123)],
  ['2024-01-24T10:15:30+02:00', Date.UTC(2024, 0, 24, 8, 15, 30)],
  ['2024-01-24T10:15-0530', Date.UTC(2024, 0, 24, 15, 45)],
  ['2024-02-29T00:00:00z', Date.UTC(2024, 1, 29)],
])('reads the ISO 8601 time %s, UTC without an offset', (text, expected) => {
  expect(parseTimeArg(text, NOW)).toBe(expected);
});

it.each(['yesterday', '2h ago', '-2h', '2 h', '2y', '2024-02-30', '2023-02-29', '2024-13-01', '2024-01-24T24:00', '2024-01-24T10:60', '24-01-2024', '1706090400000', ''])(
  'refuses %p with a message naming the flag and what it takes',
  (text) => {
    expect(() => parseTimeArg(text, NOW, '--until')).toThrow(UsageError);
    expect(() => parseTimeArg(text, NOW, '--until')).toThrow(`--until ${text}: give an ISO 8601 time (2024-01-24, 2024-01-24T10:15:00Z, 2024-01-24T10:15+02:00) or a duration before now (30m, 2h, 7d)`);
  },
);

it('gives only the ends that were given', () => {
  expect(timeWindow(undefined, undefined, NOW)).toStrictEqual({});
  expect(timeWindow('2h', undefined, NOW)).toStrictEqual({ sinceMs: NOW - 7_200_000 });
  expect(timeWindow(undefined, '2024-01-24', NOW)).toStrictEqual({ untilMs: Date.UTC(2024, 0, 24) });
  expect(timeWindow('2h', '1h', NOW)).toStrictEqual({ sinceMs: NOW - 7_200_000, untilMs: NOW - 3_600_000 });
});

it('refuses a window whose start is not before its end', () => {
  expect(() => timeWindow('1h', '2h', NOW)).toThrow('--since 1h is not before --until 2h');
  expect(() => timeWindow('2024-01-24', '2024-01-24T00:00Z', NOW)).toThrow(UsageError);
});

it('escapes control characters of what it quotes', () => {
  expect(() => parseTimeArg('\u001b[2J', NOW)).toThrow(String.raw`--since \x1b[2J: give`);
});
