// Before submitting, one quick unauthenticated /livez: a coordinator that is not there is named within
// seconds, instead of after the submit's 10 s timeout or never (a host that drops packets).
import { createCoordinatorClient } from '@loganalyzer/contract';
import { CoordinatorUnreachableError, unreachableReason } from './run-job';

export const PROBE_TIMEOUT_MS = 3000;

export async function assertCoordinatorReachable(url: string, ca?: string | Buffer, timeoutMs = PROBE_TIMEOUT_MS): Promise<void> {
  const client = createCoordinatorClient(url, { ca, timeoutMs });
  try {
    await client.livez();
  } catch (err) {
    throw new CoordinatorUnreachableError(`cannot reach the coordinator at ${url}: ${unreachableReason(err)}`);
  }
}
