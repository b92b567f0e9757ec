#!/usr/bin/env node
// `pnpm openapi [coordinator|worker]`: prints an app's OpenAPI document, for generating dashboard clients.
import { coordinatorOpenApi, workerOpenApi } from './openapi';

const which = process.argv[2] ?? 'coordinator';
if (which !== 'coordinator' && which !== 'worker') {
  console.error(`openapi: expected "coordinator" or "worker", got "${which}"`);
  process.exit(1);
}
console.log(JSON.stringify(which === 'coordinator' ? coordinatorOpenApi() : workerOpenApi(), null, 2));
