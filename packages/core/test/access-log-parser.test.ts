import { parseAccessLine } from '../src/formats/access-log-parser';
import { parseClfTime } from '../src/formats/clf-time';
import { ByteField, LineRecord } from '../src/formats/line-record';

interface AccessFields {
  format: string;
  client: string | null;
  time: string | null;
  method: string | null;
  path: string | null;
  status: number;
  bytesSent: number;
  userAgent: string | null;
  durationUs: number;
  isRequest: boolean;
}

function fieldsOf(rec: LineRecord): AccessFields {
  const text = (field: ByteField): string | null => (field.present ? rec.buf.toString('utf8', field.start, field.end) : null);
  return {
    format: rec.format,
    client: text(rec.client),
    time: Number.isNaN(rec.timeMs) ? null : new Date(rec.timeMs).toISOString(),
    method: text(rec.method),
    path: text(rec.path),
    status: rec.status,
    bytesSent: rec.bytesSent,
    userAgent: text(rec.userAgent),
    durationUs: rec.durationUs,
    isRequest: rec.isRequest,
  };
}

/** The record of one line, or null when the parser rejects it. */
function parse(line: string): AccessFields | null {
  const buf = Buffer.from(line, 'utf8');
  const rec = new LineRecord();
  rec.reset(buf);
  return parseAccessLine(buf, 0, buf.length, rec) ? fieldsOf(rec) : null;
}

const clf = (text: string): number => parseClfTime(Buffer.from(text, 'latin1'), 0, text.length);
const iso = (ms: number): string => new Date(ms).toISOString();

const TIME = '[10/Oct/2000:13:55:36 -0700]';
const TIME_ISO = '2000-10-10T20:55:36.000Z';

/** A combined line's fields with nothing optional: what most cases differ from. */
const COMBINED: AccessFields = {
  format: 'combined',
  client: '127.0.0.1',
  time: TIME_ISO,
  method: 'GET',
  path: '/apache_pb.gif',
  status: 200,
  bytesSent: 2326,
  userAgent: 'Mozilla/4.08 [en] (Win98; I ;Nav)',
  durationUs: -1,
  isRequest: true,
};

describe('parseClfTime', () => {
  it.each([
    ['10/Oct/2000:13:55:36 -0700', '2000-10-10T20:55:36.000Z'],
    ['10/Oct/2000:13:55:36 +0000', '2000-10-10T13:55:36.000Z'],
    ['10/Oct/2000:13:55:36 +0530', '2000-10-10T08:25:36.000Z'],
    ['10/Oct/2000:13:55:36 +05:30', '2000-10-10T08:25:36.000Z'],
    ['10/Oct/2000:13:55:36', '2000-10-10T13:55:36.000Z'],
    ['10/Oct/2000:13:55:36.123 +0000', '2000-10-10T13:55:36.123Z'],
    ['10/Oct/2000:13:55:36.5', '2000-10-10T13:55:36.500Z'],
    ['10/Oct/2000:13:55:36.123999 -0100', '2000-10-10T14:55:36.123Z'],
    ['01/Jan/2024:00:30:00 +0100', '2023-12-31T23:30:00.000Z'],
    ['29/Feb/2024:23:59:60 +0000', '2024-03-01T00:00:00.000Z'],
    ['10/OCT/2000:13:55:36 +0000', '2000-10-10T13:55:36.000Z'],
    ['10/oct/2000:13:55:36 +0000', '2000-10-10T13:55:36.000Z'],
  ])('reads %s as %s', (text, expected) => {
    expect(iso(clf(text))).toBe(expected);
  });

  it.each([
    [''],
    ['10/Oct/2000'],
    ['10/Oct/2000:13:55'],
    ['10/Foo/2000:13:55:36 +0000'],
    ['32/Oct/2000:13:55:36 +0000'],
    ['00/Oct/2000:13:55:36 +0000'],
    ['31/Apr/2000:13:55:36 +0000'],
    ['29/Feb/2023:13:55:36 +0000'],
    ['10/Oct/2000:24:00:00 +0000'],
    ['10/Oct/2000:13:60:00 +0000'],
    ['10/Oct/2000:13:55:61 +0000'],
    ['1/Oct/2000:13:55:36 +0000'],
    ['10-Oct-2000 13:55:36 +0000'],
    ['10/Oct/2000:13:55:36.'],
    ['10/Oct/2000:13:55:36 '],
    ['10/Oct/2000:13:55:36 +07'],
    ['10/Oct/2000:13:55:36 +2400'],
    ['10/Oct/2000:13:55:36 0700'],
    ['10/Oct/2000:13:55:36 +0000 x'],
    ['10/Oct/2000:13:55:36Z'],
  ])('rejects %j', (text) => {
    expect(clf(text)).toBeNaN();
  });

  it('keeps each time right when lines alternate between minutes and zones', () => {
    const texts = ['10/Oct/2000:13:55:36 -0700', '10/Oct/2000:13:56:01 +0000', '10/Oct/2000:13:55:59 +0200', '11/Oct/2000:13:55:36 -0700'];
    const expected = ['2000-10-10T20:55:36.000Z', '2000-10-10T13:56:01.000Z', '2000-10-10T11:55:59.000Z', '2000-10-11T20:55:36.000Z'];
    expect([...texts, ...texts].map((text) => iso(clf(text)))).toStrictEqual([...expected, ...expected]);
  });

  it('reads only the bytes between start and end', () => {
    const buf = Buffer.from('[10/Oct/2000:13:55:36 -0700] "GET /"');
    expect(iso(parseClfTime(buf, 1, 27))).toBe(TIME_ISO);
  });
});

