/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// The dashboard in headless Chromium against a real cluster (a coordinator and two workers as child
// processes, with a token): the page follows a job of tens of MB to 100 %, draws its charts, and shows
// the numbers the job's result has. Screenshots go to test-artifacts/ (gitignored).
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordinatorClient, CoordinatorClient, Job } from '@loganalyzer/contract';
import { generateAccessLog, writeLogFile } from '@loganalyzer/core/testing';
import { chromium, Browser, Page } from 'playwright-core';
import { AppProcess, startCoordinator, startWorker, stopApp } from './app-processes';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', 'test-artifacts');
const TOKEN = 'dashboard-e2e-token-0123456789abcdef';
/** ~38 MB of combined access lines with request times, read in 64 KiB chunks: ~600 chunks, so progress is seen moving. */
const LINES = 200_000;
const CHUNK_SIZE = 64 * 1024;

if (!existsSync(CHROMIUM) && process.env.CI) throw new Error(`${CHROMIUM} is missing: the dashboard's end-to-end test needs Debian's chromium package`);
const describeWithChromium = existsSync(CHROMIUM) ? describe : describe.skip;
const suiteName = existsSync(CHROMIUM) ? 'the dashboard in headless Chromium' : `the dashboard in headless Chromium (SKIPPED: ${CHROMIUM} not found; install Debian's chromium, or set CI to make this a failure)`;

