// The README's library example runs as written, from outside the repo's root, and says what is true.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyzeFile } from '@loganalyzer/core';
import { runLibraryExample } from '../src/library-example';
import { gunzipSync } from 'node:zlib';
import { APP_LOG, NGINX_LOG, ROTATED_LOG } from '../src/samples';

const run = promisify(execFile);
const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

it('gives the single-pass report for the app log, and the same report from 4 KiB chunks', async () => {
  const { app, chunked } = await runLibraryExample(APP_LOG, NGINX_LOG, ROTATED_LOG);
  expect(app).toStrictEqual(await analyzeFile(APP_LOG));
  expect(chunked).toStrictEqual(app);
  expect(app.request_count).toBeGreaterThan(0);
});

it('reads the nginx sample with the custom log_format: every line a request, none malformed', async () => {
  const { access } = await runLibraryExample(APP_LOG, NGINX_LOG, ROTATED_LOG);
  const lines = readFileSync(NGINX_LOG, 'utf8').split('\n').filter((l) => l !== '').length;
  expect(access.request_count).toBe(lines);
  expect(access.malformed_lines).toBe(0);
  expect(access.timed_requests).toBe(lines);
});

it('reads the gzip log through the window: requests and errors as a count of its in-window lines says', async () => {
  const { rotated } = await runLibraryExample(APP_LOG, NGINX_LOG, ROTATED_LOG);
  const lines = gunzipSync(readFileSync(ROTATED_LOG)).toString('latin1').split('\n');
  // Timestamped lines in [10:05, 10:10): the generator writes every timestamp as "2024-01-24 HH:MM:SS".
  // Its lines with bytes that are not UTF-8 are malformed wherever their time is (a lowercase level is
  // an event without a level, and has its time).
  const malformed = (l: string): boolean => l.includes('\xff');
  const stamped = lines.filter((l) => /^2024-01-24 \d\d:\d\d:\d\d/.test(l) && !malformed(l));
  const inWindow = stamped.filter((l) => l.slice(11, 16) >= '10:05' && l.slice(11, 16) < '10:10');
  const errors = inWindow.filter((l) => /^\S+ \S+ (ERROR|FATAL|CRITICAL) /.test(l)).length;
  expect(rotated.outside_window).toBe(stamped.length - inWindow.length);
  expect(rotated.outside_window).toBeGreaterThan(0);
  expect(rotated.error_count).toBe(errors);
  expect(rotated.window).toStrictEqual({ since: '2024-01-24T10:05:00.000Z', until: '2024-01-24T10:10:00.000Z' });
});

it('runs as `pnpm --filter @loganalyzer/example-library start` would, from another directory', async () => {
  const { stdout } = await run(process.execPath, [join(__dirname, '..', 'dist', 'main.js')], { cwd: tmpdir() });
  const app = await analyzeFile(APP_LOG);
  expect(stdout).toContain(`${APP_LOG}: ${app.request_count} requests, ${app.error_count} errors`);
  expect(stdout).toContain(`in 4 KiB chunks: ${app.request_count} requests, ${app.error_count} errors (the same)`);
});

it("is the code the README shows: every line of the README's library snippet is in library-example.ts", () => {
  const section = readme.slice(readme.indexOf('## As a library'));
  const snippet = /```ts\n([\s\S]*?)```/.exec(section)![1];
  const source = readFileSync(join(__dirname, '..', 'src', 'library-example.ts'), 'utf8');
  const codeLines = snippet.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('//'));
  expect(codeLines.length).toBeGreaterThan(5);
  for (const line of codeLines) expect(source).toContain(line);
});
