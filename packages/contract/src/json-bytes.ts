// Request bodies with a field that is already JSON: a worker's chunk result arrives from its analysis
// thread as UTF-8 bytes, and parsing it only for ts-rest to stringify it again would put a large
// object, a string and a buffer of it in the worker's heap at once. The axios fetcher (clients.ts)
// writes such a field's bytes into the request as they are, between the JSON of the other fields.
import { Readable } from 'node:stream';

class JsonBytes {
  constructor(readonly blocks: readonly Uint8Array[]) {}

  /** What ts-rest's own JSON.stringify of the body sees; the fetcher discards that string. */
  toJSON(): null {
    return null;
  }
}

/**
 * A body field given as its UTF-8 JSON, typed as the value it encodes. Only top-level fields of a
 * body, and only through the clients of this package (createCoordinatorClient/createWorkerClient):
 * any other fetcher would send null in its place. The bytes (or the blocks, concatenated) are
 * trusted to be one valid JSON value.
 */
export function embedJson<T>(bytes: Uint8Array | readonly Uint8Array[]): T {
  return new JsonBytes(bytes instanceof Uint8Array ? [bytes] : bytes) as unknown as T;
}

/** The request body for a raw body with embedded JSON fields, or null when it has none. */
export function bodyWithEmbeddedJson(rawBody: unknown): { stream: Readable; length: number } | null {
  if (typeof rawBody !== 'object' || rawBody === null || Array.isArray(rawBody)) return null;
  const fields = Object.entries(rawBody).filter(([, value]) => value !== undefined);
  if (!fields.some(([, value]) => value instanceof JsonBytes)) return null;
  const parts: Uint8Array[] = [];
  fields.forEach(([name, value], i) => {
    parts.push(Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(name)}:`));
    if (value instanceof JsonBytes) parts.push(...value.blocks);
    else parts.push(Buffer.from(JSON.stringify(value)));
  });
  parts.push(Buffer.from('}'));
  const length = parts.reduce((sum, part) => sum + part.byteLength, 0);
  return { stream: Readable.from(parts), length };
}
