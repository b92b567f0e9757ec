// The HTML report in a real browser (Debian's chromium, headless; never a downloaded one): its charts
// are drawn with the report's numbers, log strings stay text, and it makes no request of its own.
// A screenshot goes to test-artifacts/ for a person to look at.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Job } from '@loganalyzer/contract';
import { Browser, chromium, Page } from 'playwright-core';
import { renderHtmlReport } from '../src/report/html-report';
import { NASTY_AGENT, NASTY_PATH, writeReportFixture } from './report-fixture';

jest.setTimeout(60_000);

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && process.env.CI) throw new Error(`${CHROMIUM} is missing: the HTML report test needs Debian's chromium in CI`);
if (!haveChromium) console.warn(`skipping the HTML report browser test: no ${CHROMIUM} (apt-get install chromium)`);
const describeInBrowser = haveChromium ? describe : describe.skip;

describeInBrowser('the HTML report in chromium', () => {
  let dir: string;
  let job: Job;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'loganalyzer-html-'));
    ({ job } = await writeReportFixture(dir));
    const file = join(dir, 'report.html');
    writeFileSync(file, renderHtmlReport(job, 1234));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'html-report.png'), fullPage: true });
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** [data-label or data-start, data-value, drawn width, drawn height] of each element. */
  const figures = (selector: string, key: string): Promise<Array<[string, number, number, number]>> =>
    page.$$eval(
      selector,
      (els, k) =>
        els.map((el) => {
          const box = (el.querySelector('rect') ?? el).getBoundingClientRect();
          return [el.getAttribute(k) ?? '', Number(el.getAttribute('data-value')), Math.round(box.width), Math.round(box.height)] as [string, number, number, number];
        }),
      key,
    );

  it('draws requests and errors per minute, each bar as tall as its share of the peak', async () => {
    const requestBars = await figures('#chart-timeline rect.requests', 'data-start');
    const errorBars = await figures('#chart-timeline rect.errors', 'data-start');

    expect(requestBars.map(([start, value]) => [start, value])).toStrictEqual([
      ['2024-01-24T10:00:00.000Z', 3],
      ['2024-01-24T10:01:00.000Z', 3],
      ['2024-01-24T10:02:00.000Z', 1],
    ]);
    expect(errorBars.map(([start, value]) => [start, value])).toStrictEqual([
      ['2024-01-24T10:01:00.000Z', 3],
      ['2024-01-24T10:02:00.000Z', 1],
    ]);
    const peakHeight = requestBars[0][3];
    expect(peakHeight).toBeGreaterThan(100);
    expect(requestBars[2][3]).toBe(Math.round(peakHeight / 3));
    expect(errorBars[0][3]).toBe(peakHeight);
    expect(await page.$$eval('#chart-timeline text', (els) => els.map((e) => e.textContent))).toStrictEqual(['3', '0', '2024-01-24 10:00', '2024-01-24 10:03 UTC']);
  });

  it('draws the status classes with their counts', async () => {
    const rows = await figures('#chart-status-classes g.row', 'data-label');

    expect(rows.map(([label, value]) => [label, value])).toStrictEqual([['2xx', 4], ['4xx', 1], ['5xx', 2]]);
    expect(rows[1][2]).toBe(Math.round(rows[0][2] / 4));
    expect(await page.$$eval('#chart-status-classes text.figure', (els) => els.map((e) => e.textContent))).toStrictEqual(['4', '1', '2']);
  });

  it('draws the latency percentiles in ms', async () => {
    const rt = job.metrics.response_time;
    const rows = await figures('#chart-latency g.row', 'data-label');

    expect(rows.map(([label, value]) => [label, value])).toStrictEqual([['p50', rt.p50], ['p90', rt.p90], ['p95', rt.p95], ['p99', rt.p99], ['p99.9', rt.p99_9], ['max', 1000]]);
    expect(await page.$$eval('#chart-latency text.figure', (els) => els.map((e) => e.textContent))).toStrictEqual(['19.887 ms', '399.474 ms', '399.474 ms', '399.474 ms', '399.474 ms', '1,000 ms']);
  });

  it('shows the text report\'s sections as tables, log strings as text', async () => {
    const headings = await page.$$eval('h2', (els) => els.map((e) => e.textContent));
    expect(headings).toStrictEqual(['Summary', 'Response time', 'Status codes', 'Requests and errors over time', 'Levels', 'Methods', 'Formats', 'Top paths', 'Top clients', 'Top user agents', 'Top error messages', 'Malformed lines by family', 'Malformed samples']);
    const keys = await page.$$eval('td.key', (els) => els.map((e) => e.textContent));
    expect(keys).toContain(NASTY_PATH.replace('\u001b', '\\x1b'));
    expect(keys).toContain(NASTY_AGENT);
    expect(await page.$$('script')).toHaveLength(0);
    expect(await page.$$('b')).toHaveLength(0);
    const summary = await page.$$eval('section:first-of-type tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(summary.slice(0, 2)).toStrictEqual([['error_count', '4'], ['request_count', '7']]);
  });

  it('loads nothing but itself', () => {
    expect(requests).toStrictEqual([pathToFileURL(join(dir, 'report.html')).href]);
  });
});
