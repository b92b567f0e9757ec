// The dashboard's page and scripts: the one public part of the coordinator besides /livez. They are
// served without the token, hold no data, load nothing from elsewhere, and open nothing else up.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../src/app';
import { DASHBOARD_DIR, DASHBOARD_PATHS } from '../src/dashboard/static-assets';
import { registerWorker, setup, startJob, useTempLogs } from './helpers';

const logs = useTempLogs();
const TOKEN = 'assets-test-token-0123456789abcdef';

async function appWithAJob() {
  const s = setup();
  await registerWorker(s.coordinator, 'secret-worker-name');
  const log = logs.applog('secret-file-name.log', 50);
  const jobId = await startJob(s.coordinator, { inputs: [{ kind: 'file', path: log.path }] });
  return { app: createApp(s.coordinator, { token: TOKEN }), jobId };
}

it('serves the page and each of its files without the token, under a CSP that allows only its own origin', async () => {
  const { app } = await appWithAJob();
  const answers = [];
  for (const path of DASHBOARD_PATHS) {
    const r = await request(app).get(path);
    answers.push([path, r.status, r.headers['content-type'], r.headers['content-security-policy'], r.headers['x-content-type-options']]);
  }

  const csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
  expect(answers).toStrictEqual([
    ['/', 200, 'text/html; charset=utf-8', csp, 'nosniff'],
    ['/dashboard/dashboard.css', 200, 'text/css; charset=utf-8', csp, 'nosniff'],
    ['/dashboard/main.js', 200, 'text/javascript; charset=utf-8', csp, 'nosniff'],
    ['/dashboard/api.js', 200, 'text/javascript; charset=utf-8', csp, 'nosniff'],
    ['/dashboard/event-reader.js', 200, 'text/javascript; charset=utf-8', csp, 'nosniff'],
    ['/dashboard/charts.js', 200, 'text/javascript; charset=utf-8', csp, 'nosniff'],
    ['/dashboard/views.js', 200, 'text/javascript; charset=utf-8', csp, 'nosniff'],
  ]);
});

it('holds no data: the public files are the same bytes whatever the coordinator knows', async () => {
  const { app, jobId } = await appWithAJob();
  for (const path of DASHBOARD_PATHS) {
    const text = (await request(app).get(path).buffer(true).parse((res, done) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => done(null, body));
    })).body as string;
    expect([path, text.includes(jobId), text.includes('secret-worker-name'), text.includes('secret-file-name')]).toStrictEqual([path, false, false, false]);
  }
});

it('keeps every other path and method behind the token', async () => {
  const { app } = await appWithAJob();
  const statuses = [];
  for (const [method, path] of [['post', '/'], ['get', '/dashboard/'], ['get', '/dashboard/secret.js'], ['get', '/index.html'], ['get', '/dashboard/../jobs'], ['get', '/events']] as const) {
    statuses.push([method, path, (await request(app)[method](path)).status]);
  }
  expect(statuses).toStrictEqual([
    ['post', '/', 401],
    ['get', '/dashboard/', 401],
    ['get', '/dashboard/secret.js', 401],
    ['get', '/index.html', 401],
    ['get', '/dashboard/../jobs', 401],
    ['get', '/events', 401],
  ]);
});

it('serves every file of the dashboard directory, and the page loads nothing from another origin', () => {
  const files = readdirSync(DASHBOARD_DIR).sort();
  const served = DASHBOARD_PATHS.map((p) => (p === '/' ? 'index.html' : p.slice('/dashboard/'.length))).sort();
  expect(served).toStrictEqual(files);
  for (const file of files) {
    const text = readFileSync(join(DASHBOARD_DIR, file), 'utf8');
    // The only absolute URL is the SVG namespace, which names a format and is never fetched.
    const urls = text.match(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}[^\s'"`)]*/gi) ?? [];
    expect([file, urls.filter((u) => u !== 'http://www.w3.org/2000/svg')]).toStrictEqual([file, []]);
  }
  const page = readFileSync(join(DASHBOARD_DIR, 'index.html'), 'utf8');
  const referenced = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).sort();
  expect(referenced).toStrictEqual(['/dashboard/dashboard.css', '/dashboard/main.js', 'data:,']);
  const imported = files.filter((f) => f.endsWith('.js')).flatMap((f) => [...readFileSync(join(DASHBOARD_DIR, f), 'utf8').matchAll(/from '\.\/([^']+)'/g)].map((m) => m[1]));
  expect([...new Set(imported)].sort()).toStrictEqual(['api.js', 'charts.js', 'event-reader.js', 'views.js']);
});
