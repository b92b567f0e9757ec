// The hub on its own, with a fake connection: what it does with a client that does not read, and that
// it neither listens nor ticks while nobody is connected.
import { EventEmitter } from 'node:events';
import { EventBus } from '../src/events';
import { EventStreamHub } from '../src/dashboard/event-stream-hub';
import { sseMessage } from '../src/dashboard/sse-message';

class FakeConnection extends EventEmitter {
  destroyed = 0;
  destroy(): void {
    this.destroyed++;
    this.emit('close');
  }
}

function hubWith(options: ConstructorParameters<typeof EventStreamHub>[1] = {}) {
  const events = new EventBus();
  const asked: string[] = [];
  const jobProgress = (jobId: string) => {
    asked.push(jobId);
    return { job_id: jobId, status: 'running' as const, chunks_total: 2, chunks_done: 1, bytes_total: 10, bytes_done: 5 };
  };
  return { events, asked, hub: new EventStreamHub({ events, jobProgress }, options) };
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('drops a client that stops reading once its queue passes the limit, closing its connection', () => {
  const { hub, events } = hubWith({ maxQueuedBytes: 1000 });
  const connection = new FakeConnection();
  const stream = hub.open(connection);
  const lost = { type: 'worker_lost', worker_id: 'w-1', reason: 'x'.repeat(50) } as const;
  const fitting = Math.floor((1000 - stream.readableLength) / sseMessage(lost.type, lost).length);

  for (let i = 0; i < fitting; i++) events.emit(lost);
  expect([hub.clientCount, connection.destroyed, stream.destroyed]).toStrictEqual([1, 0, false]);
  events.emit(lost);

  expect([hub.clientCount, hub.droppedClients, connection.destroyed, stream.destroyed]).toStrictEqual([0, 1, 1, true]);
});

it('keeps a client that reads, however many messages pass through it', async () => {
  const { hub, events } = hubWith({ maxQueuedBytes: 1000 });
  const stream = hub.open(new FakeConnection());
  let received = 0;
  stream.on('data', (chunk: Buffer) => (received += chunk.length));

  for (let i = 0; i < 200; i++) {
    events.emit({ type: 'worker_lost', worker_id: `w-${i}`, reason: 'x'.repeat(50) });
    await new Promise((resolve) => setImmediate(resolve));
  }

  expect([hub.clientCount, hub.droppedClients]).toStrictEqual([1, 0]);
  expect(received).toBeGreaterThan(200 * 50);
  hub.close();
});

it('listens to the coordinator only while a client is connected', async () => {
  const { hub, events, asked } = hubWith({ progressIntervalMs: 10 });
  events.emit({ type: 'chunk_committed', job_id: 'before', chunk_id: 0, attempt: 1, worker_id: 'w', duration_ms: 1, bytes: 0, lines: 0 });
  const connection = new FakeConnection();
  hub.open(connection);
  events.emit({ type: 'chunk_committed', job_id: 'during', chunk_id: 0, attempt: 1, worker_id: 'w', duration_ms: 1, bytes: 0, lines: 0 });
  await wait(40);
  connection.emit('close');
  events.emit({ type: 'chunk_committed', job_id: 'after', chunk_id: 0, attempt: 1, worker_id: 'w', duration_ms: 1, bytes: 0, lines: 0 });
  await wait(40);

  expect([asked, hub.clientCount]).toStrictEqual([['during'], 0]);
});

it('refuses options that are not positive integers, naming the option', () => {
  expect(() => hubWith({ maxClients: 0 })).toThrow('EventStreamHub: maxClients must be a positive integer, got 0');
  expect(() => hubWith({ progressIntervalMs: 2.5 })).toThrow('EventStreamHub: progressIntervalMs must be a positive integer, got 2.5');
});
