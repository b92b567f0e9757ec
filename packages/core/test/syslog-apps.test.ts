// The program that wrote each syslog line (RFC 3164 TAG, RFC 5424 APP-NAME) as a top table, with its
// errors, checked against a count made with a regular expression over the same lines.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../src/analyze';

const real = join(__dirname, 'fixtures', 'real', 'rsyslog.log');
const rfc5424 = join(__dirname, 'fixtures', 'documented', 'rfc5424.log');

function appsByRegex(file: string, pattern: RegExp): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const app = pattern.exec(line)?.[1];
    if (app) out[app] = (out[app] ?? 0) + 1;
  }
  return out;
}

it('counts the apps of a real rsyslog file, with the errors each wrote', async () => {
  const report = await analyzeFile(real);
  const expected = appsByRegex(real, /^\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ ([^\s[:]+)[[:]/);

  expect(Object.fromEntries(report.top.apps.items.map((i) => [i.key, i.count]))).toStrictEqual(expected);
  expect(report.top.apps.items.every((i) => i.exact)).toBe(true);
  expect(report.top.apps.items.reduce((sum, i) => sum + i.errors, 0)).toBe(report.error_count);
});

it('takes RFC 5424\'s APP-NAME, and no app where it is the nil value', async () => {
  const report = await analyzeFile(rfc5424);
  const expected = appsByRegex(rfc5424, /^<\d+>1 \S+ \S+ ([^\s-][^\s]*|-\S+) /);

  expect(Object.fromEntries(report.top.apps.items.map((i) => [i.key, i.count]))).toStrictEqual(expected);
  expect(expected).toStrictEqual({ su: 1, myproc: 1, evntslog: 2, app: 1 });
});
