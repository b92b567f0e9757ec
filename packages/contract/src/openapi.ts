// OpenAPI documents for dashboards that generate their own clients.
import { AppRoute, isAppRouteOtherResponse } from '@ts-rest/core';
import { generateOpenApi } from '@ts-rest/open-api';
import { coordinatorContract } from './coordinator-contract';
import { UNAUTHENTICATED_PATHS } from './liveness';
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

/** Every route but the liveness one needs the cluster token as a bearer token. */
function withBearerSecurity(title: string) {
  return {
    info: { title, version: '1' },
    components: { securitySchemes: { clusterToken: { type: 'http', scheme: 'bearer', description: 'the cluster token (--token, LOGANALYZER_TOKEN or --token-file)' } } },
    security: [{ clusterToken: [] }],
  };
}

type Operation = { responses?: Record<string, { description: string; content?: unknown }> };

/**
 * @ts-rest/open-api writes every response as application/json and drops the schema of a non-JSON one
 * (`c.otherResponse`); this writes those under their own content type. Our only such responses are text.
 */
function withOtherResponses<T extends Operation>(operation: T, route: AppRoute): T {
  const responses = { ...operation.responses };
  for (const [status, response] of Object.entries(route.responses)) {
    if (!isAppRouteOtherResponse(response)) continue;
    if (!response.contentType.startsWith('text/')) throw new Error(`openapi: no schema for a ${response.contentType} response`);
    responses[status] = { description: responses[status]?.description ?? status, content: { [response.contentType]: { schema: { type: 'string' } } } };
  }
  return { ...operation, responses };
}

const operationMapper = <T extends object>(operation: T, route: AppRoute): T => {
  const mapped = withOtherResponses(operation as Operation, route) as T;
  return (UNAUTHENTICATED_PATHS as readonly string[]).includes(route.path) ? { ...mapped, security: [] } : mapped;
};

export function coordinatorOpenApi() {
  return toOpenApi30Bounds(generateOpenApi(coordinatorContract, withBearerSecurity('loganalyzer coordinator'), { operationMapper }));
}

export function workerOpenApi() {
  return toOpenApi30Bounds(generateOpenApi(workerContract, withBearerSecurity('loganalyzer worker'), { operationMapper }));
}
