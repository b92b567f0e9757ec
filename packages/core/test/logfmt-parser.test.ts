import { parseLogfmtLine } from '../src/formats/logfmt-parser';
import { absentFields, Fields, parserBetween } from './record-fields';

const ABSENT: Fields = absentFields('logfmt');

// The line sits between bytes that would complete a truncated line, so reading past `end` shows.
const parse = parserBetween(parseLogfmtLine, 'a=1 b=2\n', '" x=1\nc=3 d=4');

describe('logfmt lines', () => {
  it('reads a request line with bare and quoted values', () => {
    const line = 'msg="request done" status=200 duration=127ms path=/api method=GET time=2024-01-24T10:15:32Z level=info';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.000Z',
      level: 'info',
      status: 200,
      method: 'GET',
      path: '/api',
      message: 'request done',
      durationUs: 127_000,
      isRequest: true,
    });
  });

  it('reads a quoted value holding escaped quotes and spaces, marked escaped', () => {
    const line = 'level=error msg="user said \\"hi there\\"" err="a b" ua="curl/8.0 \\\\ x" client_ip=10.0.0.1';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      level: 'error',
      client: '10.0.0.1',
      userAgent: 'curl/8.0 \\\\ x',
      message: 'user said \\"hi there\\"',
      escaped: ['userAgent', 'message'],
    });
  });

  it('reads a quoted request into method and path, dropping the query', () => {
    expect(parse('request="GET /search?q=a+b HTTP/1.1" status=404 bytes=12 request_time=0.004')).toStrictEqual({
      ...ABSENT,
      status: 404,
      method: 'GET',
      path: '/search',
      bytesSent: 12,
      durationUs: 4_000,
      isRequest: true,
    });
  });

  it('keeps = inside a bare value', () => {
    expect(parse('path=/search?q=a=b status=200')).toStrictEqual({ ...ABSENT, status: 200, path: '/search', isRequest: true });
  });

  it('reads keys holding dots, @ and dashes', () => {
    expect(parse('log.level=warn @timestamp=2024-01-24T10:15:32.250Z x-request-id=abc')).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.250Z',
      level: 'warn',
    });
  });

  it('names a pino level number', () => {
    expect(parse('level=50 msg=boom')).toStrictEqual({ ...ABSENT, levelName: 'ERROR', message: 'boom' });
  });

  it('reads epoch seconds and access-log times', () => {
    expect(parse('ts=1706091332 msg=a')).toStrictEqual({ ...ABSENT, time: '2024-01-24T10:15:32.000Z', message: 'a' });
    expect(parse('time="10/Oct/2000:13:55:36 -0700" msg=a')).toStrictEqual({ ...ABSENT, time: '2000-10-10T20:55:36.000Z', message: 'a' });
  });

  it('reads raw UTF-8 values unescaped', () => {
    expect(parse('msg="héllo wörld ✓" path=/café')).toStrictEqual({ ...ABSENT, path: '/café', message: 'héllo wörld ✓' });
  });

  it('treats empty values and - as absent, leaving the field to a later alias', () => {
    expect(parse('ua= msg="" status=- status_code=201 duration=- latency="0.5s"')).toStrictEqual({
      ...ABSENT,
      status: 201,
      durationUs: 500_000,
      isRequest: true,
    });
  });

  it('tolerates runs of spaces between, before and after pairs', () => {
    expect(parse('  status=201    msg="a  b"   ')).toStrictEqual({ ...ABSENT, status: 201, message: 'a  b', isRequest: true });
  });

  it('reads a line with no recognised key as a non-request logfmt line', () => {
    expect(parse('foo=bar baz=1')).toStrictEqual(ABSENT);
  });
});

describe('lines that are not logfmt', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['plain text', 'hello world'],
    ['an application log line', '2024-01-24 10:15:32 INFO Request processed in 127ms'],
    ['an access-log line', '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a?b=c HTTP/1.0" 200 2326'],
    ['a JSON line', '{"msg":"a","status":200}'],
    ['a single pair', 'status=200'],
    ['a trailing bare word', 'status=200 path=/x done'],
    ['a leading bare word', 'done status=200 path=/x'],
    ['text after a pair', 'msg=hello world status=200'],
    ['an unterminated quote', 'msg="abc status=200'],
    ['a value ending in an escaped quote', 'status=200 msg="abc\\"'],
    ['junk after a closing quote', 'msg="a"b status=200'],
    ['a pair glued to a closing quote', 'msg="a"b=1 status=200'],
    ['a quote inside a bare value', 'a=b"c status=200'],
    ['a key with a disallowed byte', 'st#atus=200 a=1'],
    ['an empty key', '=value a=1'],
    ['a space before =', 'status =200 a=1'],
  ])('rejects %s', (_name, line) => {
    expect(parse(line)).toBeNull();
  });
});
