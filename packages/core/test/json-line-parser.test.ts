import { FIELD_ALIASES, lookupFieldAlias } from '../src/formats/field-names';
import { parseJsonLine } from '../src/formats/json-line-parser';
import { LineRecord } from '../src/formats/line-record';
import { absentFields, Fields, parserBetween } from './record-fields';

const ABSENT: Fields = absentFields('json');

// The line sits between bytes that would complete a truncated line, so reading past `end` shows.
const parse = parserBetween(parseJsonLine, '{"before":1}\n', '"}]}\n{"after":2}');

describe('the key table', () => {
  const lookup = (key: string) => {
    const buf = Buffer.from(`"${key}"`);
    return lookupFieldAlias(buf, 1, buf.length - 1);
  };

  it('finds every alias by its exact bytes', () => {
    expect(FIELD_ALIASES.filter((alias) => lookup(alias.name) !== alias)).toStrictEqual([]);
  });

  it('lists no key twice', () => {
    const names = FIELD_ALIASES.map((alias) => alias.name);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toStrictEqual([]);
  });

  it.each(['Status', 'STATUS', 'statu', 'statuss', 'status ', '', 'x', 'upstream_response_times'])('does not match %j', (key) => {
    expect(lookup(key)).toBeNull();
  });
});

describe('nginx escape=json lines', () => {
  it('reads every field of an nginx request line, splitting the request into method and path', () => {
    const line =
      '{"time":"2024-01-24T10:15:32+00:00","remote_addr":"2001:db8::1","request":"GET /api/users?id=1 HTTP/1.1",' +
      '"status":"499","body_bytes_sent":"0","request_time":"0.105","http_user_agent":"Mozilla/5.0 \\"quoted\\""}';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.000Z',
      status: 499,
      method: 'GET',
      path: '/api/users',
      client: '2001:db8::1',
      userAgent: 'Mozilla/5.0 \\"quoted\\"',
      bytesSent: 0,
      durationUs: 105_000,
      isRequest: true,
      escaped: ['userAgent'],
    });
  });

  it('reads time_local in access-log form, applying its zone', () => {
    const line =
      '{"time_local":"10/Oct/2000:13:55:36 -0700","request_method":"POST","request_uri":"/login?next=/home",' +
      '"status":"302","bytes_sent":"512","request_time":"0.000","upstream_response_time":"-"}';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      time: '2000-10-10T20:55:36.000Z',
      status: 302,
      method: 'POST',
      path: '/login',
      bytesSent: 512,
      durationUs: 0,
      isRequest: true,
    });
  });

  it('falls back to upstream_response_time when request_time is "-"', () => {
    expect(parse('{"request_time":"-","upstream_response_time":"0.002","status":200}')).toStrictEqual({
      ...ABSENT,
      status: 200,
      durationUs: 2_000,
      isRequest: true,
    });
  });
});

