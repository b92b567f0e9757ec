// The dashboard's page and its scripts: plain files in apps/coordinator/dashboard, read once and served
// without the cluster token. They hold no data; everything shown is fetched by the page with the token
// the user gives it. The strict CSP keeps the page to its own origin: no inline script, no CDN.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestHandler } from 'express';

/** Next to src/ and dist/ alike, so ts-jest (src/dashboard) and node (dist/dashboard) find the same files. */
export const DASHBOARD_DIR = join(__dirname, '..', '..', 'dashboard');

const FILES: Record<string, { file: string; type: string }> = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/dashboard/dashboard.css': { file: 'dashboard.css', type: 'text/css; charset=utf-8' },
  '/dashboard/main.js': { file: 'main.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/api.js': { file: 'api.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/event-reader.js': { file: 'event-reader.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/charts.js': { file: 'charts.js', type: 'text/javascript; charset=utf-8' },
  '/dashboard/views.js': { file: 'views.js', type: 'text/javascript; charset=utf-8' },
};

/** The public paths: the integrator's and the trust tests' list of what answers without a token. */
export const DASHBOARD_PATHS = Object.keys(FILES);

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

let loaded: Map<string, { body: Buffer; type: string }> | null = null;

function load(): Map<string, { body: Buffer; type: string }> {
  loaded ??= new Map(
    Object.entries(FILES).map(([path, { file, type }]) => {
      try {
        return [path, { body: readFileSync(join(DASHBOARD_DIR, file)), type }];
      } catch (err) {
        throw new Error(`the dashboard's ${file} is missing from ${DASHBOARD_DIR}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }),
  );
  return loaded;
}

/** Serves GET/HEAD of the dashboard's own paths; everything else goes on to the token check. */
export function dashboardAssets(): RequestHandler {
  const files = load();
  return (req, res, next) => {
    const asset = req.method === 'GET' || req.method === 'HEAD' ? files.get(req.path) : undefined;
    if (!asset) return next();
    res.setHeader('Content-Type', asset.type);
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-cache');
    res.status(200).end(req.method === 'HEAD' ? undefined : asset.body);
  };
}
