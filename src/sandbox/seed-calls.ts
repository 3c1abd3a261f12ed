/**
 * One call of the seeded tenant (or one that "just ended"), with every section Gong can return.
 * What a response shows is decided later by the contentSelector (call-view.ts). Internal.
 */
import type { CallBasicData, CallContext, Party } from '../gong/wire.js';
import { formatDate } from './dates.js';
import { createRng, type Rng } from './random.js';
import { buildDetails } from './seed-details.js';
import type { CallDetails, CallEnv, StoredCall } from './stored-call.js';
import type { TenantUser } from './seed-people.js';
import * as W from './seed-words.js';

export type { CallEnv, StoredCall } from './stored-call.js';

export interface CallSpec {
  startedMs: number;
  kind?: 'conference' | 'phone' | 'uploaded';
  primary?: TenantUser;
  title?: string;
  workspaceId?: string;
  isPrivate?: boolean;
  durationSeconds?: number;
  /** Explicit scheduled time (calls added through POST /v2/calls). */
  scheduledMs?: number;
  /** Explicit parties instead of generated ones (calls added through POST /v2/calls). */
  parties?: Party[];
  /** Metadata that overrides the generated values. */
  meta?: Partial<CallBasicData>;
}

/** The half-hour calendar slot nearest to a start time, never equal to it (Gong-recorded meetings start off-slot). */
function calendarSlot(startedMs: number): number {
  const slot = Math.round(startedMs / 1_800_000) * 1_800_000;
  return Math.abs(slot - startedMs) < 1000 ? slot - 60_000 : slot;
}

const SF_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
/** A Salesforce-looking 18-character record id with the object's key prefix. */
function sfId(rng: Rng, prefix: string): string {
  let s = prefix;
  while (s.length < 18) s += SF_CHARS[rng.int(0, SF_CHARS.length - 1)] ?? 'A';
  return s;
}

