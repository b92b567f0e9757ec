// The OpenAPI documents are only worth publishing if other tools can use them: the `pnpm openapi`
// command writes them, a 3.0 validator accepts them, and openapi-typescript turns them into types that
// type-check against the routes a dashboard would call.
import SwaggerParser from '@apidevtools/swagger-parser';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { coordinatorOpenApi, workerOpenApi } from '../src';

const openapiMain = join(__dirname, '../dist/openapi-main.js');
const toTypeScript = join(__dirname, 'support/openapi-to-typescript.mjs');
/** The document as JSON has it: the generator leaves some fields undefined, which JSON drops. */
const asJson = (doc: unknown): unknown => JSON.parse(JSON.stringify(doc));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'openapi-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function typeErrors(files: Record<string, string>): string[] {
  const paths = Object.entries(files).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
  const program = ts.createProgram(paths, { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, skipLibCheck: false, types: [] });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

it('writes both documents with --out, as the contract generates them', () => {
  const out = join(dir, 'docs');
  const printed = execFileSync(process.execPath, [openapiMain, '--out', out], { encoding: 'utf8' });

  expect(printed).toBe(`${join(out, 'coordinator.json')}\n${join(out, 'worker.json')}\n`);
  expect(JSON.parse(readFileSync(join(out, 'coordinator.json'), 'utf8'))).toStrictEqual(asJson(coordinatorOpenApi()));
  expect(JSON.parse(readFileSync(join(out, 'worker.json'), 'utf8'))).toStrictEqual(asJson(workerOpenApi()));
});

it('prints one document on stdout, and refuses an unknown app', () => {
  expect(JSON.parse(execFileSync(process.execPath, [openapiMain, 'worker'], { encoding: 'utf8' }))).toStrictEqual(asJson(workerOpenApi()));
  expect(() => execFileSync(process.execPath, [openapiMain, 'dashboard'], { stdio: 'pipe' })).toThrow(/expected "coordinator", "worker" or --out DIR, got "dashboard"/);
});

it('passes the OpenAPI 3.0 validator with the telemetry routes in it', async () => {
  const coordinator = await SwaggerParser.validate(structuredClone(coordinatorOpenApi()) as never);
  const worker = await SwaggerParser.validate(structuredClone(workerOpenApi()) as never);

  for (const doc of [coordinator, worker]) {
    expect(Object.keys(doc.paths ?? {})).toEqual(expect.arrayContaining(['/openapi.json', '/metrics/prometheus']));
    expect(Object.keys((doc.paths?.['/metrics/prometheus']?.get?.responses?.['200'] as { content: object }).content)).toStrictEqual(['text/plain; charset=utf-8; version=0.0.4']);
  }
});

it('generates TypeScript types with openapi-typescript that type-check, and a client written against them too', () => {
  const generate = (doc: unknown): string => execFileSync(process.execPath, [toTypeScript], { input: JSON.stringify(doc), encoding: 'utf8' });
  // What a dashboard would write: the request and response shapes of the routes it calls.
  const usage = `
import type { paths as Coordinator } from './coordinator';
import type { paths as Worker } from './worker';

type Json<P, M extends 'get' | 'post', S extends number> = P extends { [m in M]: { responses: { [s in S]: { content: { 'application/json': infer B } } } } } ? B : never;

export const job: Json<Coordinator['/jobs/{job_id}'], 'get', 200>['status'] = 'completed';
export const created: Json<Coordinator['/jobs'], 'post', 201> = { job_id: 'job-1' };
export const body: Coordinator['/jobs']['post']['requestBody'] = { content: { 'application/json': { inputs: ['/var/log/app.log'] } } };
export const refused: Json<Coordinator['/metrics'], 'post', 409>['error'] = 'lease_not_live';
export const health: Json<Worker['/health'], 'get', 200> = { status: 'ok', worker_id: 'w1', chunks_in_flight: 0, concurrency: 4 };
export const exposition: Coordinator['/metrics/prometheus']['get']['responses'][200]['content']['text/plain; charset=utf-8; version=0.0.4'] = '# HELP';
export const openapi: Json<Worker['/openapi.json'], 'get', 200>['openapi'] = '3.0.2';
`;
  const files = { 'coordinator.ts': generate(coordinatorOpenApi()), 'worker.ts': generate(workerOpenApi()), 'usage.ts': usage };

  expect(files['coordinator.ts']).toContain('"/metrics/prometheus": {');
  expect(typeErrors(files)).toStrictEqual([]);
  // The check can fail: a field the document does not have is an error.
  expect(typeErrors({ ...files, 'usage.ts': `${usage}\nexport const wrong: Json<Worker['/health'], 'get', 200> = { status: 'ok', worker_id: 'w1', chunks_in_flight: 0, threads: 4 };\n` })).toHaveLength(1);
}, 60_000);
