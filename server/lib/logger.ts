import { type DestinationStream, type Logger, pino } from 'pino';
import PinoPretty from 'pino-pretty';

export type { Logger };

/** `pretty`: coloured readable lines for a developer's terminal; `json`: one JSON object a line (production, pipes). */
export type LogFormat = 'json' | 'pretty';

/** Readable lines only where a person reads them: a terminal, outside production. */
export function logFormatFor(stdoutIsTty: boolean, nodeEnv: string): LogFormat {
  return stdoutIsTty && nodeEnv !== 'production' ? 'pretty' : 'json';
}

export function createLogger(level: string, format: LogFormat = 'json', destination?: DestinationStream): Logger {
  // Synchronous pretty stream in this thread (no transport worker): lines are not lost when the process exits.
  const stream =
    destination ??
    (format === 'pretty'
      ? PinoPretty({ colorize: true, sync: true, singleLine: true, translateTime: 'SYS:HH:MM:ss' })
      : undefined);
  const options = {
    level,
    base: undefined,
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.apiKey', '*.password'], remove: true },
  };
  return stream ? pino(options, stream) : pino(options);
}
