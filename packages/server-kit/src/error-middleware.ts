// The last middleware of both apps: every error becomes a JSON body of the contract's ErrorSchema,
// with its status from the code, and no stack trace sent to the client.
import type { ErrorBody } from '@loganalyzer/contract';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { AppError } from './app-error';
import { escapeControl } from './safe-text';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError('route_not_found', `no route for ${req.method} ${req.path}`));
}

/** Converts whatever was thrown into an AppError; anything unknown becomes internal_error, keeping its cause. */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const type = (err as { type?: string } | null)?.type;
  // express.json's own parse error (jsonBodies throws invalid_json itself).
  if (type === 'entity.parse.failed') return new AppError('invalid_json', `request body is not valid JSON: ${(err as Error).message}`, { cause: err });
  if (type === 'entity.too.large') return new AppError('body_too_large', (err as Error).message, { cause: err });
  return new AppError('internal_error', 'internal error', { cause: err });
}

export function errorHandler(onUnexpected: (err: unknown) => void = (err) => console.error(err)): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    const appError = toAppError(err);
    if (appError.code === 'internal_error') onUnexpected(err);
    const message = escapeControl(appError.message);
    if (appError.code === 'validation_failed' && appError.issues) {
      res.status(appError.status).json({ error: 'validation_failed', message, issues: appError.issues.map((i) => ({ ...i, message: escapeControl(i.message) })) });
      return;
    }
    const body: ErrorBody = { error: appError.code, message };
    res.status(appError.status).json(body);
  };
}
