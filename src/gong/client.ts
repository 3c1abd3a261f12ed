/**
 * One typed function per Gong endpoint (docs/gong-contract.md §2). Inputs are checked against
 * ./wire.ts before anything is sent, answers are validated with it (a mismatch is
 * UPSTREAM_SCHEMA_MISMATCH, logged with the zod issues, never shown to clients), and Gong's
 * quirks are decided here: the "No calls found" 404 is an empty page, a 404 for one id is null.
 */
import type { z } from 'zod';
import type { Logger } from '../observability/logger.js';
import { badInput, GatewayError } from '../errors.js';
import { gongAnswerError, gongErrors, schemaMismatch } from './errors.js';
import { createStatsEndpoints } from './client-stats.js';
import { createByIdReads } from './reads/by-ids.js';
import type { Metrics } from '../observability/metrics.js';
import type { CallObserver } from './call-observer.js';
import type {
  BodyAtDispatch,
  ByIdReads,
  GongClient,
  GongRequest,
  GongResponse,
  GongTransport,
  Page,
  Priority,
} from './types.js';
import {
  CallResponse,
  CallsExtensiveRequest,
  type CallData,
  type CallTranscript,
  type ContentSelector,
  type UserMetadata,
  CallsExtensiveResponse,
  CallsResponse,
  FlowsResponse,
  GongDateTime,
  GongId,
  NewCallAddingRequest,
  NewCallAddingResponse,
  SCOPES,
  TranscriptsRequest,
  TranscriptsResponse,
  UserResponse,
  UsersExtensiveRequest,
  UsersResponse,
  WorkspacesResponse,
  type Records,
} from './wire.js';

export interface GongClientOptions {
  /** Where schema mismatches are logged (with Gong's requestId and the zod issues). */
  logger?: Logger;
  /** Where merged by-id reads are counted. */
  metrics?: Metrics;
  /** Told of every call and transcript record Gong answered (./call-observer.ts). */
  observer?: CallObserver;
}

/** A request body known now, or built at dispatch. */
type Body<T> = { now: T } | { atDispatch: BodyAtDispatch<T> };

const emptyRecords: Records = { totalRecords: 0, currentPageSize: 0, currentPageNumber: 0 };

const isNoCallsFound = (res: GongResponse) =>
  res.status === 404 &&
  gongErrors(res.body).some((m) => m.includes('found corresponding to the provided filters'));

/** Gong's 404 for unknown ids on POST /v2/users/extensive: "The following userIds were not found: 1, 2". */
function missingUserIds(res: GongResponse): string[] {
  const ids: string[] = [];
  for (const m of gongErrors(res.body)) {
    const hit = /userIds were not found:\s*(.+)$/i.exec(m);
    if (hit?.[1]) ids.push(...(hit[1].match(/\d{1,20}/g) ?? []));
  }
  return ids;
}

