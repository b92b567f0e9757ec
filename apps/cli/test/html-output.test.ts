// Where --html writes: a path that cannot take the report is refused before any job (exit 2), and a
// write that fails anyway says which file and why in one line.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../src/exit-codes';
import { htmlOutputPath, writeHtmlReport } from '../src/report/html-output';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-html-output-'));
  mkdirSync(join(dir, 'reports'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads the path from where the user typed it, and is undefined without the flag', () => {
  expect([htmlOutputPath('reports/r.html', dir), htmlOutputPath(undefined, dir)]).toStrictEqual([join(dir, 'reports', 'r.html'), undefined]);
});

it.each([
  ['a directory that does not exist', 'missing/r.html', () => `--html ${join(dir, 'missing', 'r.html')}: no such directory`],
  ['a directory itself', 'reports', () => `--html ${join(dir, 'reports')}: is a directory (give the report's file name)`],
])('refuses %s as a usage mistake', (_case, arg, message) => {
  expect(() => htmlOutputPath(arg, dir)).toThrow(new UsageError(message()));
});

it('writes the report, and names the file and the error code when it cannot', () => {
  writeHtmlReport(join(dir, 'reports', 'r.html'), '<p>hi</p>');
  expect(readFileSync(join(dir, 'reports', 'r.html'), 'utf8')).toBe('<p>hi</p>');

  const where = join(dir, 'reports', 'missing', 'r.html');
  expect(() => writeHtmlReport(where, '<p>hi</p>')).toThrow(`cannot write the HTML report to ${where}: ENOENT`);
});
