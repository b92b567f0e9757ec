// Every route a worker serves.
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ErrorSchema, ValidationErrorSchema } from './errors';
import { InputSchema, InputSnapshotSchema } from './inputs';
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
});
export type ChunkTask = z.infer<typeof ChunkTaskSchema>;

export const workerContract = c.router(
  {
    processChunk: {
      method: 'POST',
      path: '/process_chunk',
      summary: 'Accept a chunk; its metrics are reported later with POST /metrics on the coordinator',
      body: ChunkTaskSchema,
      responses: {
        202: z.object({ accepted: z.literal(true) }),
        400: ValidationErrorSchema,
        503: ErrorSchema.describe('the worker is shutting down'),
      },
    },
    health: {
      method: 'GET',
      path: '/health',
      summary: 'Liveness',
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
  { strictStatusCodes: true },
);

export type WorkerContract = typeof workerContract;
