// A zone abbreviation after a timestamp (PostgreSQL's default prefix: `2024-01-24 10:15:32.123 UTC
// [1234] ERROR:  …`) is the time's zone, not a level. The applog readers took any upper-case word
// there for a level, so such a file showed a level `UTC` on every line and no error at all.
import { analyzeFilePartial } from '../src/analyze';
import { ZONE_OFFSETS } from '../src/formats/zone-abbreviations';
import { useTempDir } from './helpers';

const temp = useTempDir();

const POSTGRES = [
  '2024-01-24 10:15:32.123 UTC [1234] LOG:  database system is ready to accept connections',
  '2024-01-24 10:15:33.456 UTC [1240] ERROR:  relation "orders" does not exist at character 15',
  '2024-01-24 10:15:33.456 UTC [1240] STATEMENT:  select * from orders;',
  '2024-01-24 10:15:34.001 UTC [1241] FATAL:  password authentication failed for user "app"',
  '2024-01-24 10:15:35 INFO an applog line between them',
].join('\n');

it('reads PostgreSQL lines as events at their time, with their levels and errors', () => {
  const partial = analyzeFilePartial(temp.write('postgres.log', POSTGRES + '\n'));
  expect(partial.malformed_lines).toBe(0);
  expect(partial.formats).toEqual({ applog: 1, event: 4 });
  expect(partial.levels).toEqual({ ERROR: 1, FATAL: 1, INFO: 1, LOG: 1 });
  expect(partial.error_count).toBe(2);
  expect(partial.first_timestamp_ms).toBe(Date.parse('2024-01-24T10:15:32.123Z'));
  expect(partial.last_timestamp_ms).toBe(Date.parse('2024-01-24T10:15:35Z'));
});

it.each(['wasm', 'js'] as const)('turns them away as malformed applog with --format applog (%s scanner)', (scanner) => {
  const partial = analyzeFilePartial(temp.write(`postgres-${scanner}.log`, POSTGRES + '\n'), { format: 'applog', scanner });
  expect([partial.lines, partial.malformed_lines, partial.malformed_by_family]).toEqual([5, 4, { applog: 4 }]);
  expect(partial.levels).toEqual({ INFO: 1 });
});

it('applies the offset an abbreviation names, and reads those naming several offsets as UTC', () => {
  const noon = Date.parse('2024-01-24T12:00:00Z');
  for (const [zone, offset] of ZONE_OFFSETS) {
    const partial = analyzeFilePartial(temp.write(`zone-${zone}.log`, `2024-01-24 12:00:00.000 ${zone} [1] ERROR:  in ${zone}\n`));
    expect({ zone, at: partial.first_timestamp_ms, errors: partial.error_count }).toEqual({ zone, at: noon - (offset ?? 0) * 60_000, errors: 1 });
  }
});

describe('IANA zone names, as PHP writes its date.timezone', () => {
  // Offsets from the zones' published rules, not from Intl: Berlin CET +1 / CEST +2, New York EST -5 /
  // EDT -4 (summer time from 10 March 2024 02:00 to 3 November 2024 02:00), Kolkata +5:30 all year.
  it.each([
    ['[24-Jan-2024 11:16:11 Europe/Berlin] PHP Warning:  x', '2024-01-24T10:16:11.000Z'],
    ['[24-Jul-2024 12:16:11 Europe/Berlin] PHP Warning:  x', '2024-07-24T10:16:11.000Z'],
    ['[24-Jan-2024 05:16:11 America/New_York] PHP Notice:  x', '2024-01-24T10:16:11.000Z'],
    ['[24-Jan-2024 15:46:11 Asia/Kolkata] PHP Notice:  x', '2024-01-24T10:16:11.000Z'],
    ['2024-07-24 06:16:11 America/New_York ERROR x', '2024-07-24T10:16:11.000Z'],
    // 02:30 never happened on 10 March: read with the offset after the change (EDT).
    ['2024-03-10 02:30:00 America/New_York ERROR x', '2024-03-10T06:30:00.000Z'],
    // 01:30 happened twice on 3 November: read as the first, in EDT.
    ['2024-11-03 01:30:00 America/New_York ERROR x', '2024-11-03T05:30:00.000Z'],
  ])('reads %s at %s', (line, iso) => {
    const partial = analyzeFilePartial(temp.write('iana.log', line + '\n'));
    expect([partial.malformed_lines, partial.first_timestamp_ms]).toEqual([0, Date.parse(iso)]);
  });

  it('leaves a name no zone has unread: the bracketed line is malformed, a bare one keeps its UTC time', () => {
    const bracketed = analyzeFilePartial(temp.write('no-zone.log', '[24-Jan-2024 05:16:11 Not/AZone] PHP Notice:  x\n'));
    expect(bracketed.malformed_lines).toBe(1);
    const bare = analyzeFilePartial(temp.write('no-zone-bare.log', '2024-01-24 05:16:11 Not/AZone ERROR x\n'));
    expect([bare.malformed_lines, bare.first_timestamp_ms]).toEqual([0, Date.parse('2024-01-24T05:16:11Z')]);
  });
});
