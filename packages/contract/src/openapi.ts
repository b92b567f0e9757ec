// OpenAPI documents for dashboards that generate their own clients.
import { generateOpenApi } from '@ts-rest/open-api';
import { coordinatorContract } from './coordinator-contract';
import { workerContract } from './worker-contract';

/**
 * @ts-rest/open-api writes a zod `.positive()` as the OpenAPI 3.1 form `exclusiveMinimum: 0` in a
 * document that says 3.0, where exclusiveMinimum is a boolean beside `minimum`; 3.0 validators and
 * client generators refuse it. This rewrites every numeric bound the 3.0 way, in place.
 */
export function toOpenApi30Bounds<T>(node: T): T {
  if (Array.isArray(node)) {
    for (const item of node) toOpenApi30Bounds(item);
  } else if (node !== null && typeof node === 'object') {
    const schema = node as Record<string, unknown>;
    for (const [bound, plain] of [
      ['exclusiveMinimum', 'minimum'],
      ['exclusiveMaximum', 'maximum'],
    ] as const) {
      if (typeof schema[bound] === 'number') {
        const limit = schema[bound] as number;
        const current = schema[plain];
        // Keep the tighter bound when both are given.
        schema[plain] = typeof current === 'number' ? (plain === 'minimum' ? Math.max(current, limit) : Math.min(current, limit)) : limit;
        schema[bound] = schema[plain] === limit;
      }
    }
    for (const value of Object.values(schema)) toOpenApi30Bounds(value);
  }
  return node;
}

export function coordinatorOpenApi() {
  return toOpenApi30Bounds(generateOpenApi(coordinatorContract, { info: { title: 'loganalyzer coordinator', version: '1' } }));
}

export function workerOpenApi() {
  return toOpenApi30Bounds(generateOpenApi(workerContract, { info: { title: 'loganalyzer worker', version: '1' } }));
}
