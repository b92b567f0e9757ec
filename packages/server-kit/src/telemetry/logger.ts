// The apps' structured log (pino): JSON lines on stderr, or pino-pretty's lines when stderr is a
// terminal. Every field and message goes through log-safety first. Written synchronously: these are
// events, not a firehose, and a line written just before process.exit must not be lost.
import pino, { Logger } from 'pino';
import pretty from 'pino-pretty';
import { safeLogFields, safeLogText } from './log-safety';

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_STYLES = ['auto', 'json', 'pretty'] as const;
export type LogStyle = (typeof LOG_STYLES)[number];
export type { Logger };

/** What `--quiet` means: errors only (the event log's warnings and notices are gone). */
export const QUIET_LOG_LEVEL: LogLevel = 'error';

export interface LoggerOptions {
  /** The app's name, on every line as `name`. */
  name: string;
  level?: LogLevel;
  /** auto: pretty when stderr is a terminal, else JSON. */
  style?: LogStyle;
  /** Where lines go instead of stderr (tests); pretty lines are then never coloured. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const style = options.style ?? 'auto';
  const prettyLines = style === 'pretty' || (style === 'auto' && process.stderr.isTTY === true);
  const destination = prettyLines
    ? pretty({
        destination: options.destination ?? 2,
        sync: true,
        colorize: options.destination === undefined && process.stderr.isTTY === true,
        singleLine: true,
        ignore: 'pid,hostname',
        translateTime: 'SYS:HH:MM:ss.l',
      })
    : (options.destination ?? pino.destination({ fd: 2, sync: true }));
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      // log-safety has already turned an Error into {type, message, stack}; pino's own serializer would
      // see a plain object and call it "Object".
      serializers: { err: (err: unknown) => err },
      // Level names, not numbers, in JSON: what a reader greps for. pino-pretty wants the numbers.
      formatters: prettyLines ? {} : { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          const safe = args.map((arg) => (typeof arg === 'string' ? safeLogText(arg) : safeLogFields(arg)));
          return method.apply(this, safe as Parameters<typeof method>);
        },
      },
    },
    destination,
  );
}
