// Prometheus metrics shared by both apps: a registry per app instance (never prom-client's global
// one, so two apps in one test process keep their own counts), the process's default metrics, and
// request latency per route pattern.
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The label values a request may put in a series: anything else would let a client mint series. */
const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);
/** Requests that never reached a route (no token, unknown path, body over its limit). */
export const UNMATCHED_ROUTE = 'unmatched';

export function createMetricsRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const registry = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * Times every request into `loganalyzer_http_request_duration_seconds{method, route, status}`. The
 * route is the pattern Express matched (`/jobs/:job_id`), never the raw URL. Mount it first.
 */
const LATENCY = 'loganalyzer_http_request_duration_seconds';
type LatencyHistogram = Histogram<'method' | 'route' | 'status'>;

export function requestLatency(registry: Registry): RequestHandler {
  // A second app on the same registry shares the histogram (prom-client refuses a name registered twice).
  const histogram =
    (registry.getSingleMetric(LATENCY) as LatencyHistogram | undefined) ??
    new Histogram({
      name: LATENCY,
      help: 'Time from a request arriving to its response being written, by route pattern',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
  return (req, res, next) => {
    const stop = histogram.startTimer();
    res.once('finish', () => {
      const route: unknown = req.route?.path;
      stop({
        method: KNOWN_METHODS.has(req.method) ? req.method : 'other',
        route: typeof route === 'string' ? route : UNMATCHED_ROUTE,
        status: String(res.statusCode),
      });
    });
    next();
  };
}
