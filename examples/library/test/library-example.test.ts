// The README's library example runs as written, from outside the repo's root, and says what is true.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { analyzeFile } from '@loganalyzer/core';
import { runLibraryExample } from '../src/library-example';
import { APP_LOG, NGINX_LOG } from '../src/samples';

const run = promisify(execFile);
const readme = readFileSync(join(__dirname, '..', '..', '..', 'README.md'), 'utf8');

it('gives the single-pass report for the app log, and the same report from 4 KiB chunks', async () => {
  const { app, chunked } = await runLibraryExample(APP_LOG, NGINX_LOG);
  expect(app).toStrictEqual(await analyzeFile(APP_LOG));
  expect(chunked).toStrictEqual(app);
  expect(app.request_count).toBeGreaterThan(0);
});

it('reads the nginx sample with the custom log_format: every line a request, none malformed', async () => {
  const { access } = await runLibraryExample(APP_LOG, NGINX_LOG);
  const lines = readFileSync(NGINX_LOG, 'utf8').split('\n').filter((l) => l !== '').length;
  expect(access.request_count).toBe(lines);
  expect(access.malformed_lines).toBe(0);
  expect(access.timed_requests).toBe(lines);
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
