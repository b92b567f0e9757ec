// The HTML report as text: log strings escaped for HTML and for the terminal alike, and nothing in it
// that would fetch anything (the browser test checks the same from the other side).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { escapeHtml } from '../src/report/html-escape';
import { renderHtmlReport } from '../src/report/html-report';
import { NASTY_AGENT, NASTY_PATH, writeReportFixture } from './report-fixture';

let dir: string;
let html: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loganalyzer-html-text-'));
  const { job } = await writeReportFixture(dir);
  html = renderHtmlReport(job, 1234);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('escapes the five HTML characters and shows control characters as \\xNN', () => {
  expect(escapeHtml(`<a href="x">'&'</a>\u001b[2J\u009b`)).toBe(String.raw`&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\x1b[2J\x9b`);
});

it('holds the log strings only escaped', () => {
  expect(html).not.toContain('<script>');
  expect(html).not.toContain(NASTY_AGENT);
  expect(html).toContain(escapeHtml(NASTY_PATH));
  expect(html).toContain(escapeHtml(NASTY_AGENT));
  expect([...html].filter((c) => c !== '\n' && /[\u0000-\u001f\u007f-\u009f]/.test(c))).toStrictEqual([]);
});

it('refers to nothing outside itself and forbids fetching by its Content-Security-Policy', () => {
  expect(html).not.toMatch(/\b(src|href)=/);
  expect(html).not.toMatch(/url\(|@import|https?:\/\//);
  expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
});
