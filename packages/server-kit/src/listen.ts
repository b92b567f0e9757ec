// Starting and stopping an app's HTTP(S) server; the only place the apps touch ports.
import type { Express } from 'express';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from './telemetry/logger';

export interface TlsFiles {
  /** PEM certificate chain (--tls-cert). */
  certFile: string;
  /** PEM private key (--tls-key). */
  keyFile: string;
}

export interface ListenOptions {
  port: number;
  host: string;
  /** Serve HTTPS with this certificate and key. */
  tls?: TlsFiles;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** The address actually bound, as the socket reports it ("127.0.0.1", "0.0.0.0", "::"). */
  boundHost: string;
  /** http(s)://bound-address:port: what the start-up line shows; for a wildcard bind, the wildcard itself. */
  boundUrl: string;
  /** A URL for this machine to reach the server (a wildcard bind is reached on loopback). */
  url: string;
  close(): Promise<void>;
}

/** Reads --tls-cert/--tls-key, naming the file that cannot be read. */
function readTls(tls: TlsFiles): { cert: Buffer; key: Buffer } {
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`cannot read ${flag} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };
  return { cert: read('--tls-cert', tls.certFile), key: read('--tls-key', tls.keyFile) };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * How long an idle kept-alive connection stays open. Node's default is 5 s. A client whose event loop
 * was busy for longer (a test writing its input file synchronously, a CLI parsing a large report)
 * then sends its next request on a socket whose close it has not read yet, and gets ECONNRESET or
 * "socket hang up": reproduced with a client blocked 5.5 s, and seen in CI on POST /jobs. Node's
 * client agent drops an idle socket after 5 s by its own timer, so a longer server timeout costs
 * Node clients nothing; 65 s also outlasts the 60 s idle time of common load balancers.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

/** Rejects (naming the file) for an unreadable or invalid certificate, and for a port in use. */
export async function listen(app: Express, options: ListenOptions): Promise<RunningServer> {
  const server: Server = options.tls ? createHttpsServer(readTls(options.tls), app) : createHttpServer(app);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  // Node's advice: a request's headers may take longer than a kept-alive connection's idle time.
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  const scheme = options.tls ? 'https' : 'http';
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const reachable = address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
      let closing: Promise<void> | null = null;
      resolve({
        server,
        port: address.port,
        boundHost: address.address,
        boundUrl: `${scheme}://${urlHost(address.address)}:${address.port}`,
        url: `${scheme}://${urlHost(reachable)}:${address.port}`,
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          });
          return closing;
        },
      });
    });
  });
}

/**
 * Runs cleanup once on SIGINT/SIGTERM, then exits 0 (1 when cleanup failed). A second signal while
 * cleaning up exits at once with 1: a person pressing Ctrl-C twice does not want to wait out a grace period.
 */
export function onShutdownSignal(cleanup: (signal: NodeJS.Signals) => Promise<void>, logger?: Pick<Logger, 'info' | 'error'>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      if (logger) logger.error({ signal }, `${signal} again: exiting without finishing the shutdown`);
      else console.error(`${signal} again: exiting without finishing the shutdown`);
      process.exit(1);
    }
    stopping = true;
    logger?.info({ signal }, `${signal}: shutting down`);
    let code = 0;
    cleanup(signal)
      .catch((err) => {
        code = 1;
        if (logger) logger.error({ signal, err }, `error during ${signal} shutdown`);
        else console.error(`error during ${signal} shutdown:`, err);
      })
      .finally(() => process.exit(code));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
