// JSON body parsing with a size limit per route: small requests stay small (a job, a registration),
// only chunk results may be large. Over the limit is a 413 before any of the body is parsed.
//
// express.raw reads the bytes (limit, Content-Encoding, the 413); the text is decoded here rather
// than by express.json, whose UTF-8 decode of a whole body through iconv-lite was the largest part
// of committing a chunk's partial over HTTP (3.1 of ~13 ms for a 2 MB applog partial). See utf8-text.ts.
import type { IncomingMessage } from 'node:http';
import express, { RequestHandler } from 'express';
import { AppError } from './app-error';
import { utf8Text } from './utf8-text';

export interface JsonBodyLimits {
  /** Limit per exact request path, in bytes or with a unit ("64kb", "512mb"). */
  byPath: Record<string, string | number>;
  /** For every other path. */
  otherwise: string | number;
  /** Sees each parsed body's bytes (the coordinator keeps a report's bytes as they came). */
  verify?: (req: IncomingMessage, body: Buffer) => void;
}

/** The body's JSON value; an empty body is {} (as express.json has it: a common client mistake). */
function parseJsonBytes(bytes: Buffer): unknown {
  if (bytes.length === 0) return {};
  try {
    return JSON.parse(utf8Text(bytes));
  } catch (err) {
    throw new AppError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`, { cause: err });
  }
}

function jsonBody(limit: string | number, verify: JsonBodyLimits['verify']): RequestHandler {
  const readBytes = express.raw({ limit, type: 'application/json' });
  return (req, res, next) =>
    readBytes(req, res, (err?: unknown) => {
      if (err) return next(err);
      // Not JSON, or no body: left as express.raw leaves it ({}), for the route's validation to refuse.
      if (!Buffer.isBuffer(req.body)) return next();
      const bytes: Buffer = req.body;
      try {
        verify?.(req, bytes);
        req.body = parseJsonBytes(bytes);
      } catch (parseError) {
        return next(parseError);
      }
      next();
    });
}

export function jsonBodies({ byPath, otherwise, verify }: JsonBodyLimits): RequestHandler {
  const parsers = new Map(Object.entries(byPath).map(([path, limit]) => [path, jsonBody(limit, verify)]));
  const fallback = jsonBody(otherwise, verify);
  return (req, res, next) => (parsers.get(req.path) ?? fallback)(req, res, next);
}
