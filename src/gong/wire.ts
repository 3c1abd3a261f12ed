/**
 * Gong's wire format (REST API v2) as the gateway reads it: the client validates every response
 * with these schemas. Tests never check the sandbox with them: test/contract/ checks both sides
 * against Gong's own OpenAPI document. Sources: docs/gong-contract.md.
 *
 * Two tolerance rules from Gong's spec and captures:
 * - Gong "may, without prior warning, add fields to the JSON output": objects are loose (unknown
 *   keys pass through untouched).
 * - Optional fields arrive as explicit `null` in some places and are omitted in others: every
 *   optional field is `.nullish()`.
 */
export * from './wire/common.js';
export * from './wire/users.js';
export * from './wire/workspaces.js';
export * from './wire/flows.js';
export * from './wire/calls.js';
export * from './wire/transcripts.js';
export * from './wire/writes.js';
export * from './wire/oauth.js';
export * from './wire/webhooks.js';
export * from './wire/scorecards.js';
