/**
 * OAuth: the token endpoint's answer and the scopes each endpoint needs (connections and the sandbox share them).
 * Part of Gong's wire format (src/gong/wire.ts says how the schemas are read).
 */
import { z } from 'zod';
import { obj, opt } from './common.js';

export const TokenResponse = obj({
  access_token: z.string(),
  refresh_token: opt(z.string()),
  scope: opt(z.string()),
  token_type: opt(z.string()),
  expires_in: opt(z.number()),
  api_base_url_for_customer: opt(z.string()),
});
export type TokenResponse = z.infer<typeof TokenResponse>;

/** The OAuth scope each endpoint needs (Bearer only; Basic keys are not scope-checked). */
export const SCOPES = {
  usersRead: 'api:users:read',
  workspacesRead: 'api:workspaces:read',
  flowsRead: 'api:flows:read',
  callsBasic: 'api:calls:read:basic',
  callsExtensive: 'api:calls:read:extensive',
  callsMediaUrl: 'api:calls:read:media-url',
  transcripts: 'api:calls:read:transcript',
  callsCreate: 'api:calls:create',
} as const;

/** Every scope Gong's OAuth authorize page knows (S1 endpoint descriptions, plus n8n's extras). */
export const GONG_SCOPES: readonly string[] = [
  ...Object.values(SCOPES),
  'api:stats:interaction',
  'api:stats:scorecards',
  'api:stats:user-actions',
  'api:stats:user-actions:detailed',
  'api:settings:trackers:read',
  'api:settings:scorecards:read',
  'api:library:read',
  'api:logs:read',
  'api:coaching:read',
  'api:meetings:user:create',
  'api:meetings:user:update',
  'api:meetings:user:delete',
  'api:meetings:integration:status',
  'api:integration-settings:write',
  'api:digital-interactions:write',
  'api:engagement-data:write',
  'api:data-privacy:read',
  'api:data-privacy:delete',
  'api:crm:upload',
  'api:crm:schema',
  'api:crm:get-objects',
  'api:crm:integrations:read',
  'api:crm:integration:register',
  'api:crm:integration:delete',
  'api:call-user-access:read',
  'api:call-user-access:write',
  'api:crm-calls:manual-association:read',
  'api:flows:write',
  'api:provisioning:read',
  'api:provisioning:read-write',
  'api:permission-profile:read',
  'api:permission-profile:write',
  // Seen in real apps, not in the spec copy.
  'api:ai-briefer:read',
];
