// A minimal reader of GET /events over real loopback HTTP for the tests: the messages and comments as
// they arrive, and the status and headers of the answer.
import { get, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SseMessage {
  type: string;
  data: unknown;
}

export interface SseClient {
  status: number;
  headers: IncomingMessage['headers'];
  /** Messages so far, parsed. */
  messages: SseMessage[];
  /** Comment lines so far (": keep-alive"). */
  comments: string[];
  /** The raw text so far. */
  text(): string;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

export function openEvents(port: number, token?: string): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/events', headers: token ? { Authorization: `Bearer ${token}` } : {} }, (response) => {
      let raw = '';
      let pending = '';
      const messages: SseMessage[] = [];
      const comments: string[] = [];
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        raw += chunk;
        pending += chunk;
        let end: number;
        while ((end = pending.indexOf('\n\n')) !== -1) {
          const block = pending.slice(0, end);
          pending = pending.slice(end + 2);
          const lines = block.split('\n');
          const type = lines.find((l) => l.startsWith('event: '))?.slice('event: '.length);
          const data = lines.filter((l) => l.startsWith('data: ')).map((l) => l.slice('data: '.length));
          comments.push(...lines.filter((l) => l.startsWith(':')));
          if (data.length > 0) messages.push({ type: type ?? 'message', data: JSON.parse(data.join('\n')) });
        }
      });
      const ended = new Promise<void>((done) => {
        response.on('end', done);
        response.on('close', done);
      });
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        messages,
        comments,
        text: () => raw,
        ended,
        close: () => request.destroy(),
      });
    });
    request.on('error', reject);
  });
}

/** Waits (polling) until the condition holds; fails naming what it waited for. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