export function createGongClient(
  transport: GongTransport,
  opts: GongClientOptions = {},
): GongClient {
  const ref = transport.connectionRef;
  const observe = {
    calls: (
      calls: readonly CallData[],
      selector: ContentSelector | undefined,
      priority: Priority | undefined,
    ) => opts.observer?.calls({ connectionRef: ref, source: 'read', calls, selector, priority }),
    transcripts: (transcripts: readonly CallTranscript[]) =>
      opts.observer?.transcripts({ connectionRef: ref, transcripts }),
  };
  const what = (req: GongRequest) => `${req.method} ${req.path}`;

  /** Sends and returns the raw answer; callers handle their quirky statuses first. */
  const send = (req: GongRequest) => transport.request(req);

  function parse<S extends z.ZodType>(schema: S, req: GongRequest, res: GongResponse): z.output<S> {
    if (res.status < 200 || res.status >= 300) throw gongAnswerError(what(req), res);
    const parsed = schema.safeParse(res.body);
    if (parsed.success) return parsed.data;
    opts.logger?.warn(
      {
        connection: ref,
        endpoint: req.endpoint,
        gongRequestId: res.requestId,
        issues: parsed.error.issues.slice(0, 10),
      },
      'Gong answer failed the wire schema',
    );
    throw schemaMismatch(what(req), res.requestId);
  }

  function input<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
      .join('; ');
    throw badInput(`${name} does not match Gong's request format: ${issues}`);
  }

  const id = (value: string, name: string) => {
    if (!GongId.safeParse(value).success)
      throw badInput(
        `${name} must be a Gong id (a numeric string of up to 20 digits), but got: ${JSON.stringify(value)}`,
      );
    return value;
  };

  const emptyPage = <T>(res: GongResponse): Page<T> => ({
    items: [],
    records: { ...emptyRecords },
    requestId: res.requestId ?? '',
  });

  /** The request's body field: checked now (refused unsent), or checked when built at dispatch. */
  const bodyOf = <S extends z.ZodType>(
    schema: S,
    body: Body<z.output<S>>,
    name: string,
  ): Pick<GongRequest, 'body' | 'bodyAtDispatch'> =>
    'now' in body
      ? { body: body.now }
      : { bodyAtDispatch: () => input(schema, body.atDispatch(), name) };

  async function callsExtensive(
    body: Body<CallsExtensiveRequest>,
    priority: Priority | undefined,
  ): Promise<Page<CallData>> {
    // What went out (its contentSelector says which sections the answer holds).
    let sent: CallsExtensiveRequest | undefined = 'now' in body ? body.now : undefined;
    const req: GongRequest = {
      method: 'POST',
      path: '/v2/calls/extensive',
      endpoint: 'calls.extensive',
      scope: SCOPES.callsExtensive,
      priority,
      idempotent: true,
      ...('now' in body
        ? { body: body.now }
        : {
            bodyAtDispatch: () =>
              (sent = input(CallsExtensiveRequest, body.atDispatch(), 'callsExtensive body')),
          }),
    };
    const res = await send(req);
    if (isNoCallsFound(res)) return emptyPage(res);
    const data = parse(CallsExtensiveResponse, req, res);
    observe.calls(data.calls, sent?.contentSelector, priority);
    return { items: data.calls, records: data.records, requestId: data.requestId };
  }

  async function transcripts(
    body: Body<TranscriptsRequest>,
    priority: Priority | undefined,
  ): Promise<Page<CallTranscript>> {
    const req: GongRequest = {
      method: 'POST',
      path: '/v2/calls/transcript',
      endpoint: 'calls.transcript',
      scope: SCOPES.transcripts,
      priority,
      idempotent: true,
      ...bodyOf(TranscriptsRequest, body, 'transcripts body'),
    };
    const res = await send(req);
    if (isNoCallsFound(res)) return emptyPage(res);
    const data = parse(TranscriptsResponse, req, res);
    observe.transcripts(data.callTranscripts);
    return { items: data.callTranscripts, records: data.records, requestId: data.requestId };
  }

  async function usersExtensive(
    body: Body<UsersExtensiveRequest>,
    priority: Priority | undefined,
  ): Promise<Page<UserMetadata>> {
    // What went out, known once the first request has left the queue.
    let sent: UsersExtensiveRequest | undefined = 'now' in body ? body.now : undefined;
    const req: GongRequest = {
      method: 'POST',
      path: '/v2/users/extensive',
      endpoint: 'users.extensive',
      scope: SCOPES.usersRead,
      priority,
      idempotent: true,
      ...('now' in body
        ? { body: body.now }
        : {
            bodyAtDispatch: () =>
              (sent = input(UsersExtensiveRequest, body.atDispatch(), 'usersExtensive body')),
          }),
    };
    const res = await send(req);
    if (res.status === 404) {
      // Gong fails the whole batch when some userIds are unknown; ask again without them so
      // unknown ids are simply absent (one extra request, only in that case).
      const missing = new Set(missingUserIds(res));
      const asked = sent?.filter.userIds;
      const rest = asked?.filter((u) => !missing.has(u));
      if (
        sent &&
        asked &&
        rest &&
        missing.size > 0 &&
        rest.length > 0 &&
        rest.length < asked.length
      ) {
        const again: GongRequest = {
          ...req,
          bodyAtDispatch: undefined,
          body: { ...sent, filter: { ...sent.filter, userIds: rest } },
        };
        const res2 = await send(again);
        if (res2.status === 404) return emptyPage(res2);
        const data = parse(UsersResponse, again, res2);
        return { items: data.users, records: data.records, requestId: data.requestId };
      }
      return emptyPage(res);
    }
    const data = parse(UsersResponse, req, res);
    return { items: data.users, records: data.records, requestId: data.requestId };
  }

  const endpoints: Omit<GongClient, keyof ByIdReads> = {
    connectionRef: ref,
    async assertGranted(scopes, what) {
      if (scopes.length === 0) await transport.check?.(undefined, what);
      for (const scope of scopes) await transport.check?.(scope, what);
    },
    ...createStatsEndpoints({ send, parse, input, id }),

    async listUsers(params = {}, priority) {
      const req: GongRequest = {
        method: 'GET',
        path: '/v2/users',
        endpoint: 'users.list',
        scope: SCOPES.usersRead,
        priority,
        query: {
          cursor: params.cursor,
          includeAvatars:
            params.includeAvatars === undefined ? undefined : String(params.includeAvatars),
        },
      };
      const data = parse(UsersResponse, req, await send(req));
      return { items: data.users, records: data.records, requestId: data.requestId };
    },

    async getUser(userId, priority) {
      const req: GongRequest = {
        method: 'GET',
        path: `/v2/users/${id(userId, 'user id')}`,
        endpoint: 'users.get',
        scope: SCOPES.usersRead,
        priority,
      };
      const res = await send(req);
      if (res.status === 404) return null;
      return parse(UserResponse, req, res).user;
    },

    usersExtensive: async (body, priority) =>
      usersExtensive({ now: input(UsersExtensiveRequest, body, 'usersExtensive body') }, priority),

    async listWorkspaces(priority) {
      const req: GongRequest = {
        method: 'GET',
        path: '/v2/workspaces',
        endpoint: 'workspaces.list',
        scope: SCOPES.workspacesRead,
        priority,
      };
      return parse(WorkspacesResponse, req, await send(req)).workspaces;
    },

    async listFlows(params, priority) {
      if (typeof params.flowOwnerEmail !== 'string' || !params.flowOwnerEmail.includes('@'))
        throw badInput(
          `flowOwnerEmail must be the email address of a Gong user, but got: ${JSON.stringify(params.flowOwnerEmail)}`,
        );
      if (params.workspaceId !== undefined) id(params.workspaceId, 'workspaceId');
      const req: GongRequest = {
        method: 'GET',
        path: '/v2/flows',
        endpoint: 'flows.list',
        scope: SCOPES.flowsRead,
        priority,
        query: {
          flowOwnerEmail: params.flowOwnerEmail,
          workspaceId: params.workspaceId,
          cursor: params.cursor,
        },
      };
      const data = parse(FlowsResponse, req, await send(req));
      return { items: data.flows, records: data.records, requestId: data.requestId };
    },

    async listCalls(params, priority) {
      for (const k of ['fromDateTime', 'toDateTime'] as const)
        if (!GongDateTime.safeParse(params[k]).success)
          throw badInput(
            `${k} must be an ISO-8601 date-time with offset, but got: ${JSON.stringify(params[k])}`,
          );
      if (params.workspaceId !== undefined) id(params.workspaceId, 'workspaceId');
      const req: GongRequest = {
        method: 'GET',
        path: '/v2/calls',
        endpoint: 'calls.list',
        scope: SCOPES.callsBasic,
        priority,
        query: {
          fromDateTime: params.fromDateTime,
          toDateTime: params.toDateTime,
          workspaceId: params.workspaceId,
          cursor: params.cursor,
        },
      };
      const res = await send(req);
      if (isNoCallsFound(res)) return emptyPage(res);
      const data = parse(CallsResponse, req, res);
      observe.calls(
        data.calls.map((metaData) => ({ metaData })),
        undefined,
        priority,
      );
      return { items: data.calls, records: data.records, requestId: data.requestId };
    },

    async getCall(callId, priority) {
      const req: GongRequest = {
        method: 'GET',
        path: `/v2/calls/${id(callId, 'call id')}`,
        endpoint: 'calls.get',
        scope: SCOPES.callsBasic,
        priority,
      };
      const res = await send(req);
      if (res.status === 404) return null;
      const call = parse(CallResponse, req, res).call;
      observe.calls([{ metaData: call }], undefined, priority);
      return call;
    },

    callsExtensive: async (body, priority) =>
      callsExtensive({ now: input(CallsExtensiveRequest, body, 'callsExtensive body') }, priority),

    transcripts: async (body, priority) =>
      transcripts({ now: input(TranscriptsRequest, body, 'transcripts body') }, priority),

    async createCall(body) {
      const request = input(NewCallAddingRequest, body, 'createCall body');
      // clientUniqueId is required, and Gong uses it to refuse duplicates: safe to retry.
      const req: GongRequest = {
        method: 'POST',
        path: '/v2/calls',
        endpoint: 'calls.create',
        scope: SCOPES.callsCreate,
        priority: 'interactive',
        idempotent: true,
        body: request,
      };
      const res = await send(req);
      if (res.status === 409) {
        // What the create service needs to tell Gong's duplicate answer from another conflict.
        const e = gongAnswerError(what(req), res);
        throw new GatewayError(e.code, e.message, {
          ...e.details,
          resent: res.resent === true,
          gongErrors: gongErrors(res.body),
        });
      }
      const data = parse(NewCallAddingResponse, req, res);
      return { requestId: data.requestId, callId: data.callId };
    },
  };
  const atDispatch = {
    callsExtensive: (body: () => CallsExtensiveRequest, priority?: Priority) =>
      callsExtensive({ atDispatch: body }, priority),
    usersExtensive: (body: () => UsersExtensiveRequest, priority?: Priority) =>
      usersExtensive({ atDispatch: body }, priority),
    transcripts: (body: () => TranscriptsRequest, priority?: Priority) =>
      transcripts({ atDispatch: body }, priority),
  };
  return { ...endpoints, ...createByIdReads(endpoints, atDispatch, { metrics: opts.metrics }) };
}
