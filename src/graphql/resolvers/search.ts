/**
 * `gongCallSearch` and the CRM record entity: searches of the read model (src/read-model/), which
 * cost no Gong request. Every call a search matched passes the one privacy rule
 * (src/privacy/call-privacy.ts) against what the gateway knows now, so a call made private or
 * deleted leaves the page, the count and the snippets even before the model applies the change.
 * A hit's call is served from what the model holds (basic fields, parties, Basic CRM context,
 * trackers, topics) when that covers everything the operation selects on GongCall; otherwise the
 * page's calls are read through the loaders and the entity cache like any call (one batch per 100
 * hits), and the rule applies to those fresh records too (a call Gong no longer has leaves).
 */
import { createHash } from 'node:crypto';
import type { GraphQLResolveInfo } from 'graphql';
import { z } from 'zod';
import { badInput, GatewayError, ErrorCode, isGatewayError } from '../../errors.js';
import type {
  GongCallSearchFilter,
  Resolvers,
  ResolversTypes,
} from '../../generated/resolvers-types.js';
import { partsOf } from '../../cache/call-parts.js';
import { hiddenAmong, hiddenIds } from '../../privacy/call-privacy.js';
import type { CallData } from '../../gong/wire.js';
import type {
  CallSearchService,
  SearchFilter,
  SearchInput,
  SearchKey,
} from '../../read-model/read-model.js';
import type { GatewayContext } from '../context.js';
import { checkFirst, decodeOpaque, encodeOpaque } from '../cursor.js';
import type { CallParent, SearchHitParent, SnippetParent } from '../parents.js';
import { connectionOf } from '../paging.js';
import { planOf } from './call-plan.js';
import { gongId, gongIds } from './ids.js';

const MAX_VALUES = 100;
const MAX_TEXT = 500;
const MAX_SNIPPETS = 20;

/** The parts of a call the read model holds, and the flavours it holds them in (see cache/call-parts.ts). */
const MODEL_PARTS: Record<string, readonly string[]> = {
  context: ['Basic:'],
  parties: ['', 'Basic:'],
  'content.trackers': [''],
  'content.topics': [''],
};
const HELD_BY: Record<string, 'parties' | 'context' | 'trackers' | 'topics'> = {
  context: 'context',
  parties: 'parties',
  'content.trackers': 'trackers',
  'content.topics': 'topics',
};

const SearchCursor = z.object({
  t: z.string().max(64),
  i: z.string().max(40),
  /** The search the cursor belongs to. */
  f: z.string().max(32),
});

function service(ctx: GatewayContext): CallSearchService {
  const s = ctx.services.search;
  if (!s)
    throw new GatewayError(
      ErrorCode.SEARCH_UNAVAILABLE,
      'Search is off on this gateway (READ_MODEL=off)',
      { reason: 'off' },
    );
  return s;
}

/** A database failure is SEARCH_UNAVAILABLE (logged), never a masked internal error. */
async function guarded<T>(ctx: GatewayContext, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (isGatewayError(err)) throw err;
    ctx.logger.error({ err }, 'read model query failed');
    throw new GatewayError(ErrorCode.SEARCH_UNAVAILABLE, 'The search read model did not answer', {
      reason: 'database',
    });
  }
}

function list(values: readonly string[] | null | undefined, arg: string, lower = false) {
  if (values == null) return undefined;
  if (values.length === 0 || values.length > MAX_VALUES)
    throw badInput(
      `${arg} must hold 1 to ${MAX_VALUES} values (leave it out to not filter on it), but got ${values.length}`,
      { field: arg },
    );
  const out = values.map((v) => v.trim());
  for (const v of out)
    if (v.length === 0 || v.length > 320)
      throw badInput(
        `${arg} values must be 1 to 320 characters, but got: ${JSON.stringify(v.slice(0, 80))}`,
        {
          field: arg,
        },
      );
  return lower ? out.map((v) => v.toLowerCase()) : out;
}

function word(value: string | null | undefined, arg: string) {
  if (value == null) return undefined;
  const v = value.trim();
  if (v.length === 0 || v.length > 64)
    throw badInput(
      `${arg} must be 1 to 64 characters, but got: ${JSON.stringify(value.slice(0, 80))}`,
      {
        field: arg,
      },
    );
  return v;
}

function duration(value: number | null | undefined, arg: string) {
  if (value == null) return undefined;
  if (value < 0)
    throw badInput(`${arg} must be 0 or more seconds, but got: ${value}`, { field: arg });
  return value;
}

