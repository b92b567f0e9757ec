// The cluster token check in front of every route: one shared secret, sent as a bearer token,
// compared in constant time. Without a configured token the app is loopback-only (see exposure.ts)
// and the check lets everything through.
import { createHash, timingSafeEqual } from 'node:crypto';
import { UNAUTHENTICATED_PATHS } from '@loganalyzer/contract';
import type { RequestHandler } from 'express';
import { AppError } from './app-error';

/** Hashing first gives both sides one length, so the comparison leaks neither the token nor its length. */
function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/** True when `presented` is the token; takes the same time whatever prefix of it matches. */
export function tokenMatches(presented: string, token: string): boolean {
  return timingSafeEqual(digest(presented), digest(token));
}

/** 401 unless the request carries `Authorization: Bearer <token>`; the liveness route is open. */
export function requireBearerToken(token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (token === undefined || (UNAUTHENTICATED_PATHS as readonly string[]).includes(req.path)) return next();
    const header = req.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (presented !== undefined && tokenMatches(presented, token)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="loganalyzer"');
    next(new AppError('unauthorized', header === undefined ? 'this route needs the cluster token: send "Authorization: Bearer <token>"' : 'the bearer token is not the cluster token'));
  };
}
