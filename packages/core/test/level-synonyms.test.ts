// Every format names a level the same way: `ERR` in an applog line, `"level":"err"` in JSON,
// `level=ERR` in logfmt, `<11>` in syslog and `[err]`-style event lines are all one ERROR, counted as
// errors, and `WARNING` is WARN wherever it was written. Before this, the applog, JSON and logfmt
// paths kept `ERR`, `CRIT` and `WARNING` as they were: a file mixing sources showed WARN and WARNING
// as two rows, and `CRIT database down` was not an error.
import { analyzeFile, analyzeFilePartial } from '../src/analyze';
import { LEVEL_SYNONYMS, levelInfo } from '../src/level-names';
import { useTempDir } from './helpers';

const temp = useTempDir();

/** One line per spelling, in each format that reads a level word as written. */
function linesFor(word: string, format: 'applog' | 'json' | 'logfmt'): string {
  if (format === 'applog') return `2024-01-24 10:15:32 ${word} something happened`;
  if (format === 'json') return JSON.stringify({ time: '2024-01-24T10:15:32Z', level: word.toLowerCase(), msg: 'something happened' });
  return `time=2024-01-24T10:15:32Z level=${word} msg="something happened"`;
}

const ERROR_NAMES = new Set(['ERROR', 'CRITICAL', 'EMERG', 'ALERT', 'FATAL', 'SEVERE', 'PANIC']);

describe('level synonyms', () => {
  it.each(['applog', 'json', 'logfmt'] as const)('folds every spelling to its one name in %s lines, and counts the errors among them', (format) => {
    const file = temp.write(`${format}.log`, LEVEL_SYNONYMS.map(([word]) => linesFor(word, format)).join('\n') + '\n');
    const partial = analyzeFilePartial(file, { format });
    expect(partial.malformed_lines).toBe(0);
    const expected: Record<string, number> = {};
    for (const [, name] of LEVEL_SYNONYMS) expected[name] = (expected[name] ?? 0) + 1;
    expect(partial.levels).toEqual(expected);
    expect(partial.error_count).toBe(LEVEL_SYNONYMS.filter(([, name]) => ERROR_NAMES.has(name)).length);
  });

  it('gives a file mixing applog, event, syslog, JSON and logfmt lines one row per level', async () => {
    const file = temp.write(
      'mixed.log',
      [
        '2024-01-24 10:15:32 WARNING low space',
        '2024-01-24 10:15:32,123 - app - WARNING - low space',
        '{"time":"2024-01-24T10:15:33Z","level":"warning","msg":"low space"}',
        'time=2024-01-24T10:15:34Z level=warn msg="low space"',
        '2024-01-24 10:15:35 ERR disk failure',
        '<11>Jan 24 10:15:36 host app[12]: disk failure',
        '{"time":"2024-01-24T10:15:37Z","level":"err","msg":"disk failure"}',
        '2024-01-24 10:15:38 CRIT database down',
        'time=2024-01-24T10:15:39Z level=crit msg="database down"',
      ].join('\n') + '\n',
    );
    const report = await analyzeFile(file);
    expect(report.malformed_lines).toBe(0);
    expect(report.levels).toEqual({ WARN: 4, ERROR: 3, CRITICAL: 2 });
    expect(report.error_count).toBe(5);
  });

  it('hands out one LevelInfo per canonical name, whichever spelling came first', () => {
    const warning = levelInfo('WARNING');
    expect(warning).toBe(levelInfo('WARN'));
    expect(warning.name).toBe('WARN');
    expect(warning.isError).toBe(false);
    expect(levelInfo('CRIT')).toBe(levelInfo('CRITICAL'));
    expect(levelInfo('CRIT').isError).toBe(true);
    // A level no table knows stays as written.
    expect(levelInfo('AUDIT').name).toBe('AUDIT');
  });
});