/** The filter, checked and normalised (what the read model compares with). */
export function searchFilter(f: GongCallSearchFilter): SearchFilter {
  const out: SearchFilter = {};
  if (f.from != null) out.from = f.from;
  if (f.to != null) out.to = f.to;
  if (out.from && out.to && Date.parse(out.from) >= Date.parse(out.to))
    throw badInput(`filter.from must be before filter.to, but got ${out.from} and ${out.to}`, {
      field: 'filter.from',
    });
  if (f.text != null) {
    const text = f.text.trim();
    if (text.length === 0 || text.length > MAX_TEXT)
      throw badInput(`filter.text must be 1 to ${MAX_TEXT} characters, but got ${text.length}`, {
        field: 'filter.text',
      });
    out.text = text;
  }
  const set = <K extends keyof SearchFilter>(k: K, v: SearchFilter[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('participantEmails', list(f.participantEmails, 'filter.participantEmails', true));
  set(
    'participantDomains',
    list(f.participantDomains, 'filter.participantDomains', true)?.map((d) => d.replace(/^@/, '')),
  );
  set(
    'primaryUserIds',
    f.primaryUserIds
      ? gongIds(list(f.primaryUserIds, 'filter.primaryUserIds') ?? [], 'filter.primaryUserIds')
      : undefined,
  );
  set('crmObjectIds', list(f.crmObjectIds, 'filter.crmObjectIds'));
  set('trackerNames', list(f.trackerNames, 'filter.trackerNames', true));
  set('topicNames', list(f.topicNames, 'filter.topicNames', true));
  set(
    'workspaceId',
    f.workspaceId != null ? gongId(f.workspaceId, 'filter.workspaceId') : undefined,
  );
  set('direction', word(f.direction, 'filter.direction'));
  set('scope', word(f.scope, 'filter.scope'));
  set('minDuration', duration(f.minDuration, 'filter.minDuration'));
  set('maxDuration', duration(f.maxDuration, 'filter.maxDuration'));
  if (
    out.minDuration !== undefined &&
    out.maxDuration !== undefined &&
    out.minDuration > out.maxDuration
  )
    throw badInput('filter.minDuration must not exceed filter.maxDuration', {
      field: 'filter.minDuration',
    });
  return out;
}

const fingerprint = (filter: SearchFilter, includePrivate: boolean) =>
  createHash('sha256')
    .update(JSON.stringify([filter, includePrivate]))
    .digest('base64url')
    .slice(0, 16);

/** Whether the model's sections of a call answer every GongCall field the operation selects. */
function modelCovers(ctx: GatewayContext, info: GraphQLResolveInfo) {
  const needs = [...partsOf(planOf(ctx, info).selector)];
  return (held: Record<'parties' | 'context' | 'trackers' | 'topics', boolean>) =>
    needs.every(([path, flavour]) => {
      const by = HELD_BY[path];
      return by !== undefined && held[by] && (MODEL_PARTS[path] ?? []).includes(flavour);
    });
}

/** One page of a search, as the connection type the schema declares. */
export async function searchConnection(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  input: {
    filter: SearchFilter;
    first: number;
    after: string | null | undefined;
    includePrivate: boolean;
  },
): Promise<ResolversTypes['GongCallSearchConnection']> {
  const search = service(ctx);
  const f = fingerprint(input.filter, input.includePrivate);
  let after: SearchKey | undefined;
  if (input.after != null) {
    const c = decodeOpaque(SearchCursor, input.after, 'after');
    if (c.f !== f)
      throw badInput('after belongs to a different search (another filter or includePrivate)', {
        field: 'after',
      });
    after = { started: c.t, callId: c.i };
  }
  const ref = ctx.connectionRef;
  const query: SearchInput = {
    filter: input.filter,
    first: input.first,
    includePrivate: input.includePrivate,
    ...(after ? { after } : {}),
    hidden: (ids) =>
      hiddenAmong(
        ctx.services.calls?.standings,
        ref,
        ids.map((id) => ({ id })),
        input.includePrivate,
      ),
  };
  const [page, status] = await guarded(ctx, () =>
    Promise.all([search.search(ref, query), search.status(ref)]),
  );
  const selected = ctx.selected(info);
  const textQuery = page.textQuery;
  const snippets =
    textQuery !== undefined && selected.has('GongCallSearchHit.snippets')
      ? await guarded(ctx, () =>
          search.snippets(
            ref,
            page.hits.map((h) => h.call.metaData.id),
            textQuery,
            MAX_SNIPPETS,
          ),
        )
      : new Map();

  // Calls the model cannot serve alone: one batch through the loaders (entity cache first).
  const covers = modelCovers(ctx, info);
  const lacking = page.hits.filter((h) => !covers(h.held)).map((h) => h.call.metaData.id);
  const loaded = new Map<string, CallData | null | Error>();
  if (lacking.length > 0) {
    const loader = ctx.loaders.calls(planOf(ctx, info).selector);
    const got = await loader.loadMany(lacking);
    lacking.forEach((id, i) => loaded.set(id, got[i] ?? null));
  }
  // The fresh records are newer than the model's rows: the rule applies to them again.
  const freshlyHidden = await hiddenIds(
    ctx.loaders.standings,
    [...loaded].flatMap(([id, fresh]) =>
      fresh && !(fresh instanceof Error) ? [{ id, isPrivate: fresh.metaData.isPrivate }] : [],
    ),
    input.includePrivate,
  );
  const edges: { cursor: string; node: SearchHitParent }[] = [];
  let left = 0;
  for (const h of page.hits) {
    const id = h.call.metaData.id;
    let call: CallParent = { call: h.call, sections: true };
    if (loaded.has(id)) {
      const fresh = loaded.get(id);
      // Gong no longer has it, or it is now private: it leaves the page and the count.
      if (fresh === null || freshlyHidden.has(id)) {
        left++;
        continue;
      }
      if (fresh instanceof Error || fresh === undefined) call = { call: h.call, sections: false };
      else call = { call: fresh, sections: true };
    }
    const parties = call.call.parties ?? h.call.parties ?? [];
    edges.push({
      cursor: encodeOpaque({ t: h.key.started, i: h.key.callId, f }),
      node: {
        call,
        score: h.score,
        snippets: ((snippets.get(id) ?? []) as SnippetParent[]).map((s) => ({ ...s, parties })),
      },
    });
  }
  // The next page starts after the model's last hit, also when fresh reads left some out.
  const last = page.hits.at(-1);
  const c = connectionOf(edges, {
    hasNextPage: page.hasNextPage,
    totalCount: page.totalCount - left,
    after: input.after != null,
    endCursor: last
      ? encodeOpaque({ t: last.key.started, i: last.key.callId, f })
      : (input.after ?? null),
  });
  return {
    totalCount: c.totalCount,
    hits: c.nodes,
    edges: c.edges,
    pageInfo: c.pageInfo,
    indexedThrough: status.indexedThrough,
    indexedFrom: status.indexedFrom,
  };
}

export const searchResolvers: Resolvers = {
  Query: {
    gongCallSearch: (_p, args, ctx, info) =>
      searchConnection(ctx, info, {
        filter: searchFilter(args.filter),
        first: checkFirst(args.first ?? 20),
        after: args.after,
        includePrivate: args.includePrivate === true,
      }),
    gongCrmRecord: (_p, args) => ({ crmObjectId: crmId(args.crmObjectId) }),
  },
  GongCallSearchHit: {
    snippets: (hit, args) => {
      const n = args.first ?? 3;
      if (!Number.isInteger(n) || n < 1 || n > MAX_SNIPPETS)
        throw badInput(
          `snippets(first:) must be an integer from 1 to ${MAX_SNIPPETS}, but got: ${n}`,
          {
            field: 'first',
          },
        );
      return hit.snippets.slice(0, n);
    },
  },
  GongTranscriptSnippet: {
    speaker: (s) =>
      s.speakerId ? (s.parties.find((p) => p.speakerId === s.speakerId) ?? null) : null,
  },
  GongCrmRecord: {
    __resolveReference: (ref) => ({ crmObjectId: crmId(ref.crmObjectId) }),
    gongCalls: (record, args, ctx, info) =>
      searchConnection(ctx, info, {
        filter: searchFilter({
          crmObjectIds: [record.crmObjectId],
          ...(args.from != null ? { from: args.from } : {}),
          ...(args.to != null ? { to: args.to } : {}),
        }),
        first: checkFirst(args.first ?? 20),
        after: args.after,
        includePrivate: args.includePrivate === true,
      }),
  },
};

function crmId(id: string): string {
  const v = id.trim();
  if (v.length === 0 || v.length > 320)
    throw badInput(
      `crmObjectId must be 1 to 320 characters, but got: ${JSON.stringify(id.slice(0, 80))}`,
      {
        field: 'crmObjectId',
      },
    );
  return v;
}
