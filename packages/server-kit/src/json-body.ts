// JSON body parsing with a size limit per route: small requests stay small (a job, a registration),
// only chunk results may be large. Over the limit is a 413 before any of the body is parsed.
import type { IncomingMessage } from 'node:http';
import express, { RequestHandler } from 'express';

export interface JsonBodyLimits {
  /** Limit per exact request path, in bytes or with a unit ("64kb", "512mb"). */
  byPath: Record<string, string | number>;
  /** For every other path. */
  otherwise: string | number;
  /** Sees each parsed body's bytes (the coordinator keeps a report's bytes as they came). */
  verify?: (req: IncomingMessage, body: Buffer) => void;
}

export function jsonBodies({ byPath, otherwise, verify }: JsonBodyLimits): RequestHandler {
  const parser = (limit: string | number): RequestHandler => express.json({ limit, ...(verify ? { verify: (req, _res, buf) => verify(req, buf) } : {}) });
  const parsers = new Map(Object.entries(byPath).map(([path, limit]) => [path, parser(limit)]));
  const fallback = parser(otherwise);
  return (req, res, next) => (parsers.get(req.path) ?? fallback)(req, res, next);
}