describeWithChromium(suiteName, () => {
  jest.setTimeout(180_000);
  let dir = '';
  let log = '';
  let coordinator: AppProcess | undefined;
  const workers: AppProcess[] = [];
  let client: CoordinatorClient;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-e2e-'));
    log = join(dir, 'access.log');
    writeLogFile(log, generateAccessLog(LINES, { seed: 12, withRequestTime: true }));
    mkdirSync(ARTIFACTS, { recursive: true });
    coordinator = await startCoordinator(TOKEN);
    workers.push(await startWorker('dash-1', coordinator.url, TOKEN), await startWorker('dash-2', coordinator.url, TOKEN));
    client = createCoordinatorClient(coordinator.url, { token: TOKEN });
    await until(async () => {
      const r = await client.listWorkers();
      return r.status === 200 && r.body.workers.filter((w) => w.status === 'active').length === 2;
    }, 'both workers registered');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all(workers.map((w) => stopApp(w)));
    await stopApp(coordinator);
    rmSync(dir, { recursive: true, force: true });
  });

  /** A page that records what it requested and every script error. */
  async function openPage(path: string): Promise<{ page: Page; requested: string[]; errors: string[] }> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } });
    const requested: string[] = [];
    const errors: string[] = [];
    page.on('request', (r) => requested.push(r.url()));
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(coordinator!.url + path);
    return { page, requested, errors };
  }

  const text = (page: Page, testId: string) => page.locator(`[data-testid="${testId}"]`).first().textContent();
  const number = async (page: Page, testId: string) => Number((await text(page, testId))?.replace(/,/g, ''));

  it('follows a job to 100 % and shows its result: counts, per-minute chart, percentiles, status classes, top paths', async () => {
    const { page, requested, errors } = await openPage(`/#token=${TOKEN}`);
    await page.waitForSelector('[data-testid="connection"][data-state="live"]');
    // The token moved to sessionStorage; the address bar no longer shows it.
    expect(page.url()).toBe(`${coordinator!.url}/`);
    await page.waitForFunction(() => document.querySelectorAll('#workers-body tr[data-worker]').length === 2);

    const created = await client.createJob({ body: { filepath: log, chunk_size: CHUNK_SIZE } });
    if (created.status !== 201) throw new Error(`job not created: ${JSON.stringify(created.body)}`);
    const jobId = created.body.job_id;

    // While it runs: the page shows this job part done.
    await page.waitForFunction(
      (id) => {
        const percent = Number.parseInt(document.querySelector('[data-testid="job-percent"]')?.textContent ?? '', 10);
        return document.querySelector('[data-testid="job-id"]')?.textContent === id && percent > 0 && percent < 100;
      },
      jobId,
      { polling: 20 },
    );
    const during = await page.locator('[data-testid="job-percent"]').textContent();
    // The counts drawn with it are the live merge of the chunks committed so far.
    const requestsDuring = await number(page, 'requests');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-during-job.png'), fullPage: true });

    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="job-percent"]')?.textContent === '100%' &&
        document.querySelector('[data-testid="job-status"]')?.textContent === 'completed' &&
        document.querySelectorAll('[data-testid="timeline-chart"] rect.bar-requests').length > 0,
      undefined,
      { timeout: 120_000 },
    );
    const result = (await client.getJob({ params: { job_id: jobId } })).body as Job;
    expect(result.status).toBe('completed');
    const m = result.metrics;

    expect(during).toMatch(/^([1-9]|[1-9][0-9])%$/);
    expect(requestsDuring > 0 && requestsDuring < LINES).toBe(true);
    expect([await number(page, 'requests'), await number(page, 'errors'), await number(page, 'lines')]).toStrictEqual([m.request_count, m.error_count, m.lines]);
    expect(m.request_count).toBe(LINES);
    expect(await text(page, 'input-percent-0')).toBe('100%');
    expect(await text(page, 'chunks')).toBe(`${result.progress.chunks_total} / ${result.progress.chunks_total}`);

    // The per-minute chart holds every timestamped request and error of the result.
    const chart = page.locator('[data-testid="timeline-chart"] svg');
    const timelineRequests = m.timeline.reduce((sum, minute) => sum + minute.requests, 0);
    const timelineErrors = m.timeline.reduce((sum, minute) => sum + minute.errors, 0);
    expect([Number(await chart.getAttribute('data-total-requests')), Number(await chart.getAttribute('data-total-errors'))]).toStrictEqual([timelineRequests, timelineErrors]);
    expect(await page.locator('[data-testid="timeline-chart"] rect.bar-requests').count()).toBe(Number(await chart.getAttribute('data-bars')));

    // Percentiles and status classes: one bar per value of the result.
    const latency = await page.locator('[data-testid="latency-chart"] rect').evaluateAll((rects) => rects.map((r) => [r.getAttribute('data-label'), Number(r.getAttribute('data-value'))]));
    expect(latency).toStrictEqual([['p50', m.response_time.p50], ['p90', m.response_time.p90], ['p95', m.response_time.p95], ['p99', m.response_time.p99], ['p99.9', m.response_time.p99_9]]);
    const classes = await page.locator('[data-testid="status-chart"] rect').evaluateAll((rects) => rects.map((r) => [r.getAttribute('data-label'), Number(r.getAttribute('data-value'))]));
    expect(classes).toStrictEqual(Object.entries(m.status_classes).sort(([a], [b]) => a.localeCompare(b)));
    const paths = await page.locator('#top-paths-body tr').evaluateAll((rows) => rows.map((row) => [row.children[0].textContent, Number(row.children[1].textContent?.replace(/,/g, ''))]));
    expect(paths).toStrictEqual(m.top.paths.items.map((item) => [item.key, item.count]));

    // The workers' heartbeats carry their memory: both rows show it.
    await page.waitForFunction(() => [...document.querySelectorAll('#workers-body tr[data-worker]')].every((row) => row.children[5].textContent?.endsWith('MiB')));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-after-job.png'), fullPage: true });

    expect(requested.filter((url) => !url.startsWith(`${coordinator!.url}/`))).toStrictEqual([]);
    expect(errors).toStrictEqual([]);
    await page.close();
  });

  it('asks for the token when it has none or a wrong one, and connects once given the right one', async () => {
    const { page, errors } = await openPage('/');
    await page.waitForSelector('#token-form:not([hidden])');

    await page.fill('#token-input', `${TOKEN}-wrong`);
    await page.click('#token-form button');
    await page.waitForSelector('#token-error:not([hidden])');
    expect(await page.locator('#token-error').textContent()).toBe('The coordinator did not accept that token.');

    await page.fill('#token-input', TOKEN);
    await page.click('#token-form button');
    await page.waitForSelector('[data-testid="connection"][data-state="live"]');
    expect(await page.locator('#dashboard').isVisible()).toBe(true);
    // A 401 is what the browser reports for the wrong token; nothing else went wrong.
    expect(errors.filter((e) => !e.includes('401'))).toStrictEqual([]);
    await page.close();
  });

  it('drops a deleted job from the list and selects the next one', async () => {
    const small = join(dir, 'small.log');
    writeLogFile(small, generateAccessLog(2_000, { seed: 3 }));
    const { page, errors } = await openPage(`/#token=${TOKEN}`);
    const created = await client.createJob({ body: { filepath: small } });
    if (created.status !== 201) throw new Error(`job not created: ${JSON.stringify(created.body)}`);
    const jobId = created.body.job_id;
    await page.waitForFunction((id) => document.querySelector('[data-testid="job-id"]')?.textContent === id && document.querySelector('[data-testid="job-status"]')?.textContent === 'completed', jobId);
    const listed = await page.locator('#jobs li[data-job]').count();

    expect((await client.deleteJob({ params: { job_id: jobId } })).status).toBe(200);
    // No event says a job was deleted: a 404 for the job, or the page's periodic GET /jobs (every 10 s), tells it.
    await page.waitForFunction(
      (id) => !document.querySelector(`#jobs li[data-job="${id}"]`) && (document.querySelector<HTMLElement>('#job-detail')!.hidden || document.querySelector('[data-testid="job-id"]')?.textContent !== id),
      jobId,
      { timeout: 30_000 },
    );

    expect(await page.locator('#jobs li[data-job]').count()).toBe(listed - 1);
    // A refresh of the selected job already on its way gets a 404 (the browser logs it): that is how the page may learn it first.
    expect(errors.filter((e) => !e.includes('status of 404'))).toStrictEqual([]);
    await page.close();
  });

  it('reads server-sent events however the bytes are split, with LF, CRLF or CR line ends, skipping comments', async () => {
    const { page } = await openPage('/');
    // As page code (a string: TypeScript would turn the dynamic import into a require).
    const results = (await page.evaluate(`(async () => {
      const { EventParser } = await import('/dashboard/event-reader.js');
      const text = ': keep-alive\\r\\n\\r\\nevent: progress\\r\\ndata: {"a":1}\\r\\n\\r\\nevent: x\\rdata: one\\rdata: two\\r\\rdata: {"plain":true}\\n\\n';
      const outcomes = [];
      const run = (pieces) => {
        const seen = [];
        const parser = new EventParser((m) => seen.push(m));
        for (const piece of pieces) parser.push(piece);
        outcomes.push(JSON.stringify(seen));
      };
      // Every way of cutting the text in two, and one character at a time.
      for (let cut = 0; cut <= text.length; cut++) run([text.slice(0, cut), text.slice(cut)]);
      run([...text]);
      return [...new Set(outcomes)];
    })()`)) as string[];

    expect(results.map((r) => JSON.parse(r))).toStrictEqual([
      [
        { type: 'progress', data: '{"a":1}' },
        { type: 'x', data: 'one\ntwo' },
        { type: 'message', data: '{"plain":true}' },
      ],
    ]);
    await page.close();
  });
});

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
