// The handlers of the contract's telemetry routes (contract/src/telemetry-routes.ts), the same in both
// apps: spread them into the app's ts-rest router.
import type { OpenApiDocument } from '@loganalyzer/contract';
import type { Registry } from 'prom-client';

/** openApi: the app's document (coordinatorOpenApi or workerOpenApi). */
export function telemetryHandlers(registry: Registry, openApi: () => object) {
  // Generated on first request and kept: the contract does not change while the process runs.
  let document: OpenApiDocument | undefined;
  return {
    getOpenApi: async () => ({ status: 200 as const, body: (document ??= openApi() as OpenApiDocument) }),
    getPrometheusMetrics: async () => ({ status: 200 as const, body: await registry.metrics() }),
  };
}
