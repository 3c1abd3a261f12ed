/** The sandbox options the SANDBOX_* variables set, shared by `npm start` (embedded) and `npm run sandbox`. */
import type { Config } from '../config/config.js';
import type { SandboxOptions } from './types.js';

export function sandboxOptionsFromConfig(c: Config): SandboxOptions {
  return {
    seed: c.SANDBOX_SEED,
    users: c.SANDBOX_USERS,
    calls: c.SANDBOX_CALLS,
    accessKey: c.SANDBOX_ACCESS_KEY,
    accessKeySecret: c.SANDBOX_ACCESS_KEY_SECRET,
    processingDelayMs: c.SANDBOX_PROCESSING_DELAY_MS,
    transcriptDelayMs: c.SANDBOX_TRANSCRIPT_DELAY_MS,
    rateLimit: { perSecond: c.SANDBOX_RATE_PER_SECOND, perDay: c.SANDBOX_DAILY_LIMIT },
  };
}
