import { parseAccessLine } from '../src/formats/access-log-parser';
import { ByteField, LineParser, LineRecord } from '../src/formats/line-record';
import { compileNginxLogFormat } from '../src/formats/nginx-log-format';
import { AnalyzerError } from '../src/errors';
import { thrownBy } from './helpers';

interface RecordFields {
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

function fieldsOf(rec: LineRecord): RecordFields {
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
function parseWith(parser: LineParser, line: string): RecordFields | null {
  const buf = Buffer.from(line, 'utf8');
  const rec = new LineRecord();
  rec.reset(buf);
  return parser(buf, 0, buf.length, rec) ? fieldsOf(rec) : null;
}

const parse = (format: string, line: string): RecordFields | null => parseWith(compileNginxLogFormat(format), line);

/** nginx's `combined` with $request_time appended, as nginx.conf writes it. */
const COMBINED_WITH_TIME = `'$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time'`;
const NGINX_LINE = '203.0.113.9 - alice [24/Jan/2024:10:15:32 +0100] "POST /api/v1/orders?id=7 HTTP/1.1" 201 512 "https://shop.example/cart" "Mozilla/5.0 (X11; Linux x86_64) \\x22quoted\\x22" 0.105';

/** The fields of NGINX_LINE; cases below differ from it. */
const NGINX_FIELDS: RecordFields = {
  format: 'custom',
  client: '203.0.113.9',
  time: '2024-01-24T09:15:32.000Z',
  method: 'POST',
  path: '/api/v1/orders',
  status: 201,
  bytesSent: 512,
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64) \\x22quoted\\x22',
  durationUs: 105_000,
  isRequest: true,
};

function invalidArgument(format: string): { code: string; message: string } {
  const err = thrownBy(() => compileNginxLogFormat(format));
  expect(err).toBeInstanceOf(AnalyzerError);
  const { code, message } = err as AnalyzerError;
  return { code, message };
}

describe('compileNginxLogFormat', () => {
  it('reads every field of a combined line with $request_time', () => {
    expect(parse(COMBINED_WITH_TIME, NGINX_LINE)).toStrictEqual(NGINX_FIELDS);
  });

  it('gives the same fields as parseAccessLine for an nginx combined line with $request_time', () => {
    const compiled = parseWith(compileNginxLogFormat(COMBINED_WITH_TIME), NGINX_LINE);
    const detected = parseWith(parseAccessLine, NGINX_LINE);
    expect(detected).toStrictEqual({ ...NGINX_FIELDS, format: 'combined' });
    expect(compiled).toStrictEqual({ ...detected, format: 'custom' });
  });

  it('accepts the format without its single quotes', () => {
    expect(parse(COMBINED_WITH_TIME.slice(1, -1), NGINX_LINE)).toStrictEqual(NGINX_FIELDS);
  });

  it('joins the single-quoted strings of a format split over lines as in nginx.conf', () => {
    const format = `'$remote_addr - $remote_user [$time_local] '\n    '"$request" $status $body_bytes_sent '\n    '"$http_referer" "$http_user_agent" $request_time'`;
    expect(parse(format, NGINX_LINE)).toStrictEqual(NGINX_FIELDS);
  });

  it('reads ${name} braces like $name', () => {
    const format = '${remote_addr} - ${remote_user} [${time_local}] "${request}" ${status} ${body_bytes_sent} "${http_referer}" "${http_user_agent}" ${request_time}';
    expect(parse(format, NGINX_LINE)).toStrictEqual(NGINX_FIELDS);
  });

  it('reads a braced variable followed directly by letters', () => {
    expect(parse('${status}xx${body_bytes_sent}ms', '404xx17ms')).toStrictEqual({ ...nothingSet(), status: 404, bytesSent: 17 });
  });

  it('keeps a $ that starts no variable as a literal', () => {
    expect(parse('$ $status $', '$ 200 $')?.status).toBe(200);
    expect(parse('$ $status $', '# 200 $')).toBeNull();
  });

  it('matches and ignores variables it does not know', () => {
    const format = '$host $remote_addr "$http_x_forwarded_for" $request_length $status $connection';
    expect(parse(format, 'api.example.com 10.0.0.1 "198.51.100.1, 10.0.0.2" 734 503 99')).toStrictEqual({ ...nothingSet(), client: '10.0.0.1', status: 503 });
  });

  it('reads a quoted value up to its closing unescaped quote, escaped quotes and spaces included', () => {
    const fields = parse('"$http_user_agent" $status', '"Mozilla \\"5.0\\" \\\\" 200');
    expect([fields?.userAgent, fields?.status]).toStrictEqual(['Mozilla \\"5.0\\" \\\\', 200]);
  });

  it("leaves a '-' client, user agent, method and path absent, and reads '-' bytes as -1", () => {
    const format = '$remote_addr $request_method $request_uri $body_bytes_sent "$http_user_agent" $status';
    expect(parse(format, '- - - - "-" 400')).toStrictEqual({ ...nothingSet(), status: 400 });
  });

  it("counts a request of '-' or garbage as a request with no method or path", () => {
    const format = '"$request" $status';
    expect(parse(format, '"-" 400')).toStrictEqual({ ...nothingSet(), status: 400 });
    expect(parse(format, '"\\x16\\x03\\x01\\x00" 400')).toStrictEqual({ ...nothingSet(), status: 400 });
  });

  it('takes method and path from $request_method and $request_uri over $request, wherever they are', () => {
    const fields = parse('$request_uri "$request" $request_method $status', '/real?x=1 "GET /from-request HTTP/1.1" PATCH 200');
    expect([fields?.method, fields?.path]).toStrictEqual(['PATCH', '/real']);
  });

  it('takes the path from $request_uri over $uri, and from $uri when it is the only one', () => {
    expect(parse('$uri $request_uri $status', '/rewritten /original?q 200')?.path).toBe('/original');
    expect(parse('$request_method $uri $status', 'GET /index.html 200')).toStrictEqual({ ...nothingSet(), method: 'GET', path: '/index.html', status: 200 });
  });

  it('takes the method from $request and the path from $request_uri when there is no $request_method', () => {
    const fields = parse('"$request" $request_uri $status', '"GET /a?b HTTP/1.1" http://example.com/proxied?c 200');
    expect([fields?.method, fields?.path]).toStrictEqual(['GET', '/proxied']);
  });

  it('prefers $body_bytes_sent to $bytes_sent', () => {
    expect(parse('$bytes_sent $body_bytes_sent $status', '700 512 200')?.bytesSent).toBe(512);
    expect(parse('$bytes_sent $status', '700 200')?.bytesSent).toBe(700);
  });

  it('reads a variable named twice from its first occurrence', () => {
    expect(parse('$status $status', '200 500')?.status).toBe(200);
  });

  it.each([
    ['[$time_local]', '[10/Oct/2000:13:55:36 -0700]', '2000-10-10T20:55:36.000Z'],
    ['[$time_local]', '[10/Oct/2000:13:55:36]', '2000-10-10T13:55:36.000Z'],
    ['[$time_local]', '[10/Oct/2000:13:55:36.123 +0000]', '2000-10-10T13:55:36.123Z'],
    ['$time_local', '10/Oct/2000:13:55:36 -0700', '2000-10-10T20:55:36.000Z'],
    ['$msec', '1706091332.123', '2024-01-24T10:15:32.123Z'],
    ['$msec', '1706091332', '2024-01-24T10:15:32.000Z'],
    ['$msec', '1706091332.5', '2024-01-24T10:15:32.500Z'],
    ['$msec', '1706091332.123999', '2024-01-24T10:15:32.123Z'],
    ['$time_iso8601', '2024-01-24T10:15:32+01:00', '2024-01-24T09:15:32.000Z'],
    ['$time_iso8601', '2024-01-24T10:15:32Z', '2024-01-24T10:15:32.000Z'],
  ])('reads %s %s as %s', (timeFormat, time, expected) => {
    expect(parse(`${timeFormat} $status`, `${time} 200`)?.time).toBe(expected);
  });

  it('reads an unbracketed $time_local whose zone follows a space, before a space-separated field', () => {
    expect(parse('$time_local $remote_addr - $status', '10/Oct/2000:13:55:36 -0700 10.0.0.1 - 200')).toStrictEqual({
      ...nothingSet(),
      client: '10.0.0.1',
      time: '2000-10-10T20:55:36.000Z',
      status: 200,
    });
  });

  it('prefers $msec to $time_local for the time, having milliseconds', () => {
    expect(parse('[$time_local] $msec $status', '[10/Oct/2000:13:55:36 +0000] 971186136.789 200')?.time).toBe('2000-10-10T13:55:36.789Z');
  });

  it.each([
    ['$request_time', '0.105', 105_000],
    ['$request_time', '12', 12_000_000],
    ['$request_time', '105ms', 105_000],
    ['$request_time', '-', -1],
    ['$request_time_ms', '105.5', 105_500],
    ['$request_time_ms', '0.105s', 105_000],
    ['$request_time_us', '105123', 105_123],
    ['$upstream_response_time', '0.050', 50_000],
    ['$upstream_response_time', '0.001, 0.002', 2_000],
    ['$upstream_response_time', '0.001, 0.002 : 0.004', 4_000],
    ['$upstream_response_time', '-', -1],
    ['$upstream_response_time', '0.001, -', -1],
  ])('reads %s %s as %d µs', (variable, value, micros) => {
    expect(parse(`$status ${variable} $remote_addr`, `200 ${value} 10.0.0.1`)).toStrictEqual({
      ...nothingSet(),
      client: '10.0.0.1',
      status: 200,
      durationUs: micros,
    });
  });

  it('reads a comma list of upstream times as its last value when it ends the line', () => {
    expect(parse('$status $upstream_response_time', '200 0.001, 0.002')?.durationUs).toBe(2_000);
  });

  it('takes the response time from $request_time over $upstream_response_time', () => {
    expect(parse('$upstream_response_time $request_time $status', '0.050 0.105 200')?.durationUs).toBe(105_000);
    expect(parse('rt=$request_time urt="$upstream_response_time" $status', 'rt=0.105 urt="0.001, 0.050" 200')?.durationUs).toBe(105_000);
  });

  it('reads only the line between start and end', () => {
    const text = `garbage\n${NGINX_LINE}\r\nnext line\n`;
    const buf = Buffer.from(text);
    const rec = new LineRecord();
    rec.reset(buf);
    const parser = compileNginxLogFormat(COMBINED_WITH_TIME);
    expect(parser(buf, text.indexOf('203.'), text.indexOf('\r\n'), rec)).toBe(true);
    expect(fieldsOf(rec)).toStrictEqual(NGINX_FIELDS);
  });

  it('parses line after line with one compiled parser', () => {
    const parser = compileNginxLogFormat('$remote_addr "$request" $status $request_time');
    const lines = ['10.0.0.1 "GET /a HTTP/1.1" 200 0.001', '10.0.0.2 "-" 400 0.000', 'bad line', '10.0.0.3 "PUT /c?d HTTP/1.1" 201 1.5'];
    expect(lines.map((line) => parseWith(parser, line))).toStrictEqual([
      { ...nothingSet(), client: '10.0.0.1', method: 'GET', path: '/a', status: 200, durationUs: 1_000 },
      { ...nothingSet(), client: '10.0.0.2', status: 400, durationUs: 0 },
      null,
      { ...nothingSet(), client: '10.0.0.3', method: 'PUT', path: '/c', status: 201, durationUs: 1_500_000 },
    ]);
  });

  it.each([
    ['an empty line', ''],
    ['a JSON line', '{"remote_addr":"203.0.113.9","status":200}'],
    ['an application log line', '2024-01-24 10:15:32.123 INFO Request processed in 127ms'],
    ['a common line without the trailing fields', '203.0.113.9 - alice [24/Jan/2024:10:15:32 +0100] "POST /api/v1/orders?id=7 HTTP/1.1" 201 512'],
    ['a line cut inside the user agent', NGINX_LINE.slice(0, NGINX_LINE.indexOf('x86_64'))],
    ['a line cut before the request time', NGINX_LINE.slice(0, NGINX_LINE.lastIndexOf(' '))],
    ['a line with bytes after the format', `${NGINX_LINE.replace(' 0.105', '')}" x`],
    ['a line whose literal differs', NGINX_LINE.replace(' - alice [', ' + alice [')],
    ['a line with an impossible time', NGINX_LINE.replace('24/Jan/2024', '32/Jan/2024')],
    ['a line with a status of 600', NGINX_LINE.replace('" 201 ', '" 600 ')],
    ['a line with a status of letters', NGINX_LINE.replace('" 201 ', '" abc ')],
    ['a line with a byte count of letters', NGINX_LINE.replace(' 512 ', ' 5x2 ')],
  ])('rejects %s', (_name, line) => {
    expect(parse(COMBINED_WITH_TIME, line)).toBeNull();
  });

  it('rejects a line whose time is not what the format says', () => {
    expect(parse('$msec $status', '10/Oct/2000:13:55:36 200')).toBeNull();
    expect(parse('$msec $status', '1706091332. 200')).toBeNull();
    expect(parse('$msec $status', '-1706091332 200')).toBeNull();
    expect(parse('$time_iso8601 $status', '10/Oct/2000:13:55:36 200')).toBeNull();
  });

  it.each([
    ['', 'the format is empty'],
    ["''", 'the format is empty'],
    ['just text', 'the format names no variables'],
    ['$status$body_bytes_sent', '$status and $body_bytes_sent are adjacent'],
    ['${status}${body_bytes_sent}', '$status and $body_bytes_sent are adjacent'],
    ['$remote_addr $time_local$request_time_us', '$time_local and $request_time_us are adjacent'],
    ['$status ${body_bytes_sent', 'unclosed "${" at offset 8'],
    ['${} $status', 'bad variable name "${}"'],
    ['${a-b} $status', 'bad variable name "${a-b}"'],
    ["'$status", 'unterminated single-quoted string'],
    ["'$status' x", 'unexpected "x" outside quotes at offset 10'],
    ['$status\n$request_time', 'the format contains a line break'],
  ])('refuses the format %j: %s', (format, problem) => {
    const { code, message } = invalidArgument(format);
    expect(code).toBe('invalid_argument');
    expect(message).toContain(`invalid nginx log_format: ${problem}`);
  });
});

/** A parsed record with none of its optional fields set. */
function nothingSet(): RecordFields {
  return {
    format: 'custom',
    client: null,
    time: null,
    method: null,
    path: null,
    status: 0,
    bytesSent: -1,
    userAgent: null,
    durationUs: -1,
    isRequest: true,
  };
}