describe('logger lines', () => {
  it('reads a pino-http line: numeric level, epoch-ms time, responseTime, and the nested req and res', () => {
    const line =
      '{"level":30,"time":1706091332123,"pid":7,"hostname":"web-1","req":{"id":1,"method":"GET","url":"/api/users?x=1","query":{},' +
      '"headers":{"host":"localhost:3000","user-agent":"curl/8.5.0"},"remoteAddress":"::1","remotePort":51234},' +
      '"res":{"statusCode":404,"headers":{"content-type":"text/plain"}},"responseTime":12,"msg":"request completed"}';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.123Z',
      levelName: 'INFO',
      status: 404,
      method: 'GET',
      path: '/api/users',
      client: '::1',
      userAgent: 'curl/8.5.0',
      message: 'request completed',
      durationUs: 12_000,
      isRequest: true,
    });
  });

  it('reads an Elastic Common Schema line: nested http, url, event.duration in nanoseconds, log.level as an object path', () => {
    const line =
      '{"@timestamp":"2024-01-24T10:15:32.123Z","log":{"level":"warn","logger":"app"},"message":"slow",' +
      '"http":{"request":{"method":"POST"},"response":{"status_code":503,"body":{"bytes":1234}}},' +
      '"url":{"path":"/api/orders","original":"/api/orders?id=1"},"event":{"duration":2500000,"kind":"event"},' +
      '"client":{"ip":"10.0.0.7"},"user_agent":{"original":"Mozilla/5.0"}}';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.123Z',
      level: 'warn',
      status: 503,
      method: 'POST',
      path: '/api/orders',
      client: '10.0.0.7',
      userAgent: 'Mozilla/5.0',
      bytesSent: 1234,
      message: 'slow',
      durationUs: 2500,
      isRequest: true,
    });
  });

  it('reads zap\'s float-second ts and latency', () => {
    const line = '{"level":"info","ts":1706091332.1234567,"caller":"server/http.go:42","msg":"served","status":200,"latency":0.0125}';
    expect(parse(line)).toStrictEqual({ ...ABSENT, time: '2024-01-24T10:15:32.123Z', level: 'info', status: 200, message: 'served', durationUs: 12_500, isRequest: true });
  });

  it('keeps a bare-number latency in milliseconds when ts is not a float', () => {
    expect(parse('{"ts":1706091332123,"latency":12}')).toStrictEqual({ ...ABSENT, time: '2024-01-24T10:15:32.123Z', durationUs: 12_000, isRequest: true });
  });

  it.each([
    [10, 'TRACE'],
    [20, 'DEBUG'],
    [30, 'INFO'],
    [40, 'WARN'],
    [50, 'ERROR'],
    [60, 'FATAL'],
  ])('names pino level %d %s', (level, name) => {
    expect(parse(`{"level":${level}}`)).toStrictEqual({ ...ABSENT, levelName: name });
  });

  it('leaves a level number pino does not define absent', () => {
    expect(parse('{"level":35,"msg":"custom"}')).toStrictEqual({ ...ABSENT, message: 'custom' });
  });

  it('reads a bunyan line with an ISO time', () => {
    const line = '{"name":"app","hostname":"h","pid":1,"level":50,"msg":"boom","time":"2024-01-24T10:15:32.123Z","v":0}';
    expect(parse(line)).toStrictEqual({ ...ABSENT, time: '2024-01-24T10:15:32.123Z', levelName: 'ERROR', message: 'boom' });
  });

  it('reads a zap line: epoch-seconds ts with a fraction, text duration with a unit', () => {
    const line = '{"level":"info","ts":1706091332.5,"caller":"main.go:12","msg":"served","status":200,"latency":"1.5s"}';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.500Z',
      level: 'info',
      status: 200,
      message: 'served',
      durationUs: 1_500_000,
      isRequest: true,
    });
  });

  it('reads a logrus line with a level name in any case and a numeric took', () => {
    const line = '{"level":"Warning","msg":"slow query","time":"2024-01-24T10:15:32Z","took":250}';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.000Z',
      level: 'Warning',
      message: 'slow query',
      durationUs: 250_000,
      isRequest: true,
    });
  });

  it('reads ECS keys @timestamp and log.level', () => {
    expect(parse('{"@timestamp":"2024-01-24T10:15:32.250Z","log.level":"error","message":"down"}')).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.250Z',
      level: 'error',
      message: 'down',
    });
  });
});

describe('nested values', () => {
  it('reads a recognised key only on a field path: inside req, not inside any other object', () => {
    expect(parse('{"req":{"url":"/nested"},"msg":"x"}')).toStrictEqual({ ...ABSENT, path: '/nested', message: 'x' });
    expect(parse('{"ctx":{"url":"/nested","status":500},"msg":"x"}')).toStrictEqual({ ...ABSENT, message: 'x' });
    expect(parse('{"req":{"ctx":{"url":"/deeper"}},"msg":"x"}')).toStrictEqual({ ...ABSENT, message: 'x' });
  });

  it('lets the first usable value win between a flat and a nested alias, in line order', () => {
    expect(parse('{"status":201,"res":{"statusCode":404}}')).toStrictEqual({ ...ABSENT, status: 201, isRequest: true });
    expect(parse('{"res":{"statusCode":404},"status":201}')).toStrictEqual({ ...ABSENT, status: 404, isRequest: true });
  });

  it('rejects a malformed object on a field path as it rejects any malformed line', () => {
    for (const line of ['{"req":{"url":"/x",}}', '{"req":{"url" "/x"}}', '{"req":{"url":"/x"}', '{"req":{"url":"/x"]}']) {
      const buf = Buffer.from(line);
      expect([line, parseJsonLine(buf, 0, buf.length, new LineRecord())]).toStrictEqual([line, false]);
    }
  });

  it('skips brackets and quotes inside nested strings', () => {
    const line = '{"tags":["a]","{b","c\\"]"],"ctx":{"s":"}","deep":[[{"t":[]}]]},"path":"/real"}';
    expect(parse(line)).toStrictEqual({ ...ABSENT, path: '/real' });
  });

  it('ignores an object, or an array of anything but strings first, given for a recognised key', () => {
    expect(parse('{"err":{"message":"inner"},"message":"outer","status":[200]}')).toStrictEqual({ ...ABSENT, message: 'outer' });
    expect(parse('{"msg":[],"path":[null,"/no"],"ua":[["nested"]]}')).toStrictEqual({ ...ABSENT });
  });

  it("reads an array's first string for a recognised key, as Go's http.Header holds a header's values", () => {
    const caddy = '{"request":{"uri":"/x","headers":{"Accept":["*/*"],"User-Agent":[ "curl/8.5.0" , "second"]}},"status":200}';
    expect(parse(caddy)).toStrictEqual({ ...ABSENT, path: '/x', userAgent: 'curl/8.5.0', status: 200, isRequest: true });
    // An escaped first string is marked as such; the array must still be well formed to the end.
    expect(parse('{"msg":["a\\"b]","c"]}')).toStrictEqual({ ...ABSENT, message: 'a\\"b]', escaped: ['message'] });
    for (const line of ['{"msg":["a",]x}', '{"msg":["a"}', '{"msg":["a"']) {
      const buf = Buffer.from(line);
      expect([line, parseJsonLine(buf, 0, buf.length, new LineRecord())]).toStrictEqual([line, false]);
    }
  });
});

