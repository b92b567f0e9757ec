// Worker identity, lease tokens, and the registry entry the coordinator exposes.
import { z } from 'zod';

export const WorkerIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits and . _ : - only');

/** The unguessable token of one chunk attempt: a result is committed only with its chunk's live token. */
export const LeaseTokenSchema = z.string().regex(/^[0-9a-f]{32}$/, '32 lowercase hex digits');

/** Most leases one heartbeat may list (far above any worker's concurrency). */
export const MAX_LEASES_PER_HEARTBEAT = 4096;

/** What a worker's heartbeat may say about its process, besides its leases; every field is optional. */
export const WorkerLoadSchema = z.object({
  rss_bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional().describe("the worker process's resident set size"),
  cpu_percent: z.number().nonnegative().max(1e6).optional().describe('CPU time of the process (all threads) since the last heartbeat, per wall time; 100 is one core busy'),
  bytes_processed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional().describe('bytes of the chunks the worker has finished since it started'),
});
export type WorkerLoad = z.infer<typeof WorkerLoadSchema>;

export const WorkerInfoSchema = z.object({
  worker_id: WorkerIdSchema,
  url: z.string(),
  status: z.enum(['active', 'inactive']),
  last_heartbeat: z.string().describe('ISO 8601'),
  registered_at: z.string(),
  concurrency: z.number().int().positive(),
  chunks_in_flight: z.number().int().nonnegative().describe('live leases this worker holds'),
  chunks_done: z.number().int().nonnegative(),
  ...WorkerLoadSchema.shape,
  bytes_per_second: z.number().nonnegative().optional().describe('bytes_processed between its last two heartbeats that reported it, per second'),
});
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;
