/**
 * Checks a create-call input against Gong's NewCallAddingRequest (../gong/wire.ts) plus the rules
 * Gong documents but the wire schema does not encode, so a bad request costs no upstream request
 * (Gong's budget is 3/s, 10k/day). Every failure is BAD_USER_INPUT with `field` set to the dotted
 * path of the first bad field (`parties.0.mediaChannelId`) and every problem in the message.
 */
import { z } from 'zod';
import { badInput, type GatewayError } from '../errors.js';
import { GongDateTime, NewCallAddingRequest } from '../gong/wire.js';

/** Gong's NewCallAddingRequest plus what wire.ts leaves to Gong (docs/gong-contract.md §2 POST /v2/calls). */
const ValidDateTime = GongDateTime.refine(
  (s) => !Number.isNaN(Date.parse(s)),
  'a real calendar date-time',
);
const httpUrl = z.string().refine((s) => {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}, 'an absolute http(s) URL');

const CreateCallRequest = NewCallAddingRequest.extend({
  actualStart: ValidDateTime,
  scheduledStart: ValidDateTime.optional(),
  scheduledEnd: ValidDateTime.optional(),
  downloadMediaUrl: httpUrl.optional(),
  // Gong's list is long and not in our sources; a shape check catches typos like `english`.
  languageCode: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language code like en-US')
    .optional(),
}).superRefine((req, ctx) => {
  // partyId exists only to be referenced from the timeline (Gong: "only needed with speakersTimeline").
  const partyIds = new Set(
    req.parties.flatMap((p) => (p.partyId === undefined ? [] : [p.partyId])),
  );
  (req.speakersTimeline?.speechSegments ?? []).forEach((s, i) => {
    const at = ['speakersTimeline', 'speechSegments', i];
    if (s.toTime < s.fromTime)
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'toTime'],
        message: 'must not be before fromTime',
      });
    if (s.partyIds.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: [...at, 'partyIds'],
        message: 'must name at least one party',
      });
    s.partyIds.forEach((id, j) => {
      if (!partyIds.has(id))
        ctx.addIssue({
          code: 'custom',
          path: [...at, 'partyIds', j],
          message: `no party has partyId ${JSON.stringify(id)}`,
        });
    });
  });
  if (
    req.scheduledStart !== undefined &&
    req.scheduledEnd !== undefined &&
    Date.parse(req.scheduledEnd) < Date.parse(req.scheduledStart)
  )
    ctx.addIssue({
      code: 'custom',
      path: ['scheduledEnd'],
      message: 'must not be before scheduledStart',
    });
  // Gong: parties "must include a party for the primary user". A party may name that user by
  // userId or by email; only when no party can be that user is the request surely refused.
  const mayBePrimary = req.parties.some(
    (p) => p.userId === req.primaryUser || (p.userId === undefined && p.emailAddress !== undefined),
  );
  if (!mayBePrimary)
    ctx.addIssue({
      code: 'custom',
      path: ['parties'],
      message: `must include a party for the primary user ${req.primaryUser} (userId ${req.primaryUser}, or that user's emailAddress)`,
    });
});

/** GraphQL sends explicit nulls for absent optional fields; Gong's request simply omits them. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    if (v !== null && v !== undefined) out[k] = k === 'value' ? v : withoutNulls(v);
  return out;
}

function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  let v: unknown = input;
  for (const key of issue.path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  if (v === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value'))
    return 'is required';
  if (issue.code === 'invalid_type' && issue.expected === 'int')
    return `must be a whole number, but got: ${JSON.stringify(v)}`;
  if (issue.code === 'too_small' && issue.origin === 'number')
    return `must be at least ${String(issue.minimum)}, but got: ${JSON.stringify(v)}`;
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `must be at most ${String(issue.maximum)} characters`;
  if (issue.code === 'too_small' && issue.origin === 'string')
    return `must be at least ${String(issue.minimum)} character(s)`;
  if (issue.code === 'too_small' && issue.origin === 'array')
    return `must have at least ${String(issue.minimum)} item(s)`;
  if (issue.code === 'invalid_value' && 'values' in issue)
    return `must be one of ${issue.values.map((x) => JSON.stringify(x)).join(', ')}, but got: ${JSON.stringify(v)}`;
  if (issue.code === 'invalid_union') return `must be 0 or 1, but got: ${JSON.stringify(v)}`;
  return `must be ${issue.message.replace(/^Invalid (input: expected )?/, '')}${v === undefined ? '' : `, but got: ${JSON.stringify(v).slice(0, 80)}`}`;
}

/** The wire body for POST /v2/calls, or a BAD_USER_INPUT naming the field(s) that break Gong's rules. */
export function validateCreateCall(input: unknown): NewCallAddingRequest {
  const body = withoutNulls(input);
  const parsed = CreateCallRequest.safeParse(body);
  if (parsed.success) return parsed.data;
  throw createCallError(parsed.error.issues, body);
}

function createCallError(issues: readonly z.core.$ZodIssue[], body: unknown): GatewayError {
  const named = issues.map((i) => ({
    field: i.path.map(String).join('.') || 'input',
    message: issueMessage(i, body),
  }));
  const first = named[0] ?? { field: 'input', message: 'is invalid' };
  const all = named.map((n) => `${n.field} ${n.message}`).join('; ');
  return badInput(`gongCreateCall input does not meet Gong's rules for POST /v2/calls: ${all}`, {
    field: first.field,
    fields: [...new Set(named.map((n) => n.field))],
  });
}
