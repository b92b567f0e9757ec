// Builds the contract's 400 body from the zod errors ts-rest collects for an invalid request.
import type { ValidationErrorBody, ValidationIssue } from '@loganalyzer/contract';
import type { Response } from 'express';
import type { ZodError } from 'zod';
import { escapeControl } from './safe-text';

/** The shape of @ts-rest/express's RequestValidationError. */
export interface RequestValidationFailure {
  pathParams: ZodError | null;
  headers: ZodError | null;
  query: ZodError | null;
  body: ZodError | null;
}

/** Issue messages and path keys can quote the request (an enum's "received '…'", unknown keys): bound them. */
const MAX_MESSAGE_CHARS = 300;
const MAX_PATH_KEY_CHARS = 100;
const MAX_ISSUES = 20;

function bounded(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export function validationErrorBody(failure: RequestValidationFailure): ValidationErrorBody {
  const issues: ValidationIssue[] = [];
  const collect = (location: ValidationIssue['location'], error: ZodError | null): void => {
    for (const issue of error?.issues ?? []) {
      if (issues.length === MAX_ISSUES) return;
      const path = issue.path.map((key) => (typeof key === 'string' ? escapeControl(bounded(key, MAX_PATH_KEY_CHARS)) : key));
      issues.push({ location, path, code: issue.code, message: escapeControl(bounded(issue.message, MAX_MESSAGE_CHARS)) });
    }
  };
  collect('params', failure.pathParams);
  collect('headers', failure.headers);
  collect('query', failure.query);
  collect('body', failure.body);
  const first = issues[0];
  const where = first ? `${first.location}${first.path.length ? '.' + first.path.join('.') : ''}: ${first.message}` : 'invalid request';
  return {
    error: 'validation_failed',
    message: issues.length > 1 ? `${where} (and ${issues.length - 1} more)` : where,
    issues,
  };
}

/** For createExpressEndpoints' requestValidationErrorHandler option. */
export function respondWithValidationError(failure: RequestValidationFailure, _req: unknown, res: Response, _next: unknown): void {
  res.status(400).json(validationErrorBody(failure));
}
