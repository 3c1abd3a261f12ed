/**
 * Structured JSON logs (pino). Secrets are redacted by path, so a token, key or Authorization
 * header never reaches a log line even when a whole object is logged.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'authorization',
  'Authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'access_token',
  'refresh_token',
  '*.access_token',
  '*.refresh_token',
  'accessToken',
  'refreshToken',
  '*.accessToken',
  '*.refreshToken',
  'client_secret',
  '*.client_secret',
  'accessKeySecret',
  '*.accessKeySecret',
  'secret',
  '*.secret',
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
];

export function createLogger(opts: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'gong-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    opts.destination as never,
  );
}

/** A logger that writes nothing (tests, benchmarks). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
