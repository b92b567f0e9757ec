// The coordinator's event log: each typed event as one structured log line, its fields as they are
// (job_id, chunk_id, worker_id, …) beside the sentence describeEvent writes. Each dispatch, commit and
// release is a debug line: at the default level a million-chunk job logs only what went wrong.
import type { Logger } from '@loganalyzer/server-kit';
import { CoordinatorEvent, describeEvent, EventBus } from '../events';

function describeRoutineEvent(e: CoordinatorEvent): string {
  switch (e.type) {
    case 'chunk_dispatched':
      return `chunk ${e.chunk_id} of job ${e.job_id} sent to ${e.worker_id} (attempt ${e.attempt}${e.backup ? ', a backup' : ''})`;
    case 'chunk_committed':
      return `chunk ${e.chunk_id} of job ${e.job_id} committed from ${e.worker_id} (attempt ${e.attempt}, ${e.duration_ms} ms)`;
    case 'chunk_released':
      return `chunk ${e.chunk_id} of job ${e.job_id} handed back by ${e.worker_id} (attempt ${e.attempt})`;
    default:
      return e.type;
  }
}

/** Logs every event from now on; returns the unsubscribe function. */
export function logEvents(events: EventBus, logger: Logger): () => void {
  events.onListenerError = (err) => logger.error({ err }, 'an event listener failed');
  return events.on((event) => {
    const { type, ...fields } = event;
    const line = describeEvent(event);
    if (line) logger[line.level]({ event: type, ...fields }, line.text);
    else logger.debug({ event: type, ...fields }, describeRoutineEvent(event));
  });
}
