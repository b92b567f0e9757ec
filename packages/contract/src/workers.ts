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

export const WorkerInfoSchema = z.object({
  worker_id: WorkerIdSchema,
  url: z.string(),
  status: z.enum(['active', 'inactive']),
  last_heartbeat: z.string().describe('ISO 8601'),
  registered_at: z.string(),
  concurrency: z.number().int().positive(),
  chunks_in_flight: z.number().int().nonnegative().describe('live leases this worker holds'),
  chunks_done: z.number().int().nonnegative(),
});
export type WorkerInfo = z.infer<typeof WorkerInfoSchema>;
