// The one error of both apps: a closed set of codes, each with one HTTP status (server-kit maps a
// thrown AppError through ERROR_STATUS), and the bodies every route answers errors with.
import { z } from 'zod';

/** Every error code either app answers with, and the HTTP status that goes with it. */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_json: 400,
  too_many_chunks: 400,
  input_not_regular_file: 400,
  chunk_out_of_range: 400,
  unauthorized: 401,
  input_forbidden: 403,
  host_not_allowed: 403,
  job_not_found: 404,
  chunk_not_found: 404,
  worker_not_registered: 404,
  route_not_found: 404,
  lease_not_live: 409,
  worker_id_in_use: 409,
  body_too_large: 413,
  invalid_partial: 422,
  shutting_down: 503,
  too_many_streams: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
export const ERROR_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(ERROR_CODES);

export const ErrorSchema = z.object({
  error: ErrorCodeSchema.describe('machine-readable error code'),
  message: z.string().describe('human-readable explanation; control characters are escaped'),
});
export type ErrorBody = z.infer<typeof ErrorSchema>;

export const ValidationIssueSchema = z.object({
  location: z.enum(['body', 'query', 'params', 'headers']),
  path: z.array(z.union([z.string(), z.number()])),
  code: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssueSchema>;

/** The 400 body for a request that does not match its route's schemas. */
export const ValidationErrorSchema = z.object({
  error: z.literal('validation_failed'),
  message: z.string(),
  issues: z.array(ValidationIssueSchema),
});
export type ValidationErrorBody = z.infer<typeof ValidationErrorSchema>;

/** The 401 of every route but the liveness one: no `Authorization: Bearer <cluster token>`, or the wrong one. */
export const UnauthorizedSchema = ErrorSchema.describe('unauthorized: the request did not carry the cluster token as "Authorization: Bearer <token>"');
