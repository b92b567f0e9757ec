// --coordinator as people type it: `localhost:8000` means http://localhost:8000 (URL would read
// "localhost:" as a scheme and axios would refuse it on every retry).
import { escapeControl } from '@loganalyzer/server-kit';
import { UsageError } from './exit-codes';

const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

export function coordinatorUrl(typed: string): string {
  const withScheme = HAS_SCHEME.test(typed) ? typed : `http://${typed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--coordinator ${escapeControl(typed)} is not a URL (e.g. http://host:8000 or host:8000)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--coordinator ${escapeControl(typed)}: only http:// and https:// are supported`);
  if (url.search !== '' || url.hash !== '') throw new UsageError(`--coordinator ${escapeControl(typed)}: give the coordinator's address without a query or fragment`);
  // The client appends /jobs: a trailing slash would make it //jobs.
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}
