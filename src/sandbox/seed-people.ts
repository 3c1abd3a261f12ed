/**
 * The seeded tenant's people and structure: users with a manager hierarchy, workspaces and
 * Engage flows. Deterministic for a given Rng. Internal to the sandbox.
 */
import type { UserMetadata, Workspace } from '../gong/wire.js';
import { formatDate } from './dates.js';
import type { Rng } from './random.js';
import { FIRST_NAMES, LAST_NAMES } from './seed-words.js';

const DAY = 86_400_000;
export const COMPANY_DOMAIN = 'acme-sandbox.com';

export interface TenantUser {
  meta: UserMetadata;
  role: 'head' | 'manager' | 'rep' | 'avatar';
  workspaceId: string;
  /** Holds a Gong Engage licence (GET /v2/flows answers 400 for owners without one). */
  engageLicensed: boolean;
  createdMs: number;
}

export interface TenantFlow {
  id: string;
  name: string;
  folderId: string;
  folderName: string;
  /** Company flows are visible to everyone; Personal ones to their owner and the users shared with. */
  kind: 'Company' | 'Personal';
  ownerId: string;
  sharedWith: string[];
  workspaceId: string;
  creationMs: number;
  exclusive: boolean;
}

export function seedWorkspaces(rng: Rng): Workspace[] {
  return [
    { id: rng.id(), name: 'Sales', description: 'New business: SDRs and account executives' },
    { id: rng.id(), name: 'Customer Success', description: 'Renewals, onboarding and expansion' },
    { id: rng.id(), name: 'Partners', description: 'Channel and alliance partners' },
  ];
}

/** `count` users: one head, about one manager per seven reps, a few inactive reps; plus two Gong-staff avatars. */
export function seedUsers(
  rng: Rng,
  count: number,
  workspaces: Workspace[],
  anchorMs: number,
  offset: string,
): TenantUser[] {
  const managers = Math.max(count > 1 ? 1 : 0, Math.round(count / 8));
  const inactive = Math.floor(count * 0.08);
  const emails = new Set<string>();
  const users: TenantUser[] = [];
  const makeEmail = (first: string, last: string, domain: string) => {
    const base = `${first}.${last}`.toLowerCase().replace(/[^a-z.]/g, '');
    let email = `${base}@${domain}`;
    for (let n = 2; emails.has(email); n++) email = `${base}${n}@${domain}`;
    emails.add(email);
    return email;
  };
  for (let i = 0; i < count + 2; i++) {
    const role: TenantUser['role'] =
      i === 0 ? 'head' : i <= managers ? 'manager' : i < count ? 'rep' : 'avatar';
    const first = rng.pick(FIRST_NAMES);
    const last = rng.pick(LAST_NAMES);
    const email = makeEmail(first, last, role === 'avatar' ? 'gong.io' : COMPANY_DOMAIN);
    const createdMs = anchorMs - rng.int(120, 900) * DAY - rng.int(0, DAY / 1000) * 1000;
    const workspace = role === 'head' ? workspaces[0] : rng.pick(workspaces);
    const managerPool = users.filter((u) =>
      role === 'manager' ? u.role === 'head' : u.role === 'manager',
    );
    const managerId =
      role === 'head' || role === 'avatar'
        ? undefined
        : (managerPool.length > 0 ? rng.pick(managerPool) : users[0])?.meta.id;
    const active = !(role === 'rep' && i >= count - inactive);
    const secondLanguage = rng.chance(0.25)
      ? rng.pick(['es-ES', 'fr-FR', 'de-DE', 'pt-BR'])
      : undefined;
    const primaryLanguage = rng.chance(0.9) ? 'en-US' : 'en-GB';
    const meta: UserMetadata = {
      id: rng.id(),
      emailAddress: email,
      created: formatDate(createdMs, offset),
      active,
      emailAliases: rng.chance(0.2) ? [`${first[0]}${last}@acme-sandbox.io`.toLowerCase()] : [],
      trustedEmailAddress: rng.chance(0.8) ? email : null,
      firstName: first,
      lastName: last,
      title:
        role === 'head'
          ? 'VP of Sales'
          : role === 'manager'
            ? rng.pick(['Sales Manager', 'CS Manager'])
            : role === 'avatar'
              ? 'Gong Support'
              : rng.pick(['Account Executive', 'SDR', 'Customer Success Manager']),
      phoneNumber: rng.chance(0.7)
        ? `+1 415-555-${String(rng.int(0, 9999)).padStart(4, '0')}`
        : null,
      extension: rng.chance(0.2) ? String(rng.int(100, 999)) : null,
      personalMeetingUrls: rng.chance(0.8)
        ? [`https://zoom.us/j/${rng.int(1_000_000_000, 9_999_999_999)}`]
        : [],
      settings: {
        webConferencesRecorded: rng.chance(0.9),
        preventWebConferenceRecording: rng.chance(0.05),
        telephonyCallsImported: rng.chance(0.6),
        emailsImported: rng.chance(0.7),
        preventEmailImport: rng.chance(0.05),
        nonRecordedMeetingsImported: rng.chance(0.5),
        gongConnectEnabled: rng.chance(0.4),
      },
      managerId: managerId ?? null,
      meetingConsentPageUrl: rng.chance(0.5)
        ? `https://join.gong.io/acme-sandbox/${email.split('@')[0]}`
        : null,
      spokenLanguages: [
        { language: primaryLanguage, primary: true },
        ...(secondLanguage ? [{ language: secondLanguage, primary: false }] : []),
      ],
      // Real answers carry this key (a recorded one was null); its non-null shape is not documented.
      conferencingProviders: null,
    };
    users.push({
      meta,
      role,
      workspaceId: workspace?.id ?? '',
      engageLicensed: role !== 'avatar' && (role === 'head' || rng.chance(0.75)),
      createdMs,
    });
  }
  return users;
}

