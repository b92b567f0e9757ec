// Error bodies shared by every route of both apps.
import { z } from 'zod';

export const ErrorSchema = z.object({
  error: z.string().describe('machine-readable error code, e.g. "job_not_found"'),
  message: z.string().describe('human-readable explanation'),
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
