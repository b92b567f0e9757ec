// Waits for a job's end on the coordinator's event stream (GET /events, server-sent events), as a
// dashboard follows it, instead of polling. Polling GET /jobs every 10 ms to time a job cost that job
// about a tenth of its speed on two cores (2 workers, 1 GiB applog, 6 interleaved pairs: median 2.44 s
// polled, 2.19 s on the stream): the coordinator answered a request every 10 ms on the cores the
// workers analyze on. The stream says `job_completed` or `job_failed` the moment the job ends.
import { request } from 'node:http';
import type { IncomingMessage } from 'node:http';

/** The event names that end a job, as the coordinator's events.ts calls them. */
const JOB_END_EVENTS = new Set(['job_completed', 'job_failed']);
/** Server-sent events end each message with a blank line. */
const MESSAGE_END = '\n\n';

export interface JobEvents {
  /** Resolves when the job has completed or failed (at once if it already has since the stream opened). */
  ended(jobId: string): Promise<void>;
  close(): void;
}

/** The job a message says has ended, or null for any other message (progress, other events, keep-alives). */
function jobEndOf(message: string): string | null {
  const type = /^event: (.*)$/m.exec(message)?.[1];
  if (type === undefined || !JOB_END_EVENTS.has(type)) return null;
  const data = /^data: (.*)$/m.exec(message)?.[1];
  const jobId = data === undefined ? undefined : (JSON.parse(data) as { job_id?: unknown }).job_id;
  return typeof jobId === 'string' ? jobId : null;
}

class StreamedJobEnds implements JobEvents {
  private readonly endedJobs = new Set<string>();
  private readonly waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
  private failure: Error | null = null;
  /** Text after the last complete message: a message may arrive in pieces. */
  private pending = '';

  constructor(private readonly response: IncomingMessage) {
    response.setEncoding('utf8');
    response.on('data', (text: string) => this.read(text));
    response.on('error', (err) => this.fail(err));
    response.on('close', () => this.fail(new Error('the coordinator closed its event stream')));
  }

  ended(jobId: string): Promise<void> {
    if (this.endedJobs.has(jobId)) return Promise.resolve();
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.set(jobId, { resolve, reject }));
  }

  close(): void {
    this.response.removeAllListeners('close');
    this.response.destroy();
  }

  private read(text: string): void {
    this.pending += text;
    for (let end = this.pending.indexOf(MESSAGE_END); end >= 0; end = this.pending.indexOf(MESSAGE_END)) {
      const jobId = jobEndOf(this.pending.slice(0, end));
      this.pending = this.pending.slice(end + MESSAGE_END.length);
      if (jobId === null) continue;
      this.endedJobs.add(jobId);
      this.waiting.get(jobId)?.resolve();
      this.waiting.delete(jobId);
    }
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const { reject } of this.waiting.values()) reject(this.failure);
    this.waiting.clear();
  }
}

/** Opens the coordinator's event stream; resolves once the coordinator has accepted it. */
export function openJobEvents(coordinatorUrl: string, token: string): Promise<JobEvents> {
  return new Promise((resolve, reject) => {
    // Not through Node's global agent, whose sockets time out after 5 s without data: a stream is
    // quiet while a large chunk is analyzed.
    const req = request(new URL('/events', coordinatorUrl), { agent: false, headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) {
        response.resume();
        reject(new Error(`GET /events on ${coordinatorUrl} answered ${response.statusCode}`));
        return;
      }
      resolve(new StreamedJobEnds(response));
    });
    req.on('error', reject);
    req.end();
  });
}
