// The coordinator's typed event stream: every state change worth telling anyone about. The event log
// (telemetry/event-log.ts) and the Prometheus counters (telemetry/coordinator-metrics.ts) subscribe to
// it; dashboards can subscribe the same way.

export type CoordinatorEvent =
  | { type: 'job_planned'; job_id: string; inputs: number; chunks: number; bytes: number; chunk_size: number; raised_from?: number }
  | { type: 'job_completed'; job_id: string; chunks: number; reassigned: number; appended_bytes: number }
  | { type: 'job_failed'; job_id: string; error: string }
  | { type: 'job_resumed'; job_id: string; chunks_done: number; chunks_total: number }
  | { type: 'chunk_dispatched'; job_id: string; chunk_id: number; attempt: number; worker_id: string; backup: boolean }
  | { type: 'chunk_committed'; job_id: string; chunk_id: number; attempt: number; worker_id: string; duration_ms: number; bytes: number; lines: number }
  | { type: 'chunk_expired'; job_id: string; chunk_id: number; attempt: number; worker_id: string; reason: string }
  | { type: 'chunk_failed'; job_id: string; chunk_id: number; attempt: number; worker_id: string; error: string }
  | { type: 'chunk_released'; job_id: string; chunk_id: number; attempt: number; worker_id: string }
  | { type: 'result_refused'; job_id: string; chunk_id: number; worker_id: string; reason: string }
  | { type: 'worker_joined'; worker_id: string; url: string; concurrency: number; rejoined: boolean }
  | { type: 'worker_lost'; worker_id: string; reason: string }
  | { type: 'worker_left'; worker_id: string; released: number }
  | { type: 'registration_refused'; worker_id: string; reason: string }
  | { type: 'loop_blocked'; ms: number };

export type CoordinatorEventType = CoordinatorEvent['type'];
export type EventListener = (event: CoordinatorEvent) => void;

export class EventBus {
  private readonly listeners = new Set<EventListener>();
  /** Where a listener's exception goes; the event log (telemetry/event-log.ts) points it at the logger. */
  onListenerError: (err: unknown) => void = (err) => process.stderr.write(`coordinator event listener failed: ${String(err)}\n`);

  /** Subscribes; returns the unsubscribe function. */
  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CoordinatorEvent): void {
    // A listener that throws must not break the state change that emitted the event.
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }
}

/** One line of the event log for an event, or null for the noisy ones (each dispatch and commit). */
export function describeEvent(e: CoordinatorEvent): { level: 'info' | 'warn'; text: string } | null {
  switch (e.type) {
    case 'job_planned':
      return { level: 'info', text: `job ${e.job_id}: ${e.chunks} chunk(s) of ${e.chunk_size} bytes over ${e.inputs} input(s), ${e.bytes} bytes${e.raised_from !== undefined ? ` (chunk size raised from ${e.raised_from} to stay within the chunk limit)` : ''}` };
    case 'job_completed':
      return { level: 'info', text: `job ${e.job_id} completed: ${e.chunks} chunk(s), ${e.reassigned} reassigned${e.appended_bytes > 0 ? `, ${e.appended_bytes} bytes appended after planning not analyzed` : ''}` };
    case 'job_failed':
      return { level: 'warn', text: `job ${e.job_id} failed: ${e.error}` };
    case 'job_resumed':
      return { level: 'info', text: `job ${e.job_id} resumed: ${e.chunks_done} of ${e.chunks_total} chunk(s) already committed` };
    case 'chunk_expired':
      return { level: 'warn', text: `chunk ${e.chunk_id} of job ${e.job_id} (attempt ${e.attempt} on ${e.worker_id}) taken back: ${e.reason}` };
    case 'chunk_failed':
      return { level: 'warn', text: `chunk ${e.chunk_id} of job ${e.job_id} failed on ${e.worker_id} (attempt ${e.attempt}): ${e.error}` };
    case 'result_refused':
      return { level: 'warn', text: `result for chunk ${e.chunk_id} of job ${e.job_id} from ${e.worker_id} refused: ${e.reason}` };
    case 'worker_joined':
      return { level: 'info', text: `worker ${e.worker_id} ${e.rejoined ? 're-registered' : 'registered'} at ${e.url} (concurrency ${e.concurrency})` };
    case 'worker_left':
      return { level: 'info', text: `worker ${e.worker_id} left (shutting down), handing back ${e.released} chunk(s)` };
    case 'registration_refused':
      return { level: 'warn', text: `registration of worker ${e.worker_id} refused: ${e.reason}` };
    case 'worker_lost':
      return { level: 'warn', text: `worker ${e.worker_id} is inactive: ${e.reason}` };
    case 'loop_blocked':
      return { level: 'warn', text: `event loop blocked for ${e.ms} ms; skipping one sweep` };
    case 'chunk_dispatched':
    case 'chunk_committed':
    case 'chunk_released':
      return null;
  }
}
