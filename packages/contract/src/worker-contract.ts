// Every route a worker serves.
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ErrorSchema, UnauthorizedSchema, ValidationErrorSchema } from './errors';
import { LivenessSchema } from './liveness';
import { telemetryRoutes } from './telemetry-routes';
import { InputSchema, InputSnapshotSchema } from './inputs';
import { epochMs } from './jobs';
import { FormatFieldsSchema } from './metrics';
import { LeaseTokenSchema, WorkerIdSchema } from './workers';

const c = initContract();

/** One attempt at one chunk: a byte range of one input, with the lease that fences its result. */
export const ChunkTaskSchema = FormatFieldsSchema.extend({
  job_id: z.string().min(1).max(64),
  chunk_id: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
  lease_token: LeaseTokenSchema,
  input: InputSchema,
  snapshot: InputSnapshotSchema.describe('the input as planned: a different identity or a smaller size fails the attempt; bytes past size are not read'),
  start: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  since_ms: epochMs.optional().describe("the job's time window: lines timestamped before it count only as outside_window"),
  until_ms: epochMs.optional().describe('lines timestamped at or after it count only as outside_window'),
}).strict();
export type ChunkTask = z.infer<typeof ChunkTaskSchema>;

export const workerContract = c.router(
  {
    livez: {
      method: 'GET',
      path: '/livez',
      summary: 'Liveness: answers without the cluster token, and says nothing else',
      responses: { 200: LivenessSchema },
    },
    ...telemetryRoutes,
    processChunk: {
      method: 'POST',
      path: '/process_chunk',
      summary: 'Accept a chunk; its metrics are reported later with POST /metrics on the coordinator',
      body: ChunkTaskSchema,
      responses: {
        202: z.object({ accepted: z.literal(true) }),
        400: ValidationErrorSchema.or(ErrorSchema).describe('validation_failed; input_not_regular_file; chunk_out_of_range: the range ends past the file'),
        403: ErrorSchema.describe('input_forbidden: the input resolves (symlinks followed) outside every --data-root of the worker'),
        503: ErrorSchema.describe('the worker is shutting down'),
      },
    },
    health: {
      method: 'GET',
      path: '/health',
      summary: 'Status of the worker (needs the cluster token; GET /livez does not)',
      responses: {
        200: z.object({
          status: z.literal('ok'),
          worker_id: WorkerIdSchema,
          chunks_in_flight: z.number().int().nonnegative(),
          concurrency: z.number().int().positive(),
        }),
      },
    },
  },
  {
    strictStatusCodes: true,
    commonResponses: {
      401: UnauthorizedSchema,
      413: ErrorSchema.describe('body_too_large: the request body is over the route\'s limit'),
      500: ErrorSchema,
    },
  },
);

export type WorkerContract = typeof workerContract;