describe('strings', () => {
  it('marks a string holding an escape and returns its raw bytes', () => {
    expect(parse('{"msg":"line\\nbreak \\u00e9","path":"\\/api\\/x?y=\\"1\\""}')).toStrictEqual({
      ...ABSENT,
      message: 'line\\nbreak \\u00e9',
      path: '\\/api\\/x',
      escaped: ['path', 'message'],
    });
  });

  it('does not mark the path escaped when only its query held escapes', () => {
    expect(parse('{"path":"/a?q=\\"x\\""}')).toStrictEqual({ ...ABSENT, path: '/a' });
  });

  it('reads raw UTF-8 text unescaped, with byte offsets', () => {
    expect(parse('{"msg":"héllo wörld ✓ 😀","path":"/café","ua":"Navigateur/1.0 (français)"}')).toStrictEqual({
      ...ABSENT,
      message: 'héllo wörld ✓ 😀',
      path: '/café',
      userAgent: 'Navigateur/1.0 (français)',
    });
  });

  it('does not recognise a key written with escapes', () => {
    expect(parse('{"st\\u0061tus":200,"msg":"ok"}')).toStrictEqual({ ...ABSENT, message: 'ok' });
  });

  it('ignores numbers and literals given for text fields', () => {
    expect(parse('{"client":12345,"method":true,"msg":null,"path":"/p"}')).toStrictEqual({ ...ABSENT, path: '/p' });
  });
});

