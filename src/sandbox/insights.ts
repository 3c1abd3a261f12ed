/**
 * The tenant's data beyond calls and people, derived from them so that every answer agrees with
 * the calls: scorecard definitions and reviews of its calls, keyword trackers (the ids calls'
 * tracker hits carry), call outcome definitions (the names calls' outcomes carry) and library
 * folders holding its calls. Built on first use. Internal to the sandbox.
 */
import type { Scorecard } from '../gong/wire/scorecards.js';
import type {
  CallOutcomeDefinition,
  KeywordTracker,
  LibraryCall,
  LibraryFolder,
} from '../gong/wire-stats.js';
import { outcomeDefinitions } from './call-outcomes.js';
import { formatDate } from './dates.js';
import { createRng, subSeed, type Rng } from './random.js';
import type { StoredCall } from './seed-calls.js';
import { reviewOf, seedScorecards, type StoredReview } from './seed-scorecards.js';
import type { Tenant } from './tenant.js';
import * as W from './seed-words.js';

const DAY = 86_400_000;

export interface StoredFolder {
  folder: LibraryFolder;
  workspaceId: string;
  calls: LibraryCall[];
}

export class TenantInsights {
  readonly scorecards: Scorecard[];
  readonly trackers: KeywordTracker[];
  readonly callOutcomes: CallOutcomeDefinition[];
  readonly folders: StoredFolder[];
  #reviews: StoredReview[] | undefined;
  readonly #added: StoredReview[] = [];

  constructor(private readonly tenant: Tenant) {
    const rng = createRng(subSeed(tenant.opts.seed, 0x1a51));
    const { anchorMs, utcOffset } = tenant.opts;
    this.scorecards = seedScorecards(
      rng,
      tenant.users,
      tenant.workspaces.map((w) => w.id),
      anchorMs,
      utcOffset,
    );
    this.trackers = seedTrackers(rng, tenant, anchorMs, utcOffset);
    this.callOutcomes = outcomeDefinitions();
    this.folders = seedFolders(rng, tenant);
  }

  /** Every review of a seeded call, plus the ones added at run time, whether visible yet or not. */
  reviews(): readonly StoredReview[] {
    this.#reviews ??= this.tenant
      .allCalls()
      .flatMap((c) => reviewOf(c, this.scorecards, this.tenant.users) ?? []);
    return [...this.#reviews, ...this.#added];
  }

  /** Reviews published by `at` of calls visible at `at`. */
  visibleReviews(at: number): StoredReview[] {
    return this.reviews().filter((r) => r.reviewMs <= at && this.#visible(r.callId, at));
  }

  /** A reviewer answers a scorecard on the call now (the control API's "someone reviewed it"). */
  addReview(call: StoredCall, at: number, reviewerId?: string): StoredReview | undefined {
    const reviewer = reviewerId === undefined ? undefined : this.tenant.userById(reviewerId);
    const review = reviewOf(call, this.scorecards, this.tenant.users, at, reviewer);
    if (review) this.#added.push(review);
    return review;
  }

  #visible(callId: string, at: number): boolean {
    const call = this.tenant.callById(callId);
    return call !== undefined && call.visibleAt !== undefined && call.visibleAt <= at;
  }
}

function seedTrackers(
  rng: Rng,
  tenant: Tenant,
  anchorMs: number,
  offset: string,
): KeywordTracker[] {
  const main = tenant.workspaces[0]?.id ?? null;
  const admins = tenant.users.filter((u) => u.role === 'head' || u.role === 'manager');
  return W.TRACKERS.map((t, i) => {
    const builtIn = t.type === 'SMART';
    const created = anchorMs - rng.int(200, 600) * DAY;
    const author = !builtIn && admins.length > 0 ? rng.pick(admins).meta.id : null;
    return {
      trackerId: tenant.env.trackerIds[i] ?? rng.id(),
      trackerName: t.name,
      workspaceId: main,
      languageKeywords:
        t.phrases.length > 0
          ? [{ language: 'eng', keywords: [...t.phrases], includeRelatedForms: true }]
          : [],
      affiliation:
        t.name === 'Competitors' ? 'NonCompany' : t.name === 'Pricing' ? 'Anyone' : 'Company',
      partOfQuestion: t.name === 'Security',
      saidAt: t.name === 'Next steps' ? 'Last' : 'Anytime',
      saidAtInterval: t.name === 'Next steps' ? 10 : null,
      saidAtUnit: t.name === 'Next steps' ? 'Minutes' : null,
      saidInTopics: [],
      saidInCallParts: [],
      filterQuery:
        t.name === 'Competitors'
          ? '{"type":"And","filters":[{"type":"CallScope","terms":["EXTERNAL"]}]}'
          : null,
      created: formatDate(created, offset),
      creatorUserId: author,
      updated: formatDate(created + rng.int(1, 100) * DAY, offset),
      updaterUserId: author,
    };
  });
}

/** Per workspace: a "Best calls" tree and an onboarding folder, each holding some of its seeded calls. */
function seedFolders(rng: Rng, tenant: Tenant): StoredFolder[] {
  const { anchorMs, utcOffset } = tenant.opts;
  const seeded = tenant.allCalls().filter((c) => c.visibleAt !== undefined && !c.meta.isPrivate);
  const out: StoredFolder[] = [];
  for (const ws of tenant.workspaces) {
    const members = tenant.users.filter((u) => u.workspaceId === ws.id && u.role !== 'avatar');
    const calls = seeded.filter((c) => c.meta.workspaceId === ws.id);
    const root = rng.id();
    for (const [name, parent] of [
      ['Best calls', null],
      ['Discovery', root],
      ['Objection handling', root],
      ['Onboarding', null],
    ] as const) {
      const folderId = name === 'Best calls' ? root : rng.id();
      const creator = members.length > 0 ? rng.pick(members).meta.id : null;
      const picked =
        calls.length === 0
          ? []
          : Array.from({ length: rng.int(3, 8) }, () => rng.pick(calls)).filter(
              (c, i, all) => all.indexOf(c) === i,
            );
      const entries: LibraryCall[] = picked.map((c) => {
        const snippet = rng.chance(0.5)
          ? (() => {
              const from = rng.int(0, Math.max(0, (c.meta.duration ?? 60) - 60));
              return { fromSec: from, toSec: from + rng.int(20, 60) };
            })()
          : null;
        return {
          id: c.id,
          title: c.meta.title ?? null,
          note: rng.chance(0.5) ? rng.pick(W.COMMENTS) : null,
          addedBy: members.length > 0 ? rng.pick(members).meta.id : null,
          created: formatDate(Math.min(anchorMs, c.startedMs + rng.int(1, 10) * DAY), utcOffset),
          url: c.meta.url ?? null,
          snippet,
        };
      });
      out.push({
        folder: {
          id: folderId,
          name,
          parentFolderId: parent,
          createdBy: creator,
          updated: formatDate(anchorMs - rng.int(1, 60) * DAY, utcOffset),
        },
        workspaceId: ws.id,
        calls: entries,
      });
    }
  }
  return out;
}
