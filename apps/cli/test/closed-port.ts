// A loopback port with nothing listening on it, for tests of a coordinator that is not there.
import { createServer } from 'node:net';

/** A port that was free a moment ago and has nothing listening on it. */
export function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