export function buildCall(rng: Rng, env: CallEnv, spec: CallSpec): StoredCall {
  const id = rng.id();
  const roll = rng.next();
  const kind = spec.kind ?? (roll < 0.6 ? 'conference' : roll < 0.9 ? 'phone' : 'uploaded');
  const primary = spec.primary ?? rng.pick(env.callers);
  const internal = rng.chance(0.12) && kind !== 'phone';
  const duration =
    spec.durationSeconds ?? (kind === 'phone' ? rng.int(30, 1200) : rng.int(900, 3600));
  const company = rng.pick(W.COMPANIES);
  // A Gong-recorded web conference starts a little off its calendar slot; others use the start.
  const scheduledMs =
    spec.scheduledMs ??
    (kind === 'conference'
      ? calendarSlot(spec.startedMs)
      : kind === 'uploaded'
        ? spec.startedMs - rng.int(1, 15) * 60_000
        : spec.startedMs);
  const listKeyMs = kind === 'conference' ? scheduledMs : spec.startedMs;
  // Some Gong-recorded starts carry microseconds, as in Gong's own sample.
  const micros = kind === 'conference' && spec.startedMs % 1000 !== 0 ? rng.int(0, 999) : undefined;
  const hasVideo = kind !== 'phone';
  const meta: CallBasicData = {
    id,
    url: `${env.appUrl}/call?id=${id}`,
    title:
      spec.title ??
      (internal
        ? rng.pick(['Weekly pipeline review', 'Deal review', '1:1', 'Forecast call'])
        : kind === 'phone'
          ? `Call with ${company}`
          : `${company} <> Acme - ${rng.pick(W.MEETING_KINDS)}`),
    scheduled: formatDate(scheduledMs, env.offset),
    started:
      micros === undefined
        ? formatDate(spec.startedMs, env.offset)
        : formatDate(spec.startedMs, env.offset, 'micros', micros),
    duration,
    primaryUserId: primary.meta.id,
    direction:
      kind === 'phone'
        ? rng.pick(['Outbound', 'Outbound', 'Inbound'])
        : kind === 'uploaded'
          ? rng.pick(['Conference', 'Unknown'])
          : 'Conference',
    system:
      kind === 'conference'
        ? rng.pick(W.CONFERENCE_SYSTEMS)
        : kind === 'phone'
          ? rng.pick(W.TELEPHONY_SYSTEMS)
          : 'API',
    scope: internal ? 'Internal' : 'External',
    media: hasVideo ? 'Video' : 'Audio',
    language: rng.pick(['eng', 'eng', 'eng', 'eng', 'eng', 'eng', 'eng', 'eng', 'spa', 'und']),
    workspaceId: spec.workspaceId ?? primary.workspaceId,
    sdrDisposition: kind === 'phone' ? rng.pick(W.DISPOSITIONS) : null,
    clientUniqueId: null,
    customData: null,
    purpose:
      kind === 'conference' && rng.chance(0.2) ? `${rng.pick(W.MEETING_KINDS)} meeting` : null,
    meetingUrl:
      kind === 'conference' ? `https://zoom.us/j/${rng.int(1_000_000_000, 9_999_999_999)}` : null,
    isPrivate: spec.isPrivate ?? rng.chance(0.05),
    calendarEventId:
      kind === 'conference'
        ? `${rng.id()}_${formatDate(scheduledMs, 'Z').slice(0, 10).replace(/-/g, '')}`
        : null,
    ...spec.meta,
  };

  const parties: Party[] = spec.parties ? [...spec.parties] : [];
  const internalParty = (u: TenantUser, spoke: boolean): Party => ({
    id: rng.id(),
    emailAddress: u.meta.emailAddress ?? undefined,
    name: `${u.meta.firstName} ${u.meta.lastName}`,
    ...(u.meta.title ? { title: u.meta.title } : {}),
    userId: u.meta.id,
    speakerId: spoke ? rng.id() : null,
    context: [],
    affiliation: 'Internal',
    ...(kind === 'phone' && u.meta.phoneNumber ? { phoneNumber: u.meta.phoneNumber } : {}),
    methods: kind === 'phone' ? ['Attendee'] : ['Invitee', 'Attendee'],
  });
  if (!spec.parties) generateParties();
  function generateParties(): void {
    parties.push(internalParty(primary, true));
    const colleagues = env.activeCallers;
    for (
      let n = internal ? rng.int(1, 4) : kind === 'phone' ? 0 : rng.int(0, 2);
      n > 0 && colleagues.length > 0;
      n--
    ) {
      const u = rng.pick(colleagues);
      if (u !== primary && !parties.some((p) => p.userId === u.meta.id))
        parties.push(internalParty(u, rng.chance(0.8)));
    }
    for (let n = internal ? 0 : kind === 'phone' ? 1 : rng.int(1, 3); n > 0; n--) {
      const name = `${rng.pick(W.FIRST_NAMES)} ${rng.pick(W.LAST_NAMES)}`;
      const email =
        kind !== 'phone' || rng.chance(0.5)
          ? `${name.toLowerCase().replace(' ', '.')}@${company.toLowerCase().replace(/\s/g, '')}.example`
          : undefined;
      const title = rng.chance(0.6) ? rng.pick(W.EXTERNAL_TITLES) : undefined;
      const contactId = sfId(rng, '003');
      const known = email !== undefined || kind === 'phone';
      parties.push({
        id: rng.id(),
        ...(email ? { emailAddress: email } : {}),
        name,
        ...(title ? { title } : {}),
        speakerId: rng.chance(0.85) ? rng.id() : null,
        context:
          known && rng.chance(0.7)
            ? [
                {
                  system: 'Salesforce',
                  objects: [
                    {
                      objectType: 'Contact',
                      objectId: contactId,
                      fields: [
                        { name: 'Name', value: name },
                        { name: 'Title', value: title ?? null },
                      ],
                      timing: 'Now',
                    },
                  ],
                },
              ]
            : [],
        affiliation: known ? 'External' : 'Unknown',
        ...(kind === 'phone'
          ? { phoneNumber: `+1 212-555-${String(rng.int(0, 9999)).padStart(4, '0')}` }
          : {}),
        methods:
          kind === 'phone'
            ? ['Attendee']
            : rng.pick([['Invitee', 'Attendee'], ['Attendee'], ['Invitee']]),
      });
    }
  }

  const accountId = sfId(rng, '001');
  const oppId = sfId(rng, '006');
  const amount = rng.int(5, 400) * 1000;
  const ctx = (stage: string, timing: string): CallContext[] =>
    internal
      ? []
      : [
          {
            system: 'Salesforce',
            objects: [
              {
                objectType: 'Account',
                objectId: accountId,
                fields: [
                  { name: 'Name', value: company },
                  { name: 'Industry', value: rng.pick(W.INDUSTRIES) },
                  { name: 'AnnualRevenue', value: rng.int(1, 900) * 1_000_000 },
                ],
                timing,
              },
              {
                objectType: 'Opportunity',
                objectId: oppId,
                fields: [
                  { name: 'Name', value: `${company} - New Business` },
                  { name: 'StageName', value: stage },
                  { name: 'Amount', value: amount },
                ],
                timing,
              },
            ],
          },
        ];
  const stageAtCall = rng.int(0, W.STAGES.length - 2);
  const contextAtCall = ctx(W.STAGES[stageAtCall] ?? 'Prospecting', 'TimeOfCall');
  const contextNow = ctx(W.STAGES[stageAtCall + rng.int(0, 1)] ?? 'Prospecting', 'Now');

  const detailSeed = rng.int(0, 2 ** 31);
  let details: CallDetails | undefined;
  const call: StoredCall = {
    id,
    meta,
    startedMs: spec.startedMs,
    scheduledMs,
    listKeyMs,
    contextNow,
    contextAtCall,
    parties,
    hasVideo,
    details: () => (details ??= buildDetails(createRng(detailSeed), env, call)),
    transcriptSeed: rng.int(0, 2 ** 31),
    visibleAt: 0,
    transcriptAt: 0,
  };
  return call;
}
