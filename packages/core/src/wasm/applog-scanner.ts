// The applog scanner compiled from assembly/applog-scan.ts, instantiated once per thread (a module's
// state is per thread: each pool thread has its own), with typed-array views of its columns and of
// the data buffer the reader fills. Views die when the memory grows, so they are renewed here, and
// callers take them afresh after every dataBuffer() call.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRealDate, utcMinuteStart } from '../calendar';
import { packUpperLetters, ZONE_OFFSETS } from '../formats/zone-abbreviations';
import type { LevelInfo } from '../level-names';

/** Lines per scan call: ~170 KB of columns, so a batch stays in the L2 cache. */
export const BATCH_LINES = 4096;
/** Room past the data buffer: the scanner reads 16 bytes at a time (from up to 3 bytes on) and may pass its end. */
const SCAN_OVERRUN = 32;
const WASM_PAGE = 65536;
const WASM_FILE = 'applog-scan.wasm';

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: object };
}

interface ScanExports {
  memory: { buffer: ArrayBuffer; grow(pages: number): number };
  layout(lines: number): number;
  kindColumn(): number;
  startColumn(): number;
  endColumn(): number;
  timeColumn(): number;
  durationColumn(): number;
  levelSlotColumn(): number;
  levelStartColumn(): number;
  levelEndColumn(): number;
  scanEnd(): number;
  scan(data: number, cursor: number, len: number, lastStart: number, eof: number, sinceMs: number, untilMs: number): number;
  addZoneKey(key: number): void;
}

/** The calendar stays JS's own (timestamp.ts): the scanner asks it once per distinct minute. */
function minuteStart(year: number, month: number, day: number, hour: number, minute: number): number {
  return isRealDate(year, month, day) ? utcMinuteStart(year, month, day, hour, minute) : NaN;
}

export class ApplogScanner {
  private readonly exports: ScanExports;
  private readonly dataStart: number;
  private viewsOf: ArrayBuffer | null = null;
  kinds!: Uint8Array;
  starts!: Uint32Array;
  ends!: Uint32Array;
  times!: Float64Array;
  durations!: Float64Array;
  levelSlots!: Int32Array;
  levelStarts!: Uint32Array;
  levelEnds!: Uint32Array;
  private data!: Buffer;
  /** The level of each slot the scanner has given out (it numbers distinct levels), once JS has seen it. */
  readonly levelOfSlot: Array<LevelInfo | undefined> = [];

  constructor(instance: { exports: object }) {
    this.exports = instance.exports as unknown as ScanExports;
    // The scanner turns a zone abbreviation in the level's place away as the JS reader does, by one list.
    for (const zone of ZONE_OFFSETS.keys()) this.exports.addZoneKey(packUpperLetters(zone));
    this.dataStart = this.exports.layout(BATCH_LINES);
    this.dataBuffer(0);
  }

  /**
   * The data buffer, at least `bytes` long (its head kept when it grows); renews every view. The
   * module's first memory holds the default read buffer (asconfig.json's initialMemory): a growth
   * detaches the old ArrayBuffer, which slows every typed-array access of the thread after it.
   */
  dataBuffer(bytes: number): Buffer {
    const memory = this.exports.memory;
    const needed = this.dataStart + bytes + SCAN_OVERRUN;
    if (memory.buffer.byteLength < needed) memory.grow(Math.ceil((needed - memory.buffer.byteLength) / WASM_PAGE));
    if (this.viewsOf !== memory.buffer || this.data.length < bytes) this.renewViews(bytes);
    return this.data.length === bytes ? this.data : this.data.subarray(0, bytes);
  }

  /** Scans data[cursor, len) into the columns (see assembly/applog-scan.ts scan); returns the rows. */
  scan(cursor: number, len: number, lastStart: number, eof: boolean, sinceMs: number, untilMs: number): number {
    return this.exports.scan(this.dataStart, cursor, len, lastStart, eof ? 1 : 0, sinceMs, untilMs);
  }

  /** Where the last scan stopped, in the data buffer. */
  scanEnd(): number {
    return this.exports.scanEnd();
  }

  private renewViews(bytes: number): void {
    const e = this.exports;
    const buffer = e.memory.buffer;
    this.viewsOf = buffer;
    this.kinds = new Uint8Array(buffer, e.kindColumn(), BATCH_LINES);
    this.starts = new Uint32Array(buffer, e.startColumn(), BATCH_LINES);
    this.ends = new Uint32Array(buffer, e.endColumn(), BATCH_LINES);
    this.times = new Float64Array(buffer, e.timeColumn(), BATCH_LINES);
    this.durations = new Float64Array(buffer, e.durationColumn(), BATCH_LINES);
    this.levelSlots = new Int32Array(buffer, e.levelSlotColumn(), BATCH_LINES);
    this.levelStarts = new Uint32Array(buffer, e.levelStartColumn(), BATCH_LINES);
    this.levelEnds = new Uint32Array(buffer, e.levelEndColumn(), BATCH_LINES);
    this.data = Buffer.from(buffer, this.dataStart, Math.max(bytes, buffer.byteLength - this.dataStart - SCAN_OVERRUN));
  }
}

/** Where the .wasm is: beside this file in dist/wasm/; from src/wasm/ (ts-jest), in the built dist. */
function wasmPath(): string | null {
  for (const candidate of [join(__dirname, WASM_FILE), join(__dirname, '..', '..', 'dist', 'wasm', WASM_FILE)]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/**
 * A scanner, or null where WebAssembly (with SIMD) is not available, for the JS path to take over.
 * A missing .wasm file is a broken build, not a missing feature: that throws.
 */
export function loadApplogScanner(scope: { WebAssembly?: WasmApi } = globalThis as { WebAssembly?: WasmApi }): ApplogScanner | null {
  const wasm = scope.WebAssembly;
  if (wasm === undefined) return null;
  const path = wasmPath();
  if (path === null) throw new Error(`${WASM_FILE} is missing next to ${__dirname}: build @loganalyzer/core (pnpm build)`);
  const bytes = readFileSync(path);
  if (!wasm.validate(bytes)) return null;
  return new ApplogScanner(new wasm.Instance(new wasm.Module(bytes), { env: { minuteStart } }));
}

let threadScanner: ApplogScanner | null | undefined;

/** This thread's scanner, made on first use; null when WebAssembly is not available. */
export function applogScanner(): ApplogScanner | null {
  if (threadScanner === undefined) threadScanner = loadApplogScanner();
  return threadScanner;
}