describe('field rules', () => {
  it.each([
    ['duration_ms', '12.5', 12_500],
    ['duration', '"1.5s"', 1_500_000],
    ['latency', '"250us"', 250],
    ['latency', '"250µs"', 250],
    ['elapsed', '7', 7_000],
    ['took', '"127ms"', 127_000],
    ['latency_ms', '"8"', 8_000],
    ['elapsed_ms', '0.25', 250],
    ['response_time_ms', '40', 40_000],
    ['response_time', '3', 3_000],
    ['response_time', '"0.5s"', 500_000],
    ['request_time', '0.105', 105_000],
    ['request_time', '"2"', 2_000_000],
    ['upstream_response_time', '"0.010"', 10_000],
    ['upstream_response_time', '"0.001, 0.002"', 2_000],
    ['upstream_response_time', '"0.001 : 0.003"', 3_000],
    ['duration_us', '42', 42],
    ['duration_ns', '1500000', 1_500],
    ['duration', '0', 0],
  ])('reads %s: %s as %d microseconds', (key, value, micros) => {
    expect(parse(`{"${key}":${value}}`)).toStrictEqual({ ...ABSENT, durationUs: micros, isRequest: true });
  });

  it.each(['null', '"-"', '""', '"fast"', '-5', '1e3', '"12 parsecs"', 'true'])('treats duration %s as absent', (value) => {
    expect(parse(`{"duration":${value}}`)).toStrictEqual(ABSENT);
  });

  it.each([
    ['200', 200],
    ['"404"', 404],
    ['599', 599],
    ['"2000"', 0],
    ['99', 0],
    ['200.0', 0],
    ['"abc"', 0],
    ['"-"', 0],
    ['-200', 0],
  ])('reads status %s as %d', (value, status) => {
    expect(parse(`{"status":${value}}`)).toStrictEqual({ ...ABSENT, status, isRequest: status > 0 });
  });

  it.each([
    ['0', 0],
    ['"1024"', 1024],
    ['"-"', -1],
    ['1.5', -1],
    ['-3', -1],
  ])('reads bytes %s as %d', (value, bytes) => {
    expect(parse(`{"bytes":${value}}`)).toStrictEqual({ ...ABSENT, bytesSent: bytes });
  });

  it.each([
    ['1706091332', '2024-01-24T10:15:32.000Z'],
    ['1706091332123', '2024-01-24T10:15:32.123Z'],
    ['"1706091332"', '2024-01-24T10:15:32.000Z'],
    ['"2024-01-24 10:15:32.5"', '2024-01-24T10:15:32.500Z'],
    ['"2024-01-24T12:15:32+02:00"', '2024-01-24T10:15:32.000Z'],
  ])('reads time %s', (value, iso) => {
    expect(parse(`{"time":${value}}`)).toStrictEqual({ ...ABSENT, time: iso });
  });

  it.each(['12345', '"yesterday"', '"2024-01-24T10:15:32Z and more"', '"2024-13-01T00:00:00Z"', 'true'])('leaves time %s absent', (value) => {
    expect(parse(`{"time":${value}}`)).toStrictEqual(ABSENT);
  });

  it('lets the first alias with a usable value win', () => {
    const line =
      '{"status":"-","status_code":404,"statusCode":500,"msg":"first","message":"second",' +
      '"time":"soon","ts":1706091332,"timestamp":1000,"duration":"","latency_ms":5,"took":9}';
    expect(parse(line)).toStrictEqual({
      ...ABSENT,
      time: '2024-01-24T10:15:32.000Z',
      status: 404,
      message: 'first',
      durationUs: 5_000,
      isRequest: true,
    });
  });

  it('keeps an explicit method and path over those in request', () => {
    expect(parse('{"path":"/explicit","request":"DELETE /from-request HTTP/1.1"}')).toStrictEqual({
      ...ABSENT,
      method: 'DELETE',
      path: '/explicit',
    });
  });

  it.each([
    ['"-"', null, null],
    ['"\\u0016\\u0003\\u0001"', null, null],
    ['"get /lower HTTP/1.1"', null, null],
    ['"GET /"', 'GET', '/'],
    ['"OPTIONS * HTTP/1.1"', 'OPTIONS', '*'],
    ['"M-SEARCH * HTTP/1.1"', 'M-SEARCH', '*'],
  ])('reads request %s as method %s and path %s', (value, method, path) => {
    expect(parse(`{"request":${value}}`)).toStrictEqual({ ...ABSENT, method, path });
  });

  it.each([
    ['https://example.com/a/b?c=1', '/a/b'],
    ['http://example.com:8080/x', '/x'],
    ['https://example.com', null],
    ['https://example.com?q=1', null],
    ['/only?', '/only'],
    ['/page#section', '/page'],
    ['?q=1', null],
    ['httpbin/path', 'httpbin/path'],
  ])('reads url %s as path %s', (url, path) => {
    expect(parse(`{"url":"${url}"}`)).toStrictEqual({ ...ABSENT, path });
  });

  it('reads a line with no recognised field as a non-request json line', () => {
    expect(parse('{"foo":"bar","n":1,"ok":false,"list":[]}')).toStrictEqual(ABSENT);
  });

  it('accepts an empty object and whitespace around every token', () => {
    expect(parse('{}')).toStrictEqual(ABSENT);
    expect(parse(' \t{ "status" : 200 ,\t"msg" : "ok" }  ')).toStrictEqual({ ...ABSENT, status: 200, message: 'ok', isRequest: true });
  });
});

describe('malformed lines', () => {
  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['an array', '[1,2]'],
    ['a string', '"msg"'],
    ['plain text', 'hello {"a":1}'],
    ['an unterminated string', '{"msg":"abc'],
    ['an unterminated key', '{"ms'],
    ['a string whose closing quote is escaped', '{"msg":"abc\\"}'],
    ['a missing closing brace', '{"msg":"abc"'],
    ['a dangling comma', '{"msg":"abc",'],
    ['a trailing comma', '{"a":1,}'],
    ['a missing colon', '{"a" 1}'],
    ['a missing comma', '{"a":"b" "c":1}'],
    ['an unquoted key', '{a:1}'],
    ['a missing value', '{"a":}'],
    ['a misspelt literal', '{"a":tru}'],
    ['a truncated literal', '{"a":nul'],
    ['a leading zero', '{"a":01}'],
    ['a bare fraction', '{"a":.5}'],
    ['a dangling decimal point', '{"a":1.}'],
    ['a dangling exponent', '{"a":1e}'],
    ['junk after a number', '{"a":12x}'],
    ['trailing junk', '{"a":1} x'],
    ['an extra closing brace', '{"a":1}}'],
    ['two objects', '{"a":1}{"b":2}'],
    ['an unterminated nested object', '{"a":{"b":1}'],
    ['mismatched nested brackets', '{"a":{"b":[1,2}]}'],
    ['a nested string left open', '{"a":["x]}'],
  ])('rejects %s', (_name, line) => {
    expect(parse(line)).toBeNull();
  });

  it('accepts nesting deeper than the bracket-matching stack', () => {
    const depth = 300;
    expect(parse(`{"deep":${'['.repeat(depth)}${']'.repeat(depth)},"msg":"ok"}`)).toStrictEqual({ ...ABSENT, message: 'ok' });
    expect(parse(`{"deep":${'['.repeat(depth)}${']'.repeat(depth - 1)},"msg":"ok"}`)).toBeNull();
  });
});
