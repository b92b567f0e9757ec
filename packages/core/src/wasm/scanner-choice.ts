// Which scanner reads applog lines: the wasm one (the default) or the pure-JS fast path, which gives
// identical results and takes over by itself where WebAssembly is not available.
import { AnalyzerError } from '../errors';
import { applogScanner, ApplogScanner } from './applog-scanner';

export type ScannerChoice = 'wasm' | 'js';

/** The environment variable that picks the scanner when AnalyzeOptions.scanner does not. */
export const SCANNER_ENV = 'LOGANALYZER_SCANNER';

const CHOICES: readonly string[] = ['wasm', 'js'];

export function checkScannerChoice(value: unknown, source: string): void {
  if (value !== undefined && !CHOICES.includes(value as string)) {
    throw new AnalyzerError('invalid_argument', `${source} must be 'wasm' or 'js', got ${String(value)}`);
  }
}

/**
 * The longest line the wasm scanner buffers: its offsets are 32-bit and its memory at most 4 GiB, so
 * a larger maxLineBytes (the default is 64 MiB) goes to the JS path, which has no such bound.
 */
export const WASM_MAX_LINE_BYTES = 1 << 30;

/**
 * The wasm scanner, unless the option (else the environment) asks for JS, lines may be longer than
 * it buffers, or wasm is unavailable.
 */
export function chosenApplogScanner(option: ScannerChoice | undefined, maxLineBytes = 0): ApplogScanner | null {
  if (maxLineBytes > WASM_MAX_LINE_BYTES) return null;
  let choice = option;
  if (choice === undefined) {
    const env = process.env[SCANNER_ENV] || undefined;
    checkScannerChoice(env, SCANNER_ENV);
    choice = env as ScannerChoice | undefined;
  }
  return choice === 'js' ? null : applogScanner();
}
