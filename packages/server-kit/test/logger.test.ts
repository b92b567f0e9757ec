// The structured log both apps write: JSON lines with level names and the caller's fields, every
// string escaped and bounded, and the level chosen by --log-level or --quiet.
import { PassThrough } from 'node:stream';
import { createLogger, LogStyle, LogLevel, logSettingsFrom, MAX_LOGGED_STRING } from '../src';

function capture(level: LogLevel = 'info', style: LogStyle = 'json') {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const logger = createLogger({ name: 'coordinator', level, style, destination: stream });
  return { logger, lines: () => text.split('\n').filter((line) => line !== '') };
}

it('writes one JSON line per call: level name, ISO time, pid, app name, the fields and the message', () => {
  const { logger, lines } = capture();

  logger.warn({ job_id: 'job-1', chunk_id: 3, worker_id: 'w1' }, 'chunk 3 of job job-1 failed');

  expect(lines().map((line) => JSON.parse(line))).toStrictEqual([
    { level: 'warn', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/), pid: process.pid, name: 'coordinator', job_id: 'job-1', chunk_id: 3, worker_id: 'w1', msg: 'chunk 3 of job job-1 failed' },
  ]);
});

it('leaves out lines below its level, and writes nothing when silent', () => {
  const info = capture('info');
  info.logger.debug('each dispatch');
  info.logger.info('a job planned');
  const silent = capture('silent');
  silent.logger.fatal('even this');

  expect(info.lines().map((line) => JSON.parse(line).msg)).toStrictEqual(['a job planned']);
  expect(silent.lines()).toStrictEqual([]);
});

it('escapes control characters in messages, field names and nested fields, so pretty lines cannot drive a terminal', () => {
  const json = capture();
  const pretty = capture('info', 'pretty');

  for (const { logger } of [json, pretty]) logger.warn({ path: '/data/\u001b[2Jx.log', nested: { 'k\u0007': ['\u009b1m'] } }, 'input \u001b]0;owned\u0007 missing');

  expect(JSON.parse(json.lines()[0])).toMatchObject({
    path: '/data/\\x1b[2Jx.log',
    nested: { 'k\\x07': ['\\x9b1m'] },
    msg: 'input \\x1b]0;owned\\x07 missing',
  });
  expect(pretty.lines()).toHaveLength(1);
  expect(pretty.lines()[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN \(coordinator\): input \\x1b\]0;owned\\x07 missing /);
  expect(pretty.lines()[0]).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
});

it('cuts a long string to a bound, saying how much was left out', () => {
  const { logger, lines } = capture();

  logger.info({ error: 'x'.repeat(MAX_LOGGED_STRING + 500) }, 'y'.repeat(MAX_LOGGED_STRING + 1));

  const line = JSON.parse(lines()[0]);
  expect(line.error).toBe(`${'x'.repeat(MAX_LOGGED_STRING)}… (500 more)`);
  expect(line.msg).toBe(`${'y'.repeat(MAX_LOGGED_STRING)}… (1 more)`);
});

it('logs an error as its type, message and stack, escaped', () => {
  const { logger, lines } = capture();
  const err = Object.assign(new TypeError('bad \u001b byte'), { code: 'EBAD' });

  logger.error({ err }, 'unexpected error');

  const logged = JSON.parse(lines()[0]).err;
  expect([logged.type, logged.message, logged.code]).toStrictEqual(['TypeError', 'bad \\x1b byte', 'EBAD']);
  // Its newlines too: one entry is one line, in JSON and pretty alike.
  expect(logged.stack).toMatch(/^TypeError: bad \\x1b byte\\x0a {4}at /);
});

it('takes the level from --log-level, else errors only for --quiet, else info', () => {
  expect(logSettingsFrom({})).toStrictEqual({ level: 'info', style: 'auto' });
  expect(logSettingsFrom({ quiet: true })).toStrictEqual({ level: 'error', style: 'auto' });
  expect(logSettingsFrom({ quiet: true, 'log-level': 'debug', 'log-style': 'json' })).toStrictEqual({ level: 'debug', style: 'json' });
});
