// Who can reach an app: loopback unless --host says otherwise, and beyond loopback only with the
// cluster token and a data root. Checked before listening, so a mistake is a refusal to start, not an open port.
import { isIP } from 'node:net';

export const LOOPBACK_HOST = '127.0.0.1';

/** Loopback names and addresses (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/^::ffff:/i, '');
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

export interface ExposureOptions {
  /** --host as given; undefined means the default. */
  host?: string;
  token?: string;
  /** --data-root directories, when the app reads files. */
  dataRoots?: readonly string[];
  /** Whether the app reads files named in requests (both do; a flag keeps the check honest for tests). */
  readsFiles?: boolean;
}

/** The host to listen on; throws with a message saying what to add when the configuration is unsafe. */
export function chooseListenHost({ host, token, dataRoots = [], readsFiles = true }: ExposureOptions): string {
  // Never wider than asked: reaching the network takes an explicit --host (0.0.0.0, ::, an address).
  if (host === undefined || isLoopbackHost(host)) return host ?? LOOPBACK_HOST;
  if (token === undefined) throw new Error(`--host ${host} is beyond loopback: set a cluster token (--token, --token-file or LOGANALYZER_TOKEN) first`);
  if (readsFiles && dataRoots.length === 0) throw new Error(`--host ${host} is beyond loopback: give --data-root DIR for the files it may read`);
  return host;
}

/** The start-up note on exposure, printed after the "listening on" line. */
export function describeExposure(boundHost: string, token: string | undefined): string {
  if (token === undefined) return 'loopback only: no cluster token set (--token, --token-file or LOGANALYZER_TOKEN), so no other machine can connect';
  return isLoopbackHost(boundHost) ? 'loopback only; requests need the cluster token' : 'reachable from the network; every request but GET /livez needs the cluster token';
}
