/**
 * Structured JSON logs (pino). Secrets are redacted twice: by path (pino's fast redaction, for
 * the usual shapes) and by key name at any depth plus `Bearer …`/`Basic …` inside strings (for
 * objects nobody anticipated, such as an error carrying request headers). So a token, key or
 * Authorization header never reaches a log line even when a whole object is logged.
 * Every line written while an HTTP request is served carries its `requestId` (request-context.ts).
 */
import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { stdoutDestination } from './log-destination.js';
import { currentRequestId } from './request-context.js';

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

export const REDACTED = '[redacted]';

/** Key names whose values are credentials, whatever the nesting (`x-api-key`, `id_token`, `TOKEN_ENCRYPTION_KEY` …). */
const SECRET_KEY =
  /authorization|cookie|secret|passw(or)?d|credential|api[-_]?keys?$|access[-_]?key|private[-_]?key|encryption[-_]?key|signature|(^|[-_a-z])tokens?$/i;
/** A credential inside free text, e.g. an error message that quotes a header. */
const CREDENTIAL_IN_TEXT = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi;

const scrubText = (s: string): string =>
  s.replace(CREDENTIAL_IN_TEXT, (_m, scheme: string) => `${scheme} ${REDACTED}`);

/** A copy of `value` with secret-named keys censored and credentials in strings masked. Never throws. */
export function scrubSecrets(
  value: unknown,
  depth = 0,
  seen: WeakSet<object> = new WeakSet(),
): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (depth > 8 || seen.has(value)) return '[elided]';
  seen.add(value);
  // Errors become plain objects here (type, message, stack, own fields) so their fields are scrubbed too.
  const source: object = value instanceof Error ? { ...stdSerializers.err(value) } : value;
  if (Array.isArray(source)) return source.map((v: unknown) => scrubSecrets(v, depth + 1, seen));
  if (!isPlain(source)) return source;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(source))
    out[k] =
      SECRET_KEY.test(k) && v !== undefined && v !== null
        ? REDACTED
        : scrubSecrets(v, depth + 1, seen);
  return out;
}

function isPlain(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function createLogger(opts: { level: string; destination?: DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'gong-gateway' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Errors were already serialised (and scrubbed) by formatters.log; keep that shape.
      serializers: { err: (e: unknown) => (e instanceof Error ? scrubSecrets(e) : e) },
      formatters: {
        log: (obj) => scrubSecrets(obj) as Record<string, unknown>,
        bindings: (b) => scrubSecrets(b) as Record<string, unknown>,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(
            this,
            args.map((a: unknown) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<
              typeof method
            >,
          );
        },
      },
      mixin(_obj, _level, logger) {
        const requestId = currentRequestId();
        // A child logger that already binds a requestId (the GraphQL context's) must not get it twice.
        if (requestId === undefined || logger.bindings().requestId !== undefined) return {};
        return { requestId };
      },
    },
    // Never pino's default (synchronous stdout): see ./log-destination.ts.
    opts.destination ?? stdoutDestination(),
  );
}

/** A logger that writes nothing (tests, benchmarks). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
