// How many workers are active, asked now and then while a job runs, for the progress line; a failed
// ask keeps the last answer (the progress line is no reason to fail a job).
import type { CoordinatorClient } from '@loganalyzer/contract';

export class ActiveWorkers {
  private count: number | null = null;
  private askedAt = -Infinity;
  private asking = false;

  constructor(
    private readonly client: CoordinatorClient,
    private readonly everyMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The last known count; starts a new ask in the background when the last is old. */
  latest(): number | null {
    if (!this.asking && this.now() - this.askedAt >= this.everyMs) {
      this.asking = true;
      this.askedAt = this.now();
      this.client.listWorkers().then(
        (r) => {
          if (r.status === 200) this.count = r.body.workers.filter((w) => w.status === 'active').length;
        },
        () => undefined,
      ).finally(() => {
        this.asking = false;
      });
    }
    return this.count;
  }
}