const FOLDERS = ['Outbound', 'Inbound', 'Events', 'Renewals'] as const;
const FLOW_NAMES = [
  'Cold outbound',
  'Webinar follow-up',
  'Trial nurture',
  'Renewal reminder',
  'Re-engage closed lost',
  'Event invites',
  'Inbound demo request',
  'Champion change',
  'Expansion play',
  'Security review',
  'Quarterly check-in',
  'Referral ask',
] as const;

/** About a dozen flows: Company ones, Personal ones and Personal ones shared with a few colleagues. */
export function seedFlows(
  rng: Rng,
  users: TenantUser[],
  workspaces: Workspace[],
  anchorMs: number,
  count: number = FLOW_NAMES.length,
): TenantFlow[] {
  const owners = users.filter((u) => u.engageLicensed && u.meta.active && u.role !== 'avatar');
  if (owners.length === 0) return [];
  const folderIds = FOLDERS.map(() => rng.id());
  // Beyond the dozen names, numbered variants (a large tenant has many personal flows).
  const names = Array.from(
    { length: count },
    (_, i) =>
      (i < FLOW_NAMES.length
        ? FLOW_NAMES[i]
        : `${FLOW_NAMES[i % FLOW_NAMES.length]} ${Math.floor(i / FLOW_NAMES.length) + 1}`) as string,
  );
  return names.map((name, i) => {
    const folder = rng.int(0, FOLDERS.length - 1);
    const owner = rng.pick(owners);
    const kind: TenantFlow['kind'] = i < 4 ? 'Company' : 'Personal';
    const others = owners.filter((u) => u !== owner);
    const sharedWith =
      kind === 'Personal' && i >= 8 && others.length > 0
        ? Array.from({ length: rng.int(1, 3) }, () => rng.pick(others).meta.id)
        : [];
    return {
      id: rng.id(),
      name,
      folderId: folderIds[folder] ?? '',
      folderName: FOLDERS[folder] ?? '',
      kind,
      ownerId: owner.meta.id,
      sharedWith: [...new Set(sharedWith)],
      workspaceId: (i % 5 === 4 ? rng.pick(workspaces) : workspaces[0])?.id ?? '',
      creationMs: anchorMs - rng.int(10, 400) * DAY,
      exclusive: rng.chance(0.3),
    };
  });
}
