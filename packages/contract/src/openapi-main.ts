#!/usr/bin/env node
// `pnpm openapi [coordinator|worker]` prints an app's OpenAPI document; `pnpm openapi --out DIR` writes
// both, as DIR/coordinator.json and DIR/worker.json, for generating dashboard clients.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { coordinatorOpenApi, workerOpenApi } from './openapi';

const DOCUMENTS = { coordinator: coordinatorOpenApi, worker: workerOpenApi } as const;
const USAGE = 'usage: openapi [coordinator|worker] | openapi --out DIR';

const asText = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;

function fail(message: string): never {
  process.stderr.write(`openapi: ${message}\n${USAGE}\n`);
  process.exit(1);
}

const args = process.argv.slice(2);
if (args[0] === '--out') {
  if (args.length !== 2) fail('--out takes one directory');
  // pnpm runs scripts from the workspace root; a relative path means where the user typed the command.
  const dir = resolve(process.env.INIT_CWD ?? process.cwd(), args[1]);
  mkdirSync(dir, { recursive: true });
  for (const [name, generate] of Object.entries(DOCUMENTS)) {
    const file = join(dir, `${name}.json`);
    writeFileSync(file, asText(generate()));
    process.stdout.write(`${file}\n`);
  }
} else {
  const which = args[0] ?? 'coordinator';
  if (args.length > 1 || !(which in DOCUMENTS)) fail(`expected "coordinator", "worker" or --out DIR, got "${args.join(' ')}"`);
  process.stdout.write(asText(DOCUMENTS[which as keyof typeof DOCUMENTS]()));
}