describe('parseAccessLine', () => {
  it('reads every field of an Apache combined line', () => {
    expect(parse(`127.0.0.1 - frank ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://www.example.com/start.html" "Mozilla/4.08 [en] (Win98; I ;Nav)"`)).toStrictEqual(COMBINED);
  });

  it('reads a common line, which has no referer or user agent, as common', () => {
    expect(parse(`127.0.0.1 - frank ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326`)).toStrictEqual({ ...COMBINED, format: 'common', userAgent: null });
  });

  it('reads an nginx combined line with a trailing $request_time, cutting the query off the path', () => {
    const line = '203.0.113.9 - - [24/Jan/2024:10:15:32 +0000] "POST /api/v1/orders?id=7&x=%20 HTTP/1.1" 201 512 "https://shop.example/cart" "curl/8.4.0" 0.105';
    expect(parse(line)).toStrictEqual({
      format: 'combined',
      client: '203.0.113.9',
      time: '2024-01-24T10:15:32.000Z',
      method: 'POST',
      path: '/api/v1/orders',
      status: 201,
      bytesSent: 512,
      userAgent: 'curl/8.4.0',
      durationUs: 105_000,
      isRequest: true,
    });
  });

  it.each([
    ['2001:db8::1'],
    ['::1'],
    ['fe80::1ff:fe23:4567:890a%eth0'],
    ['proxy.internal.example.com'],
    ['unix:'],
  ])('takes the client %s as it is written', (client) => {
    expect(parse(`${client} - - ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326`)?.client).toBe(client);
  });

  it('reads a 499 (client closed the connection) with no bytes and no user agent', () => {
    expect(parse(`10.0.0.1 - - ${TIME} "GET /slow HTTP/1.1" 499 0 "-" "-" 30.001`)).toStrictEqual({
      ...COMBINED,
      client: '10.0.0.1',
      path: '/slow',
      status: 499,
      bytesSent: 0,
      userAgent: null,
      durationUs: 30_001_000,
    });
  });

  it("reads a byte count of '-' as -1 and an empty user agent as empty", () => {
    expect(parse(`10.0.0.1 - - ${TIME} "HEAD / HTTP/1.1" 304 - "-" ""`)).toStrictEqual({
      ...COMBINED,
      client: '10.0.0.1',
      method: 'HEAD',
      path: '/',
      status: 304,
      bytesSent: -1,
      userAgent: '',
    });
  });

  it('keeps the escaped quotes of an Apache user agent, raw', () => {
    const fields = parse(`127.0.0.1 - - ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326 "-" "Mozilla/5.0 \\"quoted\\" (X11)"`);
    expect(fields?.userAgent).toBe('Mozilla/5.0 \\"quoted\\" (X11)');
    expect(fields?.format).toBe('combined');
  });

  it('ends a quoted field at a quote after an escaped backslash', () => {
    const fields = parse(`127.0.0.1 - - ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326 "-" "agent\\\\" 0.25`);
    expect([fields?.userAgent, fields?.durationUs]).toStrictEqual(['agent\\\\', 250_000]);
  });

  it('keeps the \\x22 escapes of an nginx user agent, raw', () => {
    const fields = parse(`127.0.0.1 - - ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326 "-" "sqlmap \\x22 or 1=1 --\\x22"`);
    expect(fields?.userAgent).toBe('sqlmap \\x22 or 1=1 --\\x22');
  });

  it('reads a request with an escaped quote in its target', () => {
    const fields = parse(`127.0.0.1 - - ${TIME} "GET /search\\"q HTTP/1.1" 404 12 "-" "x"`);
    expect([fields?.method, fields?.path, fields?.status]).toStrictEqual(['GET', '/search\\"q', 404]);
  });

  it("counts a request of '-' as a request with no method or path", () => {
    expect(parse(`192.0.2.7 - - ${TIME} "-" 400 0 "-" "-"`)).toStrictEqual({
      ...COMBINED,
      client: '192.0.2.7',
      method: null,
      path: null,
      status: 400,
      bytesSent: 0,
      userAgent: null,
    });
  });

  it('counts a TLS handshake sent to a plain-HTTP port as a request with no method or path', () => {
    const fields = parse(`192.0.2.7 - - ${TIME} "\\x16\\x03\\x01\\x00\\xF7\\x01\\x00\\x00\\xF3\\x03\\x03" 400 157 "-" "-"`);
    expect([fields?.method, fields?.path, fields?.status, fields?.bytesSent, fields?.isRequest]).toStrictEqual([null, null, 400, 157, true]);
  });

  it.each([
    ['"GET"', null, null],
    ['"get / HTTP/1.1"', null, null],
    ['"GET "', null, null],
    ['"PROPFIND /dav/ HTTP/1.1"', 'PROPFIND', '/dav/'],
    ['"VERSION-CONTROL /dav/x HTTP/1.1"', 'VERSION-CONTROL', '/dav/x'],
    ['"GET /index.html"', 'GET', '/index.html'],
    ['"GET /a/b#frag HTTP/1.1"', 'GET', '/a/b'],
    ['"GET /?q=1 HTTP/1.1"', 'GET', '/'],
    ['"GET ?q=1 HTTP/1.1"', 'GET', null],
    ['"GET http://example.com/a/b?c=d HTTP/1.1"', 'GET', '/a/b'],
    ['"GET https://example.com HTTP/1.1"', 'GET', null],
    ['"CONNECT example.com:443 HTTP/1.1"', 'CONNECT', 'example.com:443'],
    ['"OPTIONS * HTTP/1.1"', 'OPTIONS', '*'],
  ])('reads the request %s as method %p and path %p', (request, method, path) => {
    const fields = parse(`127.0.0.1 - - ${TIME} ${request} 200 1`);
    expect([fields?.method, fields?.path, fields?.status]).toStrictEqual([method, path, 200]);
  });

  it('reads a request written without quotes', () => {
    expect(parse(`127.0.0.1 - frank ${TIME} GET /apache_pb.gif HTTP/1.0 200 2326 "-" "Mozilla/4.08 [en] (Win98; I ;Nav)"`)).toStrictEqual(COMBINED);
  });

  it.each([
    ['-', null, null],
    ['GET /apache_pb.gif', 'GET', '/apache_pb.gif'],
    ['GET /200 HTTP/1.0', 'GET', '/200'],
  ])('reads the unquoted request %s', (request, method, path) => {
    const fields = parse(`127.0.0.1 - - ${TIME} ${request} 404 0`);
    expect([fields?.format, fields?.method, fields?.path, fields?.status, fields?.bytesSent]).toStrictEqual(['common', method, path, 404, 0]);
  });

  it.each([
    ['[10/Oct/2000:13:55:36]', '2000-10-10T13:55:36.000Z'],
    ['[10/Oct/2000:13:55:36 +0000]', '2000-10-10T13:55:36.000Z'],
    ['[10/Oct/2000:13:55:36.123 +0000]', '2000-10-10T13:55:36.123Z'],
    ['[10/Oct/2000:13:55:36.123456]', '2000-10-10T13:55:36.123Z'],
    ['[10/Oct/2000:13:55:36 +0530]', '2000-10-10T08:25:36.000Z'],
  ])('reads the time %s as %s', (time, expected) => {
    expect(parse(`127.0.0.1 - - ${time} "GET / HTTP/1.1" 200 1`)?.time).toBe(expected);
  });

  it.each([
    ['0.105', 105_000],
    ['0', 0],
    ['12', 12_000_000],
    ['0.0004', 400],
    ['105ms', 105_000],
    ['0.105s', 105_000],
    ['250us', 250],
    ['rt=0.105', 105_000],
    ['rt=105ms', 105_000],
    ['rt="0.105"', 105_000],
    ['request_time=0.105', 105_000],
    ['response_time=0.105', 105_000],
    ['upstream_response_time=0.050', 50_000],
    ['urt=0.050', 50_000],
    ['urt="0.001, 0.002"', 2_000],
    ['urt=0.001, 0.003', 3_000],
    ['rt=0.105 uct="0.000" uht="0.050" urt="0.050"', 105_000],
    ['urt=0.050 rt=0.105', 105_000],
    ['0.2 rt=0.105', 105_000],
    ['urt=0.050 0.2', 200_000],
    ['0.105 0.100', 105_000],
    ['"198.51.100.1, 10.0.0.2" 0.105', 105_000],
    ['"-" 0.105', 105_000],
    ['- 0.105', 105_000],
    ['rt=- 0.105', 105_000],
    ['host=example.com 0.105', 105_000],
    ['rt=-', -1],
    ['-', -1],
    ['abc', -1],
    ['0.105x', -1],
    ['"0.105"', -1],
    ['"unterminated 0.105', -1],
  ])('reads the trailing %s as %d µs', (trailing, micros) => {
    const fields = parse(`127.0.0.1 - frank ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326 "-" "Mozilla/4.08 [en] (Win98; I ;Nav)" ${trailing}`);
    expect([fields?.format, fields?.durationUs]).toStrictEqual(['combined', micros]);
  });

  it('reads a response time after a common line', () => {
    expect(parse(`127.0.0.1 - frank ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326 rt=0.105`)).toStrictEqual({
      ...COMBINED,
      format: 'common',
      userAgent: null,
      durationUs: 105_000,
    });
  });

  it('reads a line with a referer but no user agent as common', () => {
    const fields = parse(`127.0.0.1 - frank ${TIME} "GET /apache_pb.gif HTTP/1.0" 200 2326 "http://example.com/" 0.5`);
    expect([fields?.format, fields?.userAgent, fields?.durationUs]).toStrictEqual(['common', null, 500_000]);
  });

  it('reads only the line between start and end, as the line reader passes it without its CRLF', () => {
    const text = `garbage\n127.0.0.1 - - ${TIME} "GET /a HTTP/1.1" 200 5 "-" "agent" 0.105\r\n10.0.0.1 - - ${TIME} "GET /b HTTP/1.1" 500 9\r\n`;
    const buf = Buffer.from(text);
    const start = text.indexOf('127.');
    const end = text.indexOf('\r\n');
    const rec = new LineRecord();
    rec.reset(buf);
    expect(parseAccessLine(buf, start, end, rec)).toBe(true);
    expect(fieldsOf(rec)).toStrictEqual({ ...COMBINED, path: '/a', bytesSent: 5, userAgent: 'agent', durationUs: 105_000 });
  });

  it('rejects a line whose closing quote is only in the next line of the buffer', () => {
    const text = `127.0.0.1 - - ${TIME} "GET /a HTTP/1.1\n" 200 5\n`;
    const buf = Buffer.from(text);
    const rec = new LineRecord();
    rec.reset(buf);
    expect(parseAccessLine(buf, 0, text.indexOf('\n'), rec)).toBe(false);
  });

  it('leaves nothing of a previous line in the reset record', () => {
    const rec = new LineRecord();
    const first = Buffer.from(`127.0.0.1 - - ${TIME} "GET /a HTTP/1.1" 200 5 "-" "agent" 0.105`);
    const second = Buffer.from(`10.0.0.1 - - ${TIME} "-" 400 -`);
    rec.reset(first);
    parseAccessLine(first, 0, first.length, rec);
    rec.reset(second);
    expect(parseAccessLine(second, 0, second.length, rec)).toBe(true);
    expect(fieldsOf(rec)).toStrictEqual({ ...COMBINED, format: 'common', client: '10.0.0.1', method: null, path: null, status: 400, bytesSent: -1, userAgent: null });
  });

  it.each([
    ['an empty line', ''],
    ['a JSON line', '{"time":"2024-01-24T10:15:32Z","status":200,"path":"/a"}'],
    ['an application log line', '2024-01-24 10:15:32.123 INFO [main] Request processed in 127ms'],
    ['an application log line with brackets', '2024-01-24 10:15:32 ERROR [worker-1] failed [10/Oct/2000:13:55:36 -0700]'],
    ['a logfmt line', 'time=2024-01-24T10:15:32Z level=info status=200 path=/a'],
    ['a syslog line', 'Jan 24 10:15:32 host nginx[123]: started'],
    ['a line cut inside the client', '127.0.0.1'],
    ['a line cut before the time', '127.0.0.1 - - '],
    ['a line cut inside the time', '127.0.0.1 - - [10/Oct/2000:13:55'],
    ['a line cut after the time', `127.0.0.1 - - ${TIME}`],
    ['a line cut inside the request', `127.0.0.1 - - ${TIME} "GET /apache_pb.gif HTT`],
    ['a line cut after the request', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0"`],
    ['a line cut after the status', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" 200`],
    ['a line cut after the status and a space', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" 200 `],
    ['an unquoted request with no status', `127.0.0.1 - - ${TIME} GET / HTTP/1.0`],
    ['a line with an empty client', ` - - ${TIME} "GET / HTTP/1.0" 200 1`],
    ['a line with two spaces after the client', `127.0.0.1  - - ${TIME} "GET / HTTP/1.0" 200 1`],
    ['a line with no user token', `127.0.0.1 - ${TIME} "GET / HTTP/1.0" 200 1`],
    ['a line with an impossible date', '127.0.0.1 - - [31/Apr/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 1'],
    ['a line with an unclosed time', '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700 "GET / HTTP/1.0" 200 1'],
    ['a line with no space after the time', `127.0.0.1 - - ${TIME}"GET / HTTP/1.0" 200 1`],
    ['a status of 600', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" 600 1`],
    ['a status of 099', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" 099 1`],
    ['a two-digit status', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" 20 1`],
    ['a four-digit status', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" 2000 1`],
    ['a status of letters', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" abc 1`],
    ['a byte count of letters', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" 200 12x`],
    ['a negative byte count', `127.0.0.1 - - ${TIME} "GET / HTTP/1.0" 200 -5`],
  ])('rejects %s', (_name, line) => {
    expect(parse(line)).toBeNull();
  });
});
