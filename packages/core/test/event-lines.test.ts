// One line at a time through auto-detection: the timestamp shapes, where levels are found and how
// they are named, the year of year-less timestamps, the error-log and syslog fields, an access line
// without bytes, and which lines are continuation lines.
import { CONTINUATION, selectParser } from '../src/formats/format-selector';
import { LineRecord } from '../src/formats/line-record';

const detect = selectParser('auto');

interface Read {
  outcome: string | null;
  format: string;
  time: string | null;
  level: string | null;
  message: string | null;
}

const text = (rec: LineRecord, f: LineRecord['message']): string | null => (f.present ? rec.buf.toString('utf8', f.start, f.end) : null);

function readLine(line: string, referenceMs = Date.UTC(2025, 0, 15)): Read & { rec: LineRecord } {
  const rec = new LineRecord();
  rec.setReferenceTime(referenceMs);
  const buf = Buffer.from(line);
  rec.reset(buf);
  const outcome = detect(buf, 0, buf.length, rec);
  const level = rec.levelName ?? text(rec, rec.level);
  return { outcome, format: rec.format, time: Number.isNaN(rec.timeMs) ? null : new Date(rec.timeMs).toISOString(), level, message: text(rec, rec.message), rec };
}

const event = (line: string, referenceMs?: number): Omit<Read, 'outcome'> => {
  const { outcome, format, time, level, message } = readLine(line, referenceMs);
  expect({ line, outcome }).toStrictEqual({ line, outcome: null });
  return { format, time, level, message };
};

it.each([
  ['ISO with T, a fraction and Z', '2024-01-24T10:15:32.123456Z app started', '2024-01-24T10:15:32.123Z', null],
  ['ISO with a space and a comma fraction (log4j)', '2015-10-18 18:01:47,978 INFO [main] x', '2015-10-18T18:01:47.978Z', 'INFO'],
  ['ISO with an offset', '2024-01-24T10:15:32+02:00 WARN x', '2024-01-24T08:15:32.000Z', 'WARN'],
  ["apt's two spaces", 'Start-Date: 2025-06-24  14:36:25', '2025-06-24T14:36:25.000Z', null],
  ['YYYY/MM/DD', '2024/01/24 10:15:32 ERROR x', '2024-01-24T10:15:32.000Z', 'ERROR'],
  ['YY/MM/DD (Spark)', '17/06/09 20:10:40 INFO executor.Executor: x', '2017-06-09T20:10:40.000Z', 'INFO'],
  ['YYMMDD HHMMSS (HDFS)', '081109 203615 148 WARN dfs.DataNode: x', '2008-11-09T20:36:15.000Z', 'WARN'],
  ['YYYYMMDD-HH:MM:SS:mmm', '20240124-10:15:32:123 ERROR x', '2024-01-24T10:15:32.123Z', 'ERROR'],
  ['epoch seconds with a fraction', '1706091332.5 WARN x', '2024-01-24T10:15:32.500Z', 'WARN'],
  ['epoch milliseconds', '1706091332123 INFO x', '2024-01-24T10:15:32.123Z', 'INFO'],
  ['a bracketed ISO time', '[2024-01-24 10:15:32,001] ERROR x', '2024-01-24T10:15:32.001Z', 'ERROR'],
  ['ctime in brackets with microseconds', '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1] x', '2000-10-11T14:32:52.123Z', 'ERROR'],
  ["Ruby Logger's bracketed time with its pid", 'E, [2024-01-24T10:15:32.123456 #1234] ERROR -- : x', '2024-01-24T10:15:32.123Z', 'ERROR'],
  ["a space and a numeric zone (Ruby Logger's header)", '# Logfile created on 2024-01-24 10:15:32 -0500 by logger.rb/v1.5.0', '2024-01-24T15:15:32.000Z', null],
  ['PostgreSQL with its zone and pid', '2024-01-24 10:15:32.123 CET [1234] LOG:  checkpoint starting', '2024-01-24T09:15:32.123Z', 'LOG'],
  ['glog 0.6 (yyyymmdd)', 'W20240124 10:15:32.123456 1234 main.cc:12] x', '2024-01-24T10:15:32.123Z', 'WARN'],
  ['klog (mmdd, the year inferred)', 'E0124 10:15:32.123456       1 main.go:12] x', '2025-01-24T10:15:32.123Z', 'ERROR'],
  ['Redis 7', '1234:M 24 Jan 2024 10:15:32.123 # WARNING overcommit', '2024-01-24T10:15:32.123Z', 'WARN'],
  ['Redis, a one-digit day', '7:S 3 Feb 2024 01:02:03.004 * Ready', '2024-02-03T01:02:03.004Z', 'NOTICE'],
  ['DD Mon YYYY at the start', '24 Jan 2024 10:15:32 ERROR x', '2024-01-24T10:15:32.000Z', 'ERROR'],
  ["env_logger's level inside the time's brackets", '[2024-01-24T10:15:32Z WARN  hyper::proto] x', '2024-01-24T10:15:32.000Z', 'WARN'],
  ['a time of day alone, which gives no timestamp', '10:15:32.123 [main] ERROR com.example.App - x', null, 'ERROR'],
])('reads %s', (_case, line, time, level) => {
  expect([event(line).time, event(line).level]).toStrictEqual([time, level]);
});

