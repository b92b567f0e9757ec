// The command-line flags both apps (and the CLI, for its client side) share for the trust boundary,
// as plain yargs option objects, and what they resolve to.
import { readFileSync } from 'node:fs';
import { resolveClusterToken } from './cluster-token';
import type { TlsFiles } from './listen';

export const TOKEN_FLAGS = {
  token: { type: 'string', describe: 'cluster token: every request but GET /livez must carry it (default $LOGANALYZER_TOKEN)' },
  'token-file': { type: 'string', describe: 'read the cluster token from this file' },
} as const;

export const SERVER_FLAGS = {
  ...TOKEN_FLAGS,
  'tls-cert': { type: 'string', describe: 'serve HTTPS with this PEM certificate (with --tls-key)' },
  'tls-key': { type: 'string', describe: 'PEM private key for --tls-cert' },
  'data-root': { type: 'string', array: true, describe: 'directory whose files requests may name (repeatable); required beyond loopback' },
} as const;

export const CLIENT_FLAGS = {
  ca: { type: 'string', describe: 'PEM certificate to trust for https:// peers (a self-signed cluster certificate)' },
} as const;

export interface SecurityArgs {
  token?: string;
  'token-file'?: string;
  'tls-cert'?: string;
  'tls-key'?: string;
  'data-root'?: string[];
  ca?: string;
}

export interface SecuritySettings {
  token?: string;
  tls?: TlsFiles;
  dataRoots: string[];
  ca?: Buffer;
}

/** Resolves the shared flags; throws a message naming the flag for anything unusable. */
export function securityFrom(args: SecurityArgs, env: NodeJS.ProcessEnv = process.env): SecuritySettings {
  const token = resolveClusterToken({ token: args.token, tokenFile: args['token-file'], env });
  if ((args['tls-cert'] === undefined) !== (args['tls-key'] === undefined)) throw new Error('give --tls-cert and --tls-key together');
  const tls = args['tls-cert'] !== undefined && args['tls-key'] !== undefined ? { certFile: args['tls-cert'], keyFile: args['tls-key'] } : undefined;
  let ca: Buffer | undefined;
  if (args.ca !== undefined) {
    try {
      ca = readFileSync(args.ca);
    } catch (err) {
      throw new Error(`cannot read --ca ${args.ca}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
  return { token, tls, dataRoots: args['data-root'] ?? [], ca };
}
