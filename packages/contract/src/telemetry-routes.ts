// The telemetry routes both apps serve: their own OpenAPI document and Prometheus metrics. Spread into
// each app's contract, so they sit behind the cluster token like every route but /livez.
import { initContract } from '@ts-rest/core';
import { z } from 'zod';

const c = initContract();

/** The Prometheus text exposition format, as prom-client's registries write it. */
// In the order Express writes it back (it puts the charset first).
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; charset=utf-8; version=0.0.4';

/** Only the fields every OpenAPI 3 document has; the rest passes through as generated. */
export const OpenApiDocumentSchema = z
  .object({
    openapi: z.string(),
    info: z.object({ title: z.string(), version: z.string() }).passthrough(),
    paths: z.record(z.unknown()),
  })
  .passthrough();
export type OpenApiDocument = z.input<typeof OpenApiDocumentSchema>;

export const telemetryRoutes = {
  getOpenApi: {
    method: 'GET',
    path: '/openapi.json',
    summary: "This app's OpenAPI 3.0 document (the one `pnpm openapi` writes), for generating clients",
    responses: { 200: OpenApiDocumentSchema },
  },
  getPrometheusMetrics: {
    method: 'GET',
    path: '/metrics/prometheus',
    summary: 'Counters, gauges and histograms of this process in the Prometheus text format',
    responses: { 200: c.otherResponse({ contentType: PROMETHEUS_CONTENT_TYPE, body: z.string() }) },
  },
} as const;
