import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger };

/**
 * Structured JSON logs (pino). Secrets never reach a log line: the redaction list covers every
 * field name under which a token, password or key could travel, as a second line of defence
 * behind code that simply never logs them.
 */
const REDACT = [
  'password',
  '*.password',
  'api_token',
  '*.api_token',
  'apiToken',
  '*.apiToken',
  'sipPassword',
  '*.sipPassword',
  'secretKey',
  '*.secretKey',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'headers["proxy-authorization"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'vsip' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    destination,
  );
}
