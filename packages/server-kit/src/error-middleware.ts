// The last middleware of both apps: every error becomes a JSON body of the contract's ErrorSchema,
// with no stack trace sent to the client.
import type { ErrorBody } from '@loganalyzer/contract';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HttpError } from './http-error';

export function notFoundHandler(): RequestHandler {
  return (req, res) => {
    const body: ErrorBody = { error: 'route_not_found', message: `no route for ${req.method} ${req.path}` };
    res.status(404).json(body);
  };
}

export function errorHandler(onUnexpected: (err: unknown) => void = (err) => console.error(err)): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) return next(err);
    let status = 500;
    let body: ErrorBody = { error: 'internal_error', message: 'internal error' };
    if (err instanceof HttpError) {
      status = err.status;
      body = { error: err.code, message: err.message };
    } else if (err?.type === 'entity.parse.failed') {
      // express.json() could not parse the body.
      status = 400;
      body = { error: 'invalid_json', message: `request body is not valid JSON: ${err.message}` };
    } else if (err?.type === 'entity.too.large') {
      status = 413;
      body = { error: 'body_too_large', message: err.message };
    } else {
      onUnexpected(err);
    }
    res.status(status).json(body);
  };
}
