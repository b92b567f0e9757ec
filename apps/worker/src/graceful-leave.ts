// How a worker leaves (SIGTERM, SIGINT) without costing a job anything: it stops taking chunks, lets the
// running ones finish while its heartbeats keep their leases live, hands back what is still running
// when the grace period ends, and deregisters, so the coordinator re-queues those chunks at once and
// without counting a failed attempt.
import type { ChunkWorker } from './chunk-worker';
import type { CoordinatorLink } from './coordinator-link';
import { silentLog, WorkerLog } from './telemetry/worker-log';

export interface LeaveOptions {
  worker: ChunkWorker;
  link: CoordinatorLink;
  /** How long running chunks get to finish and be reported. */
  graceMs: number;
  log?: WorkerLog;
}

export interface LeaveOutcome {
  /** Lease tokens of the chunks still running when the grace period ended; stopped, nothing reported. */
  handedBack: string[];
  /** Leases the coordinator released when the worker deregistered; null when it could not be reached. */
  released: number | null;
}

export async function leaveGracefully({ worker, link, graceMs, log = silentLog }: LeaveOptions): Promise<LeaveOutcome> {
  // The link goes on heartbeating meanwhile: a lease left to expire would count as a failed attempt.
  await worker.drain(graceMs);
  const handedBack = worker.handBack();
  if (handedBack.length > 0) log(`${handedBack.length} chunk(s) still running after the ${graceMs} ms grace period: handing them back`, { chunks: handedBack.length, grace_ms: graceMs }, 'warn');
  try {
    const released = await link.leave();
    log(`deregistered; the coordinator released ${released} lease(s)`, { released });
    return { handedBack, released };
  } catch (err) {
    log(`could not deregister (${(err as Error).message}); the coordinator will expire this worker's leases instead`, {}, 'warn');
    return { handedBack, released: null };
  }
}
