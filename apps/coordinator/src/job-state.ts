// One job in memory: its records, the queue of chunks waiting for a worker, the live leases of each
// chunk, and the counters its progress is reported from. Only the lease table changes it.
import type { ChunkRecord, InputRecord, JobRecord, LeaseRecord } from './state/records';

export class JobState {
  chunks: ChunkRecord[] = [];
  /** Live leases per chunk id (usually none or one; two while a backup attempt runs). */
  readonly leases = new Map<number, LeaseRecord[]>();
  chunksDone = 0;
  bytesDone = 0;
  readonly inputChunksTotal: number[];
  readonly inputChunksDone: number[];
  readonly inputBytesDone: number[];
  /** Workers that lost an attempt at a chunk: its next attempt goes elsewhere when it can. */
  readonly lostOn = new Map<number, Set<string>>();
  /** How long committed attempts took, for spotting stragglers (the latest few hundred). */
  readonly commitDurations: number[] = [];
  /** Chunk ids waiting for a worker; chunks taken back go to the front so the job is not held up by them. */
  private queue: number[] = [];
  private queueHead = 0;

  constructor(
    readonly record: JobRecord,
    readonly inputs: InputRecord[],
  ) {
    this.inputChunksTotal = inputs.map(() => 0);
    this.inputChunksDone = inputs.map(() => 0);
    this.inputBytesDone = inputs.map(() => 0);
  }

  get id(): string {
    return this.record.job_id;
  }

  get bytesTotal(): number {
    return this.inputs.reduce((sum, i) => sum + (i.snapshot?.size ?? 0), 0);
  }

  /** Adds chunks in id order (planning, or loading after a restart) and queues the pending ones. */
  addChunks(chunks: ChunkRecord[]): void {
    for (const chunk of chunks) {
      this.chunks.push(chunk);
      this.inputChunksTotal[chunk.input_id]++;
      if (chunk.state === 'pending') this.queue.push(chunk.chunk_id);
      else if (chunk.state === 'committed') this.countCommitted(chunk);
    }
  }

  countCommitted(chunk: ChunkRecord): void {
    this.chunksDone++;
    this.bytesDone += chunk.size;
    this.inputChunksDone[chunk.input_id]++;
    this.inputBytesDone[chunk.input_id] += chunk.size;
  }

  hasPending(): boolean {
    return this.queueHead < this.queue.length;
  }

  /** Chunks in the queue: at least the pending ones (a chunk committed by its backup may still be listed). */
  queuedCount(): number {
    return this.queue.length - this.queueHead;
  }

  takePending(): ChunkRecord | undefined {
    while (this.queueHead < this.queue.length) {
      const chunk = this.chunks[this.queue[this.queueHead++]];
      if (this.queueHead > 1024 && this.queueHead * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.queueHead);
        this.queueHead = 0;
      }
      if (chunk.state === 'pending') return chunk;
    }
    return undefined;
  }

  requeueFirst(chunk: ChunkRecord): void {
    if (this.queueHead > 0) this.queue[--this.queueHead] = chunk.chunk_id;
    else this.queue.unshift(chunk.chunk_id);
  }

  liveLeases(chunkId: number): LeaseRecord[] {
    return this.leases.get(chunkId) ?? [];
  }

  noteCommitDuration(ms: number): void {
    this.commitDurations.push(ms);
    if (this.commitDurations.length > 512) this.commitDurations.splice(0, 256);
  }

  medianCommitMs(): number | null {
    if (this.commitDurations.length === 0) return null;
    const sorted = [...this.commitDurations].sort((a, b) => a - b);
    return sorted[sorted.length >> 1];
  }
}
