// Unwrapping Kubernetes node logs: CRI lines (containerd, CRI-O) and Docker json-file lines, as the
// runtimes document and write them.
import { unwrapContainerLine, unwrapped } from '../src/formats/container-lines';

function unwrap(line: string): { inner: string; timeMs: number; wrapper: string; partial: boolean } | null {
  // Bytes around the line show a read past its end.
  const buf = Buffer.from(`xx${line}yy`);
  if (!unwrapContainerLine(buf, 2, buf.length - 2)) return null;
  return { inner: unwrapped.buf.toString('utf8', unwrapped.start, unwrapped.end), timeMs: unwrapped.timeMs, wrapper: unwrapped.wrapper, partial: unwrapped.partial };
}

const T = Date.UTC(2024, 0, 24, 10, 15, 32, 123);

describe('CRI', () => {
  it('unwraps a full line with nanosecond time, keeping the inner bytes as they are', () => {
    expect(unwrap('2024-01-24T10:15:32.123456789Z stdout F 2024-01-24 10:15:32,001 INFO [main] started')).toStrictEqual({
      inner: '2024-01-24 10:15:32,001 INFO [main] started',
      timeMs: T,
      wrapper: 'cri',
      partial: false,
    });
  });

  it('marks a partial piece, reads stderr, and unwraps an empty line', () => {
    expect(unwrap('2024-01-24T10:15:32.123Z stderr P {"level":"error","msg":"part')).toStrictEqual({ inner: '{"level":"error","msg":"part', timeMs: T, wrapper: 'cri', partial: true });
    expect(unwrap('2024-01-24T10:15:32.123+00:00 stdout F')).toStrictEqual({ inner: '', timeMs: T, wrapper: 'cri', partial: false });
  });

  it('leaves lines that only look similar alone', () => {
    expect(unwrap('2024-01-24 10:15:32.123 stdout F x')).toBeNull(); // no T: an application's own time
    expect(unwrap('2024-01-24T10:15:32.123Z stdin F x')).toBeNull();
    expect(unwrap('2024-01-24T10:15:32.123Z stdout X x')).toBeNull();
    expect(unwrap('2024-01-24T10:15:32.123Z stdout Fx')).toBeNull();
    expect(unwrap('2024-01-24T10:15:32.123Z INFO stdout F started')).toBeNull();
  });
});

describe('Docker json-file', () => {
  it('decodes the log field, drops its newline, and reads the driver\'s time', () => {
    expect(unwrap('{"log":"GET /x \\"quoted\\" \\u00e9\\u001b[0m\\ud83d\\ude00 tab\\there\\n","stream":"stdout","time":"2024-01-24T10:15:32.123456789Z"}')).toStrictEqual({
      inner: 'GET /x "quoted" é\u001b[0m😀 tab\there',
      timeMs: T,
      wrapper: 'docker',
      partial: false,
    });
  });

  it('unwraps an inner JSON line so it can be parsed as JSON', () => {
    expect(unwrap('{"log":"{\\"level\\":\\"warn\\",\\"msg\\":\\"slow\\"}\\r\\n","stream":"stderr","time":"2024-01-24T10:15:32.123Z"}')?.inner).toBe('{"level":"warn","msg":"slow"}');
  });

  it('leaves JSON lines that are not the driver\'s alone', () => {
    expect(unwrap('{"log":"x"}')).toBeNull(); // no time
    expect(unwrap('{"level":"info","log":"x","time":"2024-01-24T10:15:32.123Z"}')).toBeNull();
    expect(unwrap('{"log":"unterminated,"time":"2024-01-24T10:15:32.123Z"')).toBeNull();
    expect(unwrap('{"log":"bad \\q escape","stream":"stdout","time":"2024-01-24T10:15:32.123Z"}')).toBeNull();
  });

  it('decodes an inner line longer than its first scratch buffer', () => {
    const long = 'a'.repeat(200_000);
    expect(unwrap(`{"log":"${long}\\n","stream":"stdout","time":"2024-01-24T10:15:32.123Z"}`)?.inner).toBe(long);
  });
});
