// The bench applog with 0.5% of its lines made long (8–64 KiB of message: a dumped payload, a stack
// trace joined on one line), as real services write now and then. Lines that long cross the reader's
// buffers and the sketches' fast paths; throughput must not collapse on them.
import { generateApplog } from '@loganalyzer/core/testing';
import { Random } from '../random';

const LONG_LINE_SHARE = 0.005;
const MIN_LONG = 8 * 1024;
const MAX_LONG = 64 * 1024;
const PAYLOAD_WORDS = ['user_id=', 'session=', 'trace=', 'items=[', 'retry', 'upstream', 'payload', '{"k":', '"v"}', 'at com.example.Service.call(Service.java:42)'];

function payload(random: Random, bytes: number): string {
  let text = '';
  while (text.length < bytes) text += `${PAYLOAD_WORDS[random.int(0, PAYLOAD_WORDS.length - 1)]}${random.int(0, 99_999)} `;
  return text.slice(0, bytes);
}

export function* generateLongLineApplog(seed: number): Generator<Buffer> {
  const random = new Random(seed + 7919);
  for (const line of generateApplog(Number.MAX_SAFE_INTEGER, { seed })) {
    if (random.next() >= LONG_LINE_SHARE || line.length < 24) {
      yield line;
      continue;
    }
    // Keep the timestamp and level, append the payload before the line's ending.
    const text = line.toString('latin1');
    const end = text.endsWith('\r\n') ? text.length - 2 : text.length - 1;
    yield Buffer.from(`${text.slice(0, end)} ${payload(random, random.int(MIN_LONG, MAX_LONG))}${text.slice(end)}`, 'latin1');
  }
}
