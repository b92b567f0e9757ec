// Every route a worker serves.
import { initContract } from '@ts-rest/core';
import { z } from 'zod';
import { ErrorSchema, ValidationErrorSchema } from './errors';
import { FormatFieldsSchema } from './metrics';
import { WorkerIdSchema } from './workers';

const c = initContract();

export const ChunkTaskSchema = FormatFieldsSchema.extend({
  filepath: z.string().min(1),
  start: z.number().int().nonnegative(),
  size: z.number().int().nonnegative(),
  job_id: z.string().min(1),
  chunk_id: z.number().int().nonnegative(),
  attempt: z.number().int().positive(),
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
