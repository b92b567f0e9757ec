// A state store that a measurement can cut off as a crash would: after crash() its file is closed and
// nothing more reaches it, yet the coordinator that used it can still be closed to stop its timers.
// It counts commits and the commits each checkpoint covered, and can hold checkpoints back (as if the
// checkpoint timer had not fired since), so that the measurement knows what a restart must replay.
import type { StateStore } from '@loganalyzer/coordinator';

type Args<K extends keyof StateStore> = Parameters<StateStore[K]>;

export class CrashableStore implements StateStore {
  /** Commits that reached the store. */
  commits = 0;
  /** Commits included in the last checkpoint that reached the store (its measurement runs one job). */
  checkpointedCommits = 0;
  checkpoints = 0;
  /** While true, checkpoints are dropped whole: the store keeps the previous one and every partial since. */
  holdCheckpoints = false;
  private crashed = false;

  constructor(private readonly inner: StateStore) {}

  /** Closes the inner store; from now on writes are lost, and reads are a mistake. */
  crash(): void {
    this.crashed = true;
    this.inner.close();
  }

  private readable(): StateStore {
    if (this.crashed) throw new Error('the store was read after its crash');
    return this.inner;
  }

  /** The inner store for a write, or null once crashed. */
  private writable(): StateStore | null {
    return this.crashed ? null : this.inner;
  }

  load(): ReturnType<StateStore['load']> {
    return this.readable().load();
  }

  checkpointOf(...args: Args<'checkpointOf'>): string | null {
    return this.readable().checkpointOf(...args);
  }

  partialsOf(...args: Args<'partialsOf'>): Iterable<string | Uint8Array> {
    return this.readable().partialsOf(...args);
  }

  createJob(...args: Args<'createJob'>): void {
    this.writable()?.createJob(...args);
  }

  addChunks(...args: Args<'addChunks'>): void {
    this.writable()?.addChunks(...args);
  }

  finishPlan(...args: Args<'finishPlan'>): void {
    this.writable()?.finishPlan(...args);
  }

  discardPlan(...args: Args<'discardPlan'>): void {
    this.writable()?.discardPlan(...args);
  }

  grantLease(...args: Args<'grantLease'>): void {
    this.writable()?.grantLease(...args);
  }

  endLease(...args: Args<'endLease'>): void {
    this.writable()?.endLease(...args);
  }

  commit(...args: Args<'commit'>): void {
    const store = this.writable();
    if (!store) return;
    store.commit(...args);
    this.commits++;
  }

  saveJob(...args: Args<'saveJob'>): void {
    this.writable()?.saveJob(...args);
  }

  checkpoint(...args: Args<'checkpoint'>): void {
    const store = this.writable();
    if (!store || this.holdCheckpoints) return;
    store.checkpoint(...args);
    this.checkpoints++;
    this.checkpointedCommits = this.commits;
  }

  deleteJob(...args: Args<'deleteJob'>): void {
    this.writable()?.deleteJob(...args);
  }

  close(): void {
    this.writable()?.close();
  }
}
