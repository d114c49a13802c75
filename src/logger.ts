/** Structured logs (pino). Secrets are redacted wherever they might appear. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', name = 'verbatim'): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: ['req.headers.authorization', 'headers.authorization', '*.secret', '*.apiKey', '*.key'],
      censor: '[redacted]',
    },
  });
}
