// The one route of each app that answers without the cluster token: it says the process is up, and nothing more.
import { z } from 'zod';

/** Paths served without authentication (a load balancer or a restarted worker's predecessor check use them). */
export const UNAUTHENTICATED_PATHS = ['/livez'] as const;

export const LivenessSchema = z.object({ status: z.literal('ok') }).strict();
