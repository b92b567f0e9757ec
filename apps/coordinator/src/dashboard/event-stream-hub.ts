// The dashboard's live stream (GET /events): each client gets the coordinator's job and worker events
// as they happen, and the progress of the jobs whose chunks moved, a few times a second (one message
// per interval however many chunks moved). Bounded: a fixed number of clients, a fixed number of queued
// bytes per client (one that stops reading is dropped rather than buffered without end), and nothing
// at all (no listener, no timer) while nobody is connected.
import { Readable } from 'node:stream';
import type { JobProgressUpdate } from '@loganalyzer/contract';
import { AppError } from '@loganalyzer/server-kit';
import { CoordinatorEvent, describeEvent, EventBus } from '../events';
import { SSE_KEEP_ALIVE, sseMessage } from './sse-message';

/** What the hub needs of the coordinator. */
export interface EventSource {
  readonly events: EventBus;
  jobProgress(jobId: string): JobProgressUpdate | null;
}

/** The connection a stream is written to (an Express response): closed by the client, or by us to drop it. */
export interface StreamConnection {
  once(event: 'close', listener: () => void): unknown;
  destroy(): void;
}

export interface EventStreamOptions {
  /** Streams served at once; one more is answered 503 too_many_streams. Default 16. */
  maxClients?: number;
  /** Bytes queued for a client that is not reading before it is dropped. Default 1 MiB. */
  maxQueuedBytes?: number;
  /** Least ms between progress messages. Default 250. */
  progressIntervalMs?: number;
  /** Ms between keep-alive comments. Default 15 s (proxies commonly close after 30-60 s of silence). */
  keepAliveMs?: number;
}

interface Client {
  stream: Readable;
  connection: StreamConnection;
}

export class EventStreamHub {
  private readonly clients = new Set<Client>();
  /** Jobs with chunk or job events since the last progress message. */
  private readonly movedJobs = new Set<string>();
  private unsubscribe: (() => void) | null = null;
  private progressTimer: NodeJS.Timeout | null = null;
  private keepAliveTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private dropped = 0;
  readonly maxClients: number;
  readonly maxQueuedBytes: number;
  readonly progressIntervalMs: number;
  readonly keepAliveMs: number;

  constructor(
    private readonly source: EventSource,
    options: EventStreamOptions = {},
  ) {
    this.maxClients = options.maxClients ?? 16;
    this.maxQueuedBytes = options.maxQueuedBytes ?? 1024 * 1024;
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
    this.keepAliveMs = options.keepAliveMs ?? 15_000;
    for (const [name, value] of Object.entries({ maxClients: this.maxClients, maxQueuedBytes: this.maxQueuedBytes, progressIntervalMs: this.progressIntervalMs, keepAliveMs: this.keepAliveMs })) {
      if (!(Number.isInteger(value) && value > 0)) throw new Error(`EventStreamHub: ${name} must be a positive integer, got ${value}`);
    }
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Clients dropped for not reading. */
  get droppedClients(): number {
    return this.dropped;
  }

  /** A new client's stream (it starts with a `ready` message); throws AppError when full or closed. */
  open(connection: StreamConnection): Readable {
    if (this.closed) throw new AppError('shutting_down', 'the coordinator is shutting down; its event stream has ended');
    if (this.clients.size >= this.maxClients) throw new AppError('too_many_streams', `the coordinator serves ${this.maxClients} event streams already; close one (another dashboard tab?) and retry`);
    // Nothing is pulled from this stream's source: messages are pushed, and its buffer is the client's queue.
    const client: Client = { stream: new Readable({ read() {} }), connection };
    this.clients.add(client);
    connection.once('close', () => this.remove(client));
    if (this.clients.size === 1) this.startListening();
    this.send(client, sseMessage('ready', { progress_interval_ms: this.progressIntervalMs }));
    return client.stream;
  }

  /** Ends every stream and refuses new ones: a coordinator shutting down must not wait for dashboards. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const client of [...this.clients]) {
      this.clients.delete(client);
      client.stream.push(null);
    }
    this.stopListening();
  }

  private startListening(): void {
    this.unsubscribe = this.source.events.on((event) => this.onEvent(event));
    this.progressTimer = setInterval(() => this.sendProgress(), this.progressIntervalMs);
    this.keepAliveTimer = setInterval(() => this.broadcast(SSE_KEEP_ALIVE), this.keepAliveMs);
    this.progressTimer.unref();
    this.keepAliveTimer.unref();
  }

  private stopListening(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.progressTimer) clearInterval(this.progressTimer);
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    this.progressTimer = this.keepAliveTimer = null;
    this.movedJobs.clear();
  }

  private remove(client: Client): void {
    if (!this.clients.delete(client)) return;
    client.stream.destroy();
    if (this.clients.size === 0) this.stopListening();
  }

  private onEvent(event: CoordinatorEvent): void {
    if ('job_id' in event) this.movedJobs.add(event.job_id);
    // Each dispatch and commit would be thousands of messages a second: those only show as progress.
    if (describeEvent(event) !== null) this.broadcast(sseMessage(event.type, event));
  }

  private sendProgress(): void {
    if (this.movedJobs.size === 0) return;
    const jobs: JobProgressUpdate[] = [];
    for (const jobId of this.movedJobs) {
      const progress = this.source.jobProgress(jobId);
      if (progress) jobs.push(progress);
    }
    this.movedJobs.clear();
    if (jobs.length > 0) this.broadcast(sseMessage('progress', { jobs }));
  }

  private broadcast(text: string): void {
    for (const client of [...this.clients]) this.send(client, text);
  }

  private send(client: Client, text: string): void {
    client.stream.push(text);
    if (client.stream.readableLength <= this.maxQueuedBytes) return;
    // It is not reading (a stalled tab, a dead network path): drop it; its page reconnects and reloads.
    this.dropped++;
    this.remove(client);
    client.connection.destroy();
  }
}
