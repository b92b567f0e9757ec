// The command-line flags of both apps' logs, and the level they choose.
import { LOG_STYLES, LOG_LEVELS, LogStyle, LogLevel, QUIET_LOG_LEVEL } from './logger';

export const LOG_FLAGS = {
  'log-level': { type: 'string', choices: LOG_LEVELS, describe: 'least severe log level written to stderr (default info)' },
  'log-style': { type: 'string', choices: LOG_STYLES, default: 'auto', describe: 'json lines, pretty lines, or auto: pretty when stderr is a terminal' },
  quiet: { type: 'boolean', default: false, describe: `only errors on stderr (--log-level ${QUIET_LOG_LEVEL})` },
} as const;

export interface LogArgs {
  'log-level'?: string;
  'log-style'?: string;
  quiet?: boolean;
}

/** An explicit --log-level wins over --quiet. */
export function logSettingsFrom(argv: LogArgs): { level: LogLevel; style: LogStyle } {
  const level = (argv['log-level'] as LogLevel | undefined) ?? (argv.quiet ? QUIET_LOG_LEVEL : 'info');
  return { level, style: (argv['log-style'] as LogStyle | undefined) ?? 'auto' };
}
