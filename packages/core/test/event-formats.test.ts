// The line formats beyond the named ones, on logs real programs wrote (dpkg, update-alternatives, apt,
// Python's logging, nginx 1.22 and Apache 2.4 error logs, rsyslogd fed by logger, Ruby's Logger,
// Redis 7, PostgreSQL 15, glog 0.6: fixtures/real) and
// on samples made after each format's documentation (fixtures/documented). Every figure is held to a
// count made here from the file's lines by regular expressions that share nothing with the parsers.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { analyzeFile } from '../src/analyze';
import type { MetricsReport } from '../src/report';
import { useTempDir } from './helpers';

const temp = useTempDir();
const FIXTURES = join(__dirname, 'fixtures');

const LEVEL_NAMES: Record<string, string> = { NOTE: 'NOTICE', WARNING: 'WARN', ERR: 'ERROR', CRIT: 'CRITICAL', EMERGENCY: 'EMERG', V: 'VERBOSE', D: 'DEBUG', I: 'INFO', W: 'WARN', E: 'ERROR', F: 'FATAL' };
const ERROR_LEVELS = new Set(['ERROR', 'FATAL', 'CRITICAL', 'EMERG', 'ALERT', 'SEVERE', 'PANIC']);
const SYSLOG_SEVERITIES = ['EMERG', 'ALERT', 'CRITICAL', 'ERROR', 'WARN', 'NOTICE', 'INFO', 'DEBUG'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const CONTINUATION = /^(?:[ \t]+\S|at |Caused by:|#\d+ |\[stacktrace\]|\[previous exception\]|"\}\s*$|Suppressed:|\.\.\.|goroutine |[^\s:]+:\d+:in |Traceback \(most recent call last\):|The above exception|During handling|(?:Commandline|Requested-By|Install|Upgrade|Remove|Purge): |[A-Za-z][\w.$]*(?:Exception|Error|Throwable|Interrupt|Exit)(?::|$))/;

const normalized = (level: string): string => LEVEL_NAMES[level.toUpperCase()] ?? level.toUpperCase();
const utc = (y: number, mo: number, d: number, h: number, mi: number, s: number, ms = 0): number => Date.UTC(y, mo - 1, d, h, mi, s, ms);
const millis = (fraction: string | undefined): number => (fraction ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0);

/** `YYYY-MM-DD[ T]HH:MM:SS[.,]fff` anywhere in the line (the first one). */
function isoTime(line: string): number {
  const m = /(\d{4})-(\d\d)-(\d\d)[ T]+(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?/.exec(line)!;
  return utc(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], millis(m[7]));
}

/** A year-less `Mmm dd HH:MM:SS`: the year of the file's mtime, or the one before for a later month. */
function syslogTime(line: string, mtime: Date): number {
  const m = /^(?:<\d+>)?(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)/.exec(line)!;
  const month = MONTHS.indexOf(m[1]) + 1;
  const year = month > mtime.getUTCMonth() + 1 ? mtime.getUTCFullYear() - 1 : mtime.getUTCFullYear();
  return utc(year, month, +m[2], +m[3], +m[4], +m[5]);
}

function ctimeTime(line: string): number {
  const m = /^\[\w{3} (\w{3}) +(\d+) (\d\d):(\d\d):(\d\d)(?:\.(\d+))? (\d{4})\]/.exec(line)!;
  return utc(+m[7], MONTHS.indexOf(m[1]) + 1, +m[2], +m[3], +m[4], +m[5], millis(m[6]));
}

/** glog's `Lyyyymmdd hh:mm:ss.uuuuuu`, or its header's `Log file created at: yyyy/mm/dd hh:mm:ss`; NaN for its other header lines. */
function glogTime(line: string): number {
  const m = /^[IWEF](\d{4})(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d+)/.exec(line) ?? /^Log file created at: (\d{4})\/(\d\d)\/(\d\d) (\d\d):(\d\d):(\d\d)/.exec(line);
  return m ? utc(+m[1], +m[2], +m[3], +m[4], +m[5], +m[6], millis(m[7])) : NaN;
}

/** klog's year-less `Lmmdd hh:mm:ss.uuuuuu`, read as of the file's mtime. */
function klogTime(line: string, mtime: Date): number {
  const m = /^[IWEF](\d\d)(\d\d) (\d\d):(\d\d):(\d\d)\.(\d+)/.exec(line)!;
  const month = +m[1];
  const year = month > mtime.getUTCMonth() + 1 ? mtime.getUTCFullYear() - 1 : mtime.getUTCFullYear();
  return utc(year, month, +m[2], +m[3], +m[4], +m[5], millis(m[6]));
}

/** Redis's `pid:role DD Mon YYYY HH:MM:SS.mmm`. */
function redisTime(line: string): number {
  const m = /^\d+:[XCSM] (\d+) (\w{3}) (\d{4}) (\d\d):(\d\d):(\d\d)\.(\d+)/.exec(line)!;
  return utc(+m[3], MONTHS.indexOf(m[2]) + 1, +m[1], +m[4], +m[5], +m[6], millis(m[7]));
}

/** Redis 2's `[pid] DD Mon HH:MM:SS.mmm`, year-less, read as of the file's mtime. */
function redis2Time(line: string, mtime: Date): number {
  const m = /^\[\d+\] (\d+) (\w{3}) (\d\d):(\d\d):(\d\d)\.(\d+)/.exec(line)!;
  const month = MONTHS.indexOf(m[2]) + 1;
  const year = month > mtime.getUTCMonth() + 1 ? mtime.getUTCFullYear() - 1 : mtime.getUTCFullYear();
  return utc(year, month, +m[1], +m[3], +m[4], +m[5], millis(m[6]));
}
const REDIS2_MTIME = new Date(Date.UTC(2025, 0, 10, 12));

/** `DD-Mon-YYYY HH:MM:SS[.mmm]` (Tomcat, PHP) or `DD/Mon/YYYY HH:MM:SS` (Django), first in the line or its brackets. */
function dayMonthNameTime(line: string): number {
  const m = /^\[?(\d\d)[-/](\w{3})[-/](\d{4}) (\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(line)!;
  return utc(+m[3], MONTHS.indexOf(m[2]) + 1, +m[1], +m[4], +m[5], +m[6], millis(m[7]));
}

const PHP_LABELS: Record<string, string> = { 'Fatal error': 'FATAL', 'Parse error': 'ERROR', Warning: 'WARN', Notice: 'NOTICE' };

const REDIS_LEVELS: Record<string, string> = { '.': 'DEBUG', '-': 'VERBOSE', '*': 'NOTICE', '#': 'WARNING' };
/** PostgreSQL's severities; DETAIL, HINT, STATEMENT, CONTEXT… lines belong to the message above and have none. */
const POSTGRES_LEVELS = new Set(['DEBUG', 'INFO', 'NOTICE', 'WARNING', 'ERROR', 'LOG', 'FATAL', 'PANIC']);
const KLOG_MTIME = new Date(Date.UTC(2025, 0, 15, 12));

interface Sample {
  file: string;
  format: string;
  /** The level's word as the line writes it, or null. */
  level: (line: string) => string | null;
  /** Epoch ms (NaN for a line without one), or null for a format without timestamps. */
  time: ((line: string) => number) | null;
  /** Set for files with year-less timestamps: the test copies the file and gives it this mtime. */
  mtime?: Date;
  /** Set for files with requests among their events: whether a line's status is a server error (an error too). */
  serverError?: (line: string) => boolean;
}

const group = (re: RegExp) => (line: string): string | null => re.exec(line)?.[1] ?? null;
const noLevel = (): null => null;

const SAMPLES: Sample[] = [
  { file: 'real/dpkg.log', format: 'event', level: noLevel, time: isoTime },
  { file: 'real/alternatives.log', format: 'event', level: noLevel, time: isoTime },
  { file: 'real/nginx-error.log', format: 'nginx_error', level: group(/^\S+ \S+ \[(\w+)\]/), time: (l) => isoTime(l.replace(/\//g, '-').replace(/^(\d{4})-(\d\d)-(\d\d)/, '$1-$2-$3')) },
  { file: 'real/apache-error.log', format: 'apache_error', level: group(/^\[[^\]]+\] \[\w*:(\w+)\]/), time: ctimeTime },
  { file: 'real/rsyslog.log', format: 'syslog', level: group(/^\w{3} +\d+ \S+ \S+ \S+: (error|warning):/), time: (l) => syslogTime(l, new Date(Date.UTC(2026, 11, 2, 12))), mtime: new Date(Date.UTC(2026, 11, 2, 12)) },
  { file: 'real/python-default.log', format: 'event', level: group(/^([A-Z]+):[^: ]+:/), time: null },
  { file: 'real/python-dashes.log', format: 'event', level: group(/^\S+ \S+ - \S+ - ([A-Z]+) - /), time: isoTime },
  // Ruby's ANY (Logger#unknown) is no level; the `# Logfile created on` header is an event with a time.
  { file: 'real/ruby-logger.log', format: 'event', level: (l) => (/^[DIWEFA], \[[^\]]+\] +([A-Z]+) -- /.exec(l)?.[1] ?? 'ANY').replace(/^ANY$/, '') || null, time: isoTime },
  { file: 'real/redis.log', format: 'event', level: (l) => REDIS_LEVELS[/^\d+:[XCSM] \d+ \w{3} \d{4} \S+ ([.*#-]) /.exec(l)![1]], time: redisTime },
  // Across a new year: November and December are the year before the file's January mtime.
  { file: 'documented/redis-2.log', format: 'event', level: (l) => REDIS_LEVELS[/^\[\d+\] \d+ \w{3} \S+ ([.*#-]) /.exec(l)![1]], time: (l) => redis2Time(l, REDIS2_MTIME), mtime: REDIS2_MTIME },
  { file: 'real/postgresql.log', format: 'event', level: (l) => [/^\S+ \S+ UTC \[\d+\] ([A-Z]+):  /.exec(l)![1]].filter((w) => POSTGRES_LEVELS.has(w))[0] ?? null, time: isoTime },
  { file: 'real/glog.log', format: 'event', level: group(/^([IWEF])\d{8} /), time: glogTime },
  { file: 'documented/log4j.log', format: 'event', level: group(/^\S+ \S+ ([A-Z]+) /), time: isoTime },
  { file: 'documented/zookeeper.log', format: 'event', level: group(/^\S+ \S+ - ([A-Z]+) +\[/), time: isoTime },
  { file: 'documented/spark.log', format: 'event', level: group(/^\S+ \S+ ([A-Z]+) /), time: (l) => isoTime(`20${l.slice(0, 8).replace(/\//g, '-')} ${l.slice(9, 17)}`) },
  { file: 'documented/hdfs.log', format: 'event', level: group(/^\d+ \d+ \d+ ([A-Z]+) /), time: (l) => utc(2000 + +l.slice(0, 2), +l.slice(2, 4), +l.slice(4, 6), +l.slice(7, 9), +l.slice(9, 11), +l.slice(11, 13)) },
  {
    file: 'documented/logcat.log',
    format: 'event',
    level: group(/^\S+ \S+ +\d+ +\d+ ([VDIWEF]) /),
    time: (l) => {
      const month = +l.slice(0, 2);
      return utc(month === 12 ? 2024 : 2025, month, +l.slice(3, 5), +l.slice(6, 8), +l.slice(9, 11), +l.slice(12, 14), +l.slice(15, 18));
    },
    mtime: new Date(Date.UTC(2025, 0, 15, 12)),
  },
  { file: 'documented/cbs.log', format: 'event', level: group(/^\S+ \S+, (\w+) /), time: isoTime },
  { file: 'documented/klog.log', format: 'event', level: group(/^([IWEF])\d{4} /), time: (l) => klogTime(l, KLOG_MTIME), mtime: KLOG_MTIME },
  { file: 'documented/env-logger.log', format: 'event', level: group(/^\[\S+ ([A-Z]+) +\S+\] /), time: isoTime },
  // A time of day names no day: events with their levels and no timestamp.
  { file: 'documented/logback-console.log', format: 'event', level: group(/^[\d:.]+ \[[^\]]+\] ([A-Z]+) /), time: null },
  {
    file: 'documented/journald.json.log',
    format: 'json',
    level: (l) => SYSLOG_SEVERITIES[Number(/"PRIORITY":"(\d)"/.exec(l)![1])],
    time: (l) => Math.floor(Number(/"__REALTIME_TIMESTAMP":"(\d+)"/.exec(l)![1]) / 1000),
  },
  {
    file: 'documented/rfc5424.log',
    format: 'syslog',
    level: (l) => SYSLOG_SEVERITIES[Number(/^<(\d+)>/.exec(l)![1]) % 8],
    time: (l) => Date.parse(/^<\d+>1 (\S+)/.exec(l)![1].replace(/\.(\d{3})\d+/, '.$1')),
  },
  { file: 'documented/apache22-error.log', format: 'apache_error', level: group(/^\[[^\]]+\] \[(\w+)\]/), time: ctimeTime },
  { file: 'documented/tomcat.log', format: 'event', level: group(/^\S+ \S+ ([A-Z]+) \[/), time: dayMonthNameTime },
  {
    file: 'documented/php.log',
    format: 'event',
    // php-fpm's `NOTICE:`, PHP's `PHP Warning:`; `PHP Stack trace:` and its frames name no level.
    level: (l) => {
      const m = /^\[[^\]]+\] (?:PHP (Fatal error|Parse error|Warning|Notice):|([A-Z]+):)/.exec(l);
      return m ? (m[1] ? PHP_LABELS[m[1]] : m[2]) : null;
    },
    time: dayMonthNameTime,
  },
  { file: 'documented/elasticsearch.log', format: 'event', level: group(/^\[[^\]]+\]\[([A-Z]+) *\]/), time: isoTime },
  { file: 'documented/celery.log', format: 'event', level: group(/^\[[^\]]+: ([A-Z]+)\//), time: isoTime },
  { file: 'documented/laravel.log', format: 'event', level: group(/^\[[^\]]+\] \w+\.([A-Z]+): /), time: isoTime },
  { file: 'documented/cassandra.log', format: 'event', level: group(/^([A-Z]+) +\[[^\]]+\] \d{4}-/), time: isoTime },
  // MySQL 8's `[System]` is no level; `[Note]` is NOTICE.
  { file: 'documented/mysql.log', format: 'event', level: group(/^\S+(?: \S+)? \d+ \[(Warning|ERROR|Note)\]/), time: isoTime },
  // Seconds since boot name no day: events without a timestamp, and dmesg writes no level.
  { file: 'documented/dmesg.log', format: 'event', level: noLevel, time: null },
  { file: 'documented/uvicorn.log', format: 'event', level: group(/^([A-Z]+): +\S/), time: null, serverError: (l) => / - "[^"]*" 5\d\d /.test(l) },
  { file: 'documented/django-runserver.log', format: 'event', level: noLevel, time: dayMonthNameTime, serverError: (l) => /" 5\d\d \d+$/.test(l) },
  {
    file: 'documented/syslog-new-year.log',
    format: 'syslog',
    level: (l) => (/^<(\d+)>/.test(l) ? SYSLOG_SEVERITIES[Number(/^<(\d+)>/.exec(l)![1]) % 8] : group(/^\w{3} +\d+ \S+ \S+ \S+: (error|ALERT)[: ]/)(l)),
    time: (l) => syslogTime(l, new Date(Date.UTC(2025, 0, 15, 12))),
    mtime: new Date(Date.UTC(2025, 0, 15, 12)),
  },
];

interface Counted {
  lines: number;
  blank_lines: number;
  continuation_lines: number;
  malformed_lines: number;
  formats: Record<string, number>;
  levels: Record<string, number>;
  error_count: number;
  first_timestamp: string | null;
  last_timestamp: string | null;
}

/** The figures of a sample, counted from its lines without the parsers. */
function countByHand(sample: Sample, content: string): Counted {
  const lines = content.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const levels: Record<string, number> = {};
  let blank = 0;
  let continuation = 0;
  let events = 0;
  let errors = 0;
  const times: number[] = [];
  for (const line of lines) {
    if (/^[ \t]*$/.test(line)) blank++;
    else if (CONTINUATION.test(line)) continuation++;
    else {
      events++;
      const word = sample.level(line);
      const name = word === null ? null : normalized(word);
      if (name !== null) levels[name] = (levels[name] ?? 0) + 1;
      if ((name !== null && ERROR_LEVELS.has(name)) || sample.serverError?.(line)) errors++;
      const time = sample.time?.(line) ?? NaN;
      if (!Number.isNaN(time)) times.push(time);
    }
  }
  const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
  return {
    lines: lines.length,
    blank_lines: blank,
    continuation_lines: continuation,
    malformed_lines: 0,
    formats: { [sample.format]: events },
    levels: Object.fromEntries(Object.entries(levels).sort(([a], [b]) => (a < b ? -1 : 1))),
    error_count: errors,
    first_timestamp: iso(times.length ? Math.min(...times) : undefined),
    last_timestamp: iso(times.length ? Math.max(...times) : undefined),
  };
}

function pickCounted(report: MetricsReport): Counted {
  const { lines, blank_lines, continuation_lines, malformed_lines, formats, levels, error_count, first_timestamp, last_timestamp } = report;
  return { lines, blank_lines, continuation_lines, malformed_lines, formats, levels, error_count, first_timestamp, last_timestamp };
}

/** The fixture, or a copy of it with the sample's mtime (git does not keep mtimes). */
function fixturePath(sample: Sample): string {
  const source = join(FIXTURES, sample.file);
  if (!sample.mtime) return source;
  const copy = temp.path(sample.file.replace('/', '-'));
  copyFileSync(source, copy);
  utimesSync(copy, sample.mtime, sample.mtime);
  return copy;
}

it.each(SAMPLES.map((s) => [s.file, s] as const))('reads %s with no malformed line, its levels, errors, timestamps and continuation lines exact', async (_file, sample) => {
  const filepath = fixturePath(sample);
  const expected = countByHand(sample, readFileSync(filepath, 'utf8'));
  // A count that found nothing would prove nothing.
  expect(expected.formats[sample.format] > 0).toBe(true);
  expect(pickCounted(await analyzeFile(filepath))).toStrictEqual(expected);
});

it('finds levels, errors, continuation lines and timestamps in the samples that have them', () => {
  const counted = Object.fromEntries(SAMPLES.map((s) => [s.file, countByHand(s, readFileSync(join(FIXTURES, s.file), 'utf8'))]));
  const withLevels = SAMPLES.filter((s) => Object.keys(counted[s.file].levels).length > 0).map((s) => s.file);
  expect(withLevels).toStrictEqual(SAMPLES.filter((s) => s.level !== noLevel).map((s) => s.file));
  expect(SAMPLES.filter((s) => counted[s.file].continuation_lines > 0).map((s) => s.file)).toStrictEqual([
    'real/python-default.log',
    'real/python-dashes.log',
    'real/ruby-logger.log',
    'documented/log4j.log',
    'documented/zookeeper.log',
    'documented/spark.log',
    'documented/klog.log',
    'documented/logback-console.log',
    'documented/tomcat.log',
    'documented/elasticsearch.log',
    'documented/celery.log',
    'documented/laravel.log',
    'documented/cassandra.log',
    'documented/uvicorn.log',
  ]);
  expect([counted['real/python-dashes.log'].continuation_lines, counted['documented/log4j.log'].continuation_lines]).toStrictEqual([14, 8]);
});

it('agrees with grep and awk on the real logs', async () => {
  const shell = (command: string): string => execFileSync('sh', ['-c', command], { cwd: join(FIXTURES, 'real') }).toString().trim();
  const [dpkg, nginx, apache, python] = await Promise.all(['dpkg.log', 'nginx-error.log', 'apache-error.log', 'python-dashes.log'].map((f) => analyzeFile(join(FIXTURES, 'real', f))));
  expect([dpkg.lines, dpkg.malformed_lines, dpkg.formats.event]).toStrictEqual([Number(shell('wc -l < dpkg.log')), 0, Number(shell('wc -l < dpkg.log'))]);
  expect(dpkg.first_timestamp).toBe(`${shell("awk '{print $1 \"T\" $2}' dpkg.log | sort | head -1")}.000Z`);
  expect(dpkg.last_timestamp).toBe(`${shell("awk '{print $1 \"T\" $2}' dpkg.log | sort | tail -1")}.000Z`);
  expect([nginx.error_count, nginx.levels.ERROR, nginx.levels.NOTICE]).toStrictEqual([Number(shell("grep -c ' \\[error\\] ' nginx-error.log")), Number(shell("grep -c ' \\[error\\] ' nginx-error.log")), Number(shell("grep -c ' \\[notice\\] ' nginx-error.log"))]);
  expect(apache.error_count).toBe(Number(shell("grep -c '^\\[[^]]*\\] \\[[a-z_]*:error\\]' apache-error.log")));
  expect(python.levels.WARN).toBe(Number(shell("grep -c ' - WARNING - ' python-dashes.log")));
  expect(python.continuation_lines).toBe(Number(shell("awk '/^(Traceback|  |[A-Za-z]+Error:|The above)/' python-dashes.log | wc -l")));
});

it('agrees with grep on the real Ruby, Redis, PostgreSQL and glog logs', async () => {
  const count = (command: string): number => Number(execFileSync('sh', ['-c', command], { cwd: join(FIXTURES, 'real') }).toString().trim());
  const [ruby, redis, postgres, glog] = await Promise.all(['ruby-logger.log', 'redis.log', 'postgresql.log', 'glog.log'].map((f) => analyzeFile(join(FIXTURES, 'real', f))));
  expect([ruby.error_count, ruby.levels.WARN, ruby.continuation_lines]).toStrictEqual([count("grep -Ec '^[EF], ' ruby-logger.log"), count("grep -c '^W, ' ruby-logger.log"), count("grep -c ':in ' ruby-logger.log")]);
  // The progname is the app, and not part of the message.
  expect(ruby.top.apps.items.map((i) => [i.key, i.count])).toStrictEqual([['billing', count("grep -c ' -- billing: ' ruby-logger.log")]]);
  expect(ruby.top.error_messages.items.map((i) => i.key).sort()).toStrictEqual(['Out of memory', 'Payment 42 declined', 'amount must be positive, got -5 (ArgumentError)']);
  expect([redis.levels.WARN, redis.levels.NOTICE, redis.levels.VERBOSE, redis.error_count]).toStrictEqual([count("grep -c '^[0-9]*:[XCSM] .* # ' redis.log"), count("grep -c '^[0-9]*:[XCSM] .* \\* ' redis.log"), count("grep -c '^[0-9]*:[XCSM] .* - ' redis.log"), 0]);
  expect([postgres.error_count, postgres.levels.LOG, postgres.levels.DEBUG]).toStrictEqual([count("grep -Ec '\\] (ERROR|FATAL|PANIC):  ' postgresql.log"), count("grep -c '\\] LOG:  ' postgresql.log"), count("grep -c '\\] DEBUG:  ' postgresql.log")]);
  expect([glog.error_count, glog.levels.INFO, glog.malformed_lines]).toStrictEqual([count("grep -Ec '^[EF][0-9]{8} ' glog.log"), count("grep -Ec '^I[0-9]{8} ' glog.log"), 0]);
  // A count that found nothing would prove nothing.
  expect([ruby.error_count > 0, redis.levels.WARN > 0, postgres.error_count > 0, glog.error_count > 0]).toStrictEqual([true, true, true, true]);
});

it("names each real nginx and Apache error line's client, without counting requests", async () => {
  const [nginx, apache] = await Promise.all([analyzeFile(join(FIXTURES, 'real', 'nginx-error.log')), analyzeFile(join(FIXTURES, 'real', 'apache-error.log'))]);
  const clientLines = (file: string, re: RegExp): number => readFileSync(join(FIXTURES, 'real', file), 'utf8').split('\n').filter((l) => re.test(l)).length;
  expect(nginx.top.clients.items.map((i) => [i.key, i.count])).toStrictEqual([['127.0.0.1', clientLines('nginx-error.log', /, client: 127\.0\.0\.1,/)]]);
  // Apache 2.4 writes the client's port; the address alone is the key.
  expect(apache.top.clients.items.map((i) => [i.key, i.count])).toStrictEqual([['127.0.0.1', clientLines('apache-error.log', /\[client 127\.0\.0\.1:\d+\]/)]]);
  expect([nginx.request_count, apache.request_count]).toStrictEqual([0, 0]);
});