it.each([
  ['a bare upper-case level', '2024-01-24 10:15:32 NOTICE x', 'NOTICE'],
  ['[error]', '2024-01-24 10:15:32 [error] x', 'ERROR'],
  ['[core:crit]', '2024-01-24 10:15:32 [core:crit] x', 'CRITICAL'],
  ['- WARNING - after a logger name', '2024-01-24 10:15:32,123 - app.db - WARNING - x', 'WARN'],
  ['a lower-case level with a colon', '2024-01-24 10:15:32 err: x', 'ERROR'],
  ['<emerg>', '2024-01-24 10:15:32 <emerg> x', 'EMERG'],
  // (`2024-01-24 10:15:32 EMERGENCY x` is an applog line, whose levels are kept as written.)
  ['EMERGENCY', '2024-01-24 10:15:32,500 EMERGENCY x', 'EMERG'],
  ["logcat's letter after pid and tid", '03-17 16:13:38.811  1702  2395 E AndroidRuntime: x', 'ERROR'],
  ["Windows CBS's Info after a comma", '2016-09-28 04:30:30, Info                  CBS    x', 'INFO'],
  ["Python's default format", 'CRITICAL:app.db:giving up', 'CRITICAL'],
])('finds and names %s', (_case, line, level) => {
  expect(event(line).level).toBe(level);
});

it.each([
  ['a lower-case word that only reads like a level', '2024-01-24 10:15:32 error while reading'],
  ['a level past the first five tokens', '2024-01-24 10:15:32 a b c d e ERROR'],
  ['a single letter that is not after numbers', '03-17 16:13:38.811 app E x'],
  ['no level at all (dpkg)', '2025-06-24 14:36:25 status installed libc-bin:amd64 2.36-9'],
  ["PostgreSQL's STATEMENT line", '2024-01-24 10:15:32.123 UTC [1234] STATEMENT:  select 1/0'],
  ["Ruby Logger's ANY (Logger#unknown)", 'A, [2024-01-24T10:15:32.123456 #1234]   ANY -- : x'],
  ["glog's header", 'Log file created at: 2024/01/24 10:15:30'],
  ["glog's header without a time", 'Running on machine: build-7'],
  // A leading word then a time: an event, but Redis's symbol is read only after a Redis pid and role.
  ['a Redis pid without a level symbol', '1234:M 24 Jan 2024 10:15:32.123 started'],
  ['a Redis pid with a role it does not have', '1234:Q 24 Jan 2024 10:15:32.123 # x'],
])('reads %s as an event without a level, not a malformed line', (_case, line) => {
  expect(event(line)).toMatchObject({ format: 'event', level: null });
});

it('reads December as last year and January as this year in a file last written in January', () => {
  const january = Date.UTC(2025, 0, 2);
  expect([event('Dec 31 23:59:59 host app: x', january).time, event('Jan  1 00:00:01 host app: x', january).time]).toStrictEqual(['2024-12-31T23:59:59.000Z', '2025-01-01T00:00:01.000Z']);
  expect([event('12-31 23:59:59.000  1  2 I tag: x', january).time, event('01-01 00:00:01.000  1  2 I tag: x', january).time]).toStrictEqual(['2024-12-31T23:59:59.000Z', '2025-01-01T00:00:01.000Z']);
  expect(event('Dec 31 23:59:59 host app: x', Date.UTC(2024, 11, 31, 23, 59, 59)).time).toBe('2024-12-31T23:59:59.000Z');
});

it('refuses February 29 when the inferred year is not a leap year', () => {
  expect(readLine('Feb 29 10:00:00 host app: x', Date.UTC(2025, 2, 1)).outcome).toBe('unknown');
  expect(event('Feb 29 10:00:00 host app: x', Date.UTC(2024, 2, 1)).time).toBe('2024-02-29T10:00:00.000Z');
});

it('takes the message after Ruby Logger\'s `-- :`, after glog\'s `file:line]` and after Redis\'s level symbol', () => {
  expect(event('I, [2024-01-24T10:15:32.123456 #1234]  INFO -- : Started GET').message).toBe('Started GET');
  expect(event('I, [2024-01-24T10:15:32.123456 #1234]  INFO -- billing: Charged').message).toBe('Charged');
  expect(event('I, [2024-01-24T10:15:32.123456 #1234]  INFO -- : Started: GET /').message).toBe('Started: GET /');
  expect(event('E0124 10:15:32.123456       1 reflector.go:147] Failed to watch').message).toBe('Failed to watch');
  expect(event('1234:M 24 Jan 2024 10:15:32.123 * Ready to accept connections').message).toBe('Ready to accept connections');
});

