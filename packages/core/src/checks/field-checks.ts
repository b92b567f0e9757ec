// Checks of single fields of a partial that came from elsewhere (a worker's JSON, a stored result),
// each throwing an AnalyzerError('invalid_partial') that names the field's path, so that a bad partial
// says where it is bad. Values are taken as unknown: a typed partial may still be parsed JSON.
import { QuantileSketch } from '../analytics/quantile-sketch';
import { AnalyzerError } from '../errors';

/**
 * A field's path, or a function that builds it: checks inside loops over thousands of entries pass a
 * function, so the path's string is only built for the message of a field that fails.
 */
export type FieldPath = string | (() => string);

export function nameOf(path: FieldPath): string {
  return typeof path === 'string' ? path : path();
}

export function invalidPartial(path: FieldPath, problem: string, cause?: unknown): AnalyzerError {
  return new AnalyzerError('invalid_partial', `${nameOf(path)}: ${problem}`, cause === undefined ? undefined : { cause });
}

/** A value as a message shows it: numbers as written, strings quoted and cut short, the rest by kind. */
export function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

export function checkCount(value: unknown, path: FieldPath): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalidPartial(path, `must be a non-negative safe integer, got ${shown(value)}`);
  }
  return value;
}

export function checkCountOrNull(value: unknown, path: FieldPath): number | null {
  return value === null ? null : checkCount(value, path);
}

/** A safe integer of either sign (epoch milliseconds may be before 1970). */
export function checkInteger(value: unknown, path: FieldPath): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw invalidPartial(path, `must be a safe integer, got ${shown(value)}`);
  return value;
}

export function checkIntegerOrNull(value: unknown, path: FieldPath): number | null {
  return value === null ? null : checkInteger(value, path);
}

export function checkString(value: unknown, path: FieldPath): string {
  if (typeof value !== 'string') throw invalidPartial(path, `must be a string, got ${shown(value)}`);
  return value;
}

export function checkBoolean(value: unknown, path: FieldPath): boolean {
  if (typeof value !== 'boolean') throw invalidPartial(path, `must be a boolean, got ${shown(value)}`);
  return value;
}

export function checkArray(value: unknown, path: FieldPath): unknown[] {
  if (!Array.isArray(value)) throw invalidPartial(path, `must be an array, got ${shown(value)}`);
  return value;
}

export function checkObject(value: unknown, path: FieldPath): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidPartial(path, `must be an object, got ${shown(value)}`);
  return value as Record<string, unknown>;
}

/** A map from names to counts (levels, statuses, …). */
export function checkCounts(value: unknown, path: FieldPath): Record<string, number> {
  const record = checkObject(value, path);
  for (const [key, n] of Object.entries(record)) checkCount(n, () => `${nameOf(path)}[${JSON.stringify(key)}]`);
  return record as Record<string, number>;
}

/** How many values a latency sketch's text holds, checked as deserialize() checks it; -1 for null. */
export function sketchCountOrNone(text: unknown, path: FieldPath): number {
  if (text === null) return -1;
  if (typeof text !== 'string') throw invalidPartial(path, `latency sketch must be a string or null, got ${shown(text)}`);
  const count = QuantileSketch.countOfText(text);
  if (count < 0) throw invalidPartial(path, 'latency sketch does not decode: not a serialized quantile sketch');
  return count;
}

/** A QuantileSketch text decoded, or null for null. */
export function decodeSketchOrNull(text: unknown, path: FieldPath): QuantileSketch | null {
  const count = sketchCountOrNone(text, path);
  return count < 0 ? null : QuantileSketch.ofCheckedText(text as string, count);
}
