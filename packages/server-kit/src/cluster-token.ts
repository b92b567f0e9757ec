// Where an app or the CLI finds the cluster token: --token, else --token-file, else $LOGANALYZER_TOKEN.
import { readFileSync } from 'node:fs';

/** Shorter secrets are refused: a token is the whole of the cluster's authentication. */
export const MIN_TOKEN_LENGTH = 16;

export interface TokenSources {
  token?: string;
  tokenFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** The token, or undefined when none is configured; throws with a clear message for an unusable one. */
export function resolveClusterToken({ token, tokenFile, env = process.env }: TokenSources): string | undefined {
  if (token !== undefined && tokenFile !== undefined) throw new Error('give --token or --token-file, not both');
  let value: string | undefined;
  let from: string;
  if (token !== undefined) {
    value = token;
    from = '--token';
  } else if (tokenFile !== undefined) {
    try {
      value = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new Error(`cannot read --token-file ${tokenFile}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    from = `--token-file ${tokenFile}`;
  } else {
    value = env.LOGANALYZER_TOKEN;
    from = 'LOGANALYZER_TOKEN';
    if (value === '') value = undefined;
  }
  if (value === undefined) return undefined;
  // Visible ASCII only: it travels in an HTTP header, and a stray newline from `echo` would never match.
  if (!/^[\x21-\x7e]+$/.test(value)) throw new Error(`the token from ${from} must be printable ASCII without spaces`);
  if (value.length < MIN_TOKEN_LENGTH) throw new Error(`the token from ${from} is ${value.length} characters; use at least ${MIN_TOKEN_LENGTH} (e.g. openssl rand -hex 32)`);
  return value;
}