it.each([
  ['a timestamp glued to a word', '2024-01-24 10:15:32lowercase', 'applog'],
  ['an impossible date', '2024-02-30 10:15:32 INFO x', 'applog'],
  ['a time without seconds', '2024-01-24 10:15 INFO x', 'applog'],
  ['a level-like word with a space after the colon', 'PANIC: no structure at all', 'unknown'],
  ['indentation before a control byte', ' \x0b x', 'unknown'],
  ['a glog letter without its time', 'I0124 started', 'unknown'],
  ['a time of day without a level', '10:15:32 something happened', 'unknown'],
  ['a bracketed time and a word that is no level', '[2024-01-24T10:15:32Z started app] x', 'unknown'],
  ['a day and a word that is no month', '12 errors found', 'unknown'],
])('counts %s as malformed', (_case, line, family) => {
  expect(readLine(line).outcome).toBe(family);
});

it('reads an RFC 3164 line: time, message, and the level from the PRI or the message', () => {
  expect(event('Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass; user unknown', Date.UTC(2025, 6, 1))).toStrictEqual({
    format: 'syslog',
    time: '2025-06-14T15:16:01.000Z',
    level: null,
    message: 'check pass; user unknown',
  });
  expect(event('<27>Jun 14 15:16:01 combo kernel: oops').level).toBe('ERROR');
  expect(event('Jun 14 15:16:01 combo cron[1]: warning: late').level).toBe('WARN');
});

it('reads an RFC 5424 line: the PRI severity, the time, the message after the structured data', () => {
  expect(event('<34>1 2024-01-24T10:15:32.123Z host app 123 - [id@1 a="x]y"] su root failed')).toStrictEqual({ format: 'syslog', time: '2024-01-24T10:15:32.123Z', level: 'CRITICAL', message: 'su root failed' });
  expect(event('<14>1 - host app - - - no time')).toStrictEqual({ format: 'syslog', time: null, level: 'INFO', message: 'no time' });
});

it("reads an nginx error line's level, message, client and request without making it a request", () => {
  const read = readLine('2024/01/24 10:15:32 [error] 1234#0: *5 open() "/x" failed (2: No such file), client: 1.2.3.4, server: s, request: "GET /x?q=1 HTTP/1.1", host: "h"');
  expect({ format: read.format, level: read.level, message: read.message, client: text(read.rec, read.rec.client), method: text(read.rec, read.rec.method), path: text(read.rec, read.rec.path), isRequest: read.rec.isRequest }).toStrictEqual({
    format: 'nginx_error',
    level: 'ERROR',
    message: 'open() "/x" failed (2: No such file)',
    client: '1.2.3.4',
    method: 'GET',
    path: '/x',
    isRequest: false,
  });
});

it.each([
  ['2.4 with an IPv4 port', '[Wed Oct 11 14:32:52.123456 2000] [core:error] [pid 1:tid 2] [client 1.2.3.4:5678] AH00124: x', '1.2.3.4', 'AH00124: x'],
  ['2.4 with an IPv6 port', '[Wed Oct 11 14:32:52 2000] [authz_core:error] [pid 1] [client ::1:5678] AH01630: denied', '::1', 'AH01630: denied'],
  ['2.2 without a port', '[Sun Dec 04 04:51:18 2005] [error] [client ::1] Directory index forbidden', '::1', 'Directory index forbidden'],
])("reads an Apache %s error line's client and message", (_case, line, client, message) => {
  const read = readLine(line);
  expect([read.format, read.level, text(read.rec, read.rec.client), read.message]).toStrictEqual(['apache_error', 'ERROR', client, message]);
});

it('reads an access line without a bytes field, with its duration', () => {
  const read = readLine('192.168.1.1 - - [24/Jan/2024:10:15:33.125] GET /api/data HTTP/1.1 200 105ms');
  expect([read.outcome, read.format, read.time, read.rec.status, read.rec.bytesSent, read.rec.durationUs, text(read.rec, read.rec.path)]).toStrictEqual([
    null,
    'common',
    '2024-01-24T10:15:33.125Z',
    200,
    -1,
    105_000,
    '/api/data',
  ]);
});

it.each([
  '\tat org.foo.Bar(Bar.java:12)',
  'at org.foo.Bar(Bar.java:12)',
  'Caused by: java.io.IOException: x',
  '\t... 12 more',
  '... 12 more',
  'Traceback (most recent call last):',
  '  File "app.py", line 3, in <module>',
  '    {}["missing"]',
  'ValueError: invalid literal',
  'java.lang.IllegalStateException: boom',
  'java.nio.channels.CancelledKeyException',
  'KeyboardInterrupt',
  'The above exception was the direct cause of the following exception:',
  'Commandline: apt-get install -y curl',
  "app.rb:13:in `<main>'",
  "/usr/lib/ruby/3.1.0/net/http.rb:987:in 'Net::HTTP#connect'",
  'goroutine 1 [running]:',
])('counts %j as a continuation line', (line) => {
  expect(readLine(line).outcome).toBe(CONTINUATION);
});

it.each(['garbage line without any structure', 'Exceptions are rare', 'see app.rb:13 in the docs', 'goroutines leaked', 'MyErrorHandler started', '<html><body>502 Bad Gateway</body></html>'])('does not count %j as a continuation line', (line) => {
  expect(readLine(line).outcome).toBe('unknown');
});
