import { pino, type Logger } from 'pino';

/**
 * Header and field names whose values never reach the log. Credentials are redacted wherever
 * they appear in a logged object, so a debug line cannot leak a token or an API key.
 */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  '*.token',
  '*.apiKey',
  '*.password',
  '*.secret',
];

export interface LoggerOptions {
  /** trace | debug | info | warn | error | silent. @default info (LOG_LEVEL) */
  level?: string;
}

/** One JSON line per event on stdout (pino); read it with any log pipeline, or `| npx pino-pretty`. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { service: 'facet' },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}

export type { Logger };
