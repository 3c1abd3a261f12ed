/**
 * How many Gong requests an operation will cause, estimated before it runs from its selection,
 * its arguments and what is already cached or in flight (those count zero), so an operation past
 * GONG_MAX_REQUESTS_PER_OPERATION is refused before anything is spent. The estimate is a
 * deliberate upper bound of the common shapes, in one table per concern:
 * - each root field (every alias counts) by what it reads (`ROOT`): a list page per 100 items, a
 *   by-id read per 100 uncached ids, a full read when it is not cached, the flows fan-out (the
 *   users list, then one request per user of the cached users list, else `USERS_GUESS`, at most
 *   FLOWS_REFRESH_MAX_REQUESTS), `_entities` per type;
 * - each link below a root (`LINKS`: a call's users, transcript, workspace, a user's manager) one
 *   batch per 100 of the root's items, per level.
 * Execution then counts what is really sent (operation-scope.ts): the estimate refuses early, the
 * count holds the ceiling whatever the estimate missed. `_entities` is also capped at
 * GRAPHQL_MAX_ENTITIES representations. Internal to the operation pipeline.
 */
import {
  Kind,
  OperationTypeNode,
  getArgumentValues,
  getNamedType,
  isAbstractType,
  isObjectType,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { badInput } from '../../errors.js';
import { PAGE_SIZE as PAGE } from '../../gong/wire/common.js';
import type { Loaders } from '../../loaders/index.js';

/** Users assumed for the flows fan-out when the users list is not cached. */
export const USERS_GUESS = 100;

const pages = (n: number) => Math.max(1, Math.ceil(n / PAGE));
const int = (v: unknown, fallback: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.max(0, v) : fallback;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

type Peek = Loaders['peek'];
/** A root field's cost: requests, and how many items its links multiply by. */
interface Cost {
  requests: number;
  items: number;
}
/** Ceilings the estimate follows where the read itself stops at one. */
interface Ceilings {
  /** FLOWS_REFRESH_MAX_REQUESTS: a full flows read sends at most this many. */
  flowsRefreshMaxRequests: number;
}
type RootCost = (args: Record<string, unknown>, peek: Peek, ceilings: Ceilings) => Promise<Cost>;

const byIds =
  (kind: 'call' | 'user' | 'transcript', arg: string, one = false): RootCost =>
  async (args, peek) => {
    const ids = one ? strings([args[arg]]) : strings(args[arg]);
    const missing = await peek.uncached(kind, ids);
    return { requests: missing.length === 0 ? 0 : pages(missing.length), items: ids.length };
  };

const fullRead =
  (key: (args: Record<string, unknown>) => string): RootCost =>
  async (args, peek) => ({
    requests: (await peek.fullRead(key(args))).state === 'missing' ? 1 : 0,
    items: PAGE,
  });

const listed: RootCost = (args) =>
  Promise.resolve({ requests: pages(int(args.first, PAGE)), items: int(args.first, PAGE) });

const twice: RootCost = (args) =>
  Promise.resolve({ requests: 2 * pages(int(args.first, PAGE)), items: int(args.first, PAGE) });

/** The Gong requests of each root field, by name. Unknown fields count one request. */
const ROOT: Record<string, RootCost> = {
  gongCalls: (args) =>
    Promise.resolve({
      requests: pages(int(args.first, PAGE)) + (args.orderBy === 'STARTED_DESC' ? 2 : 0),
      items: int(args.first, PAGE),
    }),
  gongCall: byIds('call', 'id', true),
  gongCallsByIds: byIds('call', 'ids'),
  gongCallsSync: listed,
  // The calls of the window, then their transcripts.
  gongTranscripts: twice,
  gongTranscriptsSync: twice,
  gongUser: byIds('user', 'id', true),
  gongUsersByIds: byIds('user', 'ids'),
  gongUsers: async (args, peek) => {
    const first = int(args.first, PAGE);
    return {
      requests: (await peek.fullRead('users')).state === 'missing' ? pages(first) : 0,
      items: first,
    };
  },
  gongWorkspaces: fullRead(() => 'workspaces'),
  gongWorkspace: fullRead(() => 'workspaces'),
  gongFlows: async (args, peek, ceilings) => {
    const first = int(args.first, PAGE);
    if (typeof args.ownerEmail === 'string') return { requests: pages(first), items: first };
    const ws = typeof args.workspaceId === 'string' ? args.workspaceId : '*';
    if ((await peek.fullRead(`flows:${ws}`)).state !== 'missing')
      return { requests: 0, items: first };
    // A refresh lists the users itself (pages), then reads each one's flows, up to its ceiling;
    // a cached users list only tells how many there are.
    const users = await peek.fullRead('users');
    const count =
      users.state === 'cached' && Array.isArray(users.value) ? users.value.length : USERS_GUESS;
    return {
      requests: Math.min(pages(count) + count, ceilings.flowsRefreshMaxRequests),
      items: first,
    };
  },
  gongScorecards: fullRead(() => 'scorecards'),
  gongTrackers: fullRead(
    (a) => `trackers:${typeof a.workspaceId === 'string' ? a.workspaceId : 'all'}`,
  ),
  gongLibraryFolders: fullRead(
    (a) => `library-folders:${typeof a.workspaceId === 'string' ? a.workspaceId : 'all'}`,
  ),
  gongCallOutcomes: fullRead(() => 'call-outcomes'),
  // Answered by the gateway itself.
  gongConnection: () => Promise.resolve({ requests: 0, items: 0 }),
  gongConnections: () => Promise.resolve({ requests: 0, items: 0 }),
  gongWebhookDeadLetters: () => Promise.resolve({ requests: 0, items: 0 }),
  gongConnectEnabled: () => Promise.resolve({ requests: 0, items: 0 }),
  __typename: () => Promise.resolve({ requests: 0, items: 0 }),
  __schema: () => Promise.resolve({ requests: 0, items: 0 }),
  __type: () => Promise.resolve({ requests: 0, items: 0 }),
  _service: () => Promise.resolve({ requests: 0, items: 0 }),
  gongDisconnect: () => Promise.resolve({ requests: 0, items: 0 }),
  gongStartOAuth: () => Promise.resolve({ requests: 0, items: 0 }),
  gongSetWebhookPublicKey: () => Promise.resolve({ requests: 0, items: 0 }),
  gongEvictCache: () => Promise.resolve({ requests: 0, items: 0 }),
};

/** `_entities` representations' kinds that read by id through the entity cache. */
const ENTITY_KINDS: Record<string, 'call' | 'user' | 'transcript'> = {
  GongCall: 'call',
  GongUser: 'user',
  GongTranscript: 'transcript',
};

/** Links below a root that cost a batch per 100 parent items (per level they appear at). */
const LINKS: ReadonlySet<string> = new Set([
  'GongCall.primaryUser',
  'GongParty.user',
  'GongUser.manager',
  'GongCall.transcript',
  'GongCall.workspace',
  'GongCall.scorecards',
]);

export interface EstimateInput {
  schema: GraphQLSchema;
  operation: OperationDefinitionNode;
  fragments: Record<string, FragmentDefinitionNode>;
  variables: Record<string, unknown> | undefined;
  peek: Peek;
  /** GRAPHQL_MAX_ENTITIES. */
  maxEntities: number;
  /** FLOWS_REFRESH_MAX_REQUESTS. */
  flowsRefreshMaxRequests: number;
}

/** The Gong requests the operation is expected to cause (0 for subscriptions: their events are counted as they run). */
export async function estimateUpstreamRequests(input: EstimateInput): Promise<number> {
  if (input.operation.operation === OperationTypeNode.SUBSCRIPTION) return 0;
  const root = input.schema.getRootType(input.operation.operation);
  if (!root) return 0;
  let total = 0;
  for (const field of fieldsOf(input.operation.selectionSet, input.fragments)) {
    const def = root.getFields()[field.name.value];
    if (!def) continue;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(def, field, input.variables ?? {});
    } catch {
      continue; // bad arguments: execution reports them, before any request
    }
    const name = field.name.value;
    const cost =
      name === '_entities'
        ? await entitiesCost(args, input.peek, input.maxEntities)
        : await (ROOT[name] ?? (() => Promise.resolve({ requests: 1, items: 1 })))(
            args,
            input.peek,
            input,
          );
    total += cost.requests;
    const type = getNamedType(def.type);
    if (field.selectionSet && isObjectType(type))
      total += linksCost(input.schema, type, field.selectionSet, input.fragments, cost.items);
  }
  return total;
}

async function entitiesCost(
  args: Record<string, unknown>,
  peek: Peek,
  maxEntities: number,
): Promise<Cost> {
  const reps = list(args.representations);
  if (reps.length > maxEntities)
    throw badInput(
      `_entities takes at most ${maxEntities} representations (GRAPHQL_MAX_ENTITIES), but got ${reps.length}`,
      { field: 'representations' },
    );
  const byType = new Map<string, string[]>();
  for (const r of reps) {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    const type = typeof o.__typename === 'string' ? o.__typename : '';
    const id = typeof o.id === 'string' ? o.id : typeof o.callId === 'string' ? o.callId : '';
    byType.set(type, [...(byType.get(type) ?? []), id]);
  }
  let requests = 0;
  for (const [type, ids] of byType) {
    const kind = ENTITY_KINDS[type];
    if (!kind) requests += 1;
    else {
      const missing = await peek.uncached(kind, ids);
      requests += missing.length === 0 ? 0 : pages(missing.length);
    }
  }
  return { requests, items: reps.length };
}

/** One batch per 100 items for each link field met below a root, at every level. */
function linksCost(
  schema: GraphQLSchema,
  type: GraphQLObjectType,
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  items: number,
): number {
  let total = 0;
  for (const field of fieldsOf(set, fragments, schema, type)) {
    const def = type.getFields()[field.name.value];
    if (!def) continue;
    if (LINKS.has(`${type.name}.${def.name}`)) total += pages(items);
    const next = getNamedType(def.type);
    if (field.selectionSet && isObjectType(next))
      total += linksCost(schema, next, field.selectionSet, fragments, items);
  }
  return total;
}

/** The fields of a selection set, fragments spread (only those that apply to `type`, when given). */
function fieldsOf(
  set: SelectionSetNode,
  fragments: Record<string, FragmentDefinitionNode>,
  schema?: GraphQLSchema,
  type?: GraphQLObjectType,
  seen = new Set<string>(),
): FieldNode[] {
  const out: FieldNode[] = [];
  const applies = (typeName: string | undefined) => {
    if (typeName === undefined || type === undefined || !schema || typeName === type.name)
      return true;
    const cond = schema.getType(typeName);
    return cond !== undefined && isAbstractType(cond) && schema.isSubType(cond, type);
  };
  for (const s of set.selections) {
    if (s.kind === Kind.FIELD) out.push(s);
    else if (s.kind === Kind.INLINE_FRAGMENT) {
      if (applies(s.typeCondition?.name.value))
        out.push(...fieldsOf(s.selectionSet, fragments, schema, type, seen));
    } else {
      const name = s.name.value;
      const f = fragments[name];
      if (!f || seen.has(name)) continue;
      seen.add(name);
      if (applies(f.typeCondition.name.value))
        out.push(...fieldsOf(f.selectionSet, fragments, schema, type, seen));
    }
  }
  return out;
}
