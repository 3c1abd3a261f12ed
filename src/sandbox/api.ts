/**
 * The shape of a simulated Gong endpoint and the helpers every route module shares: Gong-style
 * errors, validation with bean-validation messages, date parameters and paged reads.
 * Internal to the sandbox.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { bindingOf, pageOf, type CursorCodec, type Page } from './cursors.js';
import { parseDate } from './dates.js';
import { GongHttpError, type GongStatus } from './gong-answers.js';
import type { SandboxReply, SandboxRequest } from './http.js';
import type { TenantInsights } from './insights.js';
import type { Processing } from './processing.js';
import type { Tenant } from './tenant.js';
import type { RequestLogEntry } from './types.js';

export interface ApiContext {
  tenant: Tenant;
  /** Scorecards, trackers, outcomes and library folders derived from the tenant. */
  insights: TenantInsights;
  cursors: CursorCodec;
  /** Arrival time of the request (ms since epoch). */
  now: number;
  /** Origin of media URLs. */
  mediaOrigin: string;
  processing: Processing;
  /** What a repeated clientUniqueId on POST /v2/calls does (Gong's behaviour is inferred). */
  duplicateCreate: 'conflict' | 'same-call';
  /** Adds facts to this request's log entry (e.g. the bytes of a media upload). */
  note(extra: Partial<RequestLogEntry>): void;
}

export interface ApiRoute {
  method: string;
  pattern: RegExp;
  /** Endpoint label for the request log, e.g. `POST /v2/calls/extensive`. */
  label: string;
  /** OAuth scopes a Bearer token needs for this request. */
  scopes(req: SandboxRequest): string[];
  /** The route reads its body as a stream (media upload): the server must not buffer it. */
  streaming?: boolean;
  handle(
    req: SandboxRequest,
    ctx: ApiContext,
    params: Record<string, string>,
    stream: IncomingMessage,
  ): SandboxReply | Promise<SandboxReply>;
}

/** A Gong ErrorResponse with Gong's literal status (never the gateway's error mapping). */
export function gongError(status: GongStatus, ...messages: string[]): GongHttpError {
  return new GongHttpError(status, messages);
}

export const badRequest = (...messages: string[]) => gongError(400, ...messages);

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const key of path)
    v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** Zod issues as Java bean-validation messages (`parties: must not be null`), as Gong sends them. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const messages = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join('.') || 'body';
    if (valueAt(value, issue.path) == null) return `${path}: must not be null`;
    if (issue.code === 'invalid_value' && 'values' in issue)
      return `${path}: must be one of ${issue.values.map(String).join(', ')}`;
    if (issue.code === 'too_small' && issue.origin === 'array')
      return `${path}: size must be at least ${String(issue.minimum)}`;
    if (issue.code === 'too_small' && issue.origin === 'string')
      return `${path}: must not be blank`;
    if (issue.code === 'too_small' && issue.origin === 'number')
      return `${path}: must be greater than or equal to ${String(issue.minimum)}`;
    if (issue.code === 'invalid_type' && issue.expected === 'int')
      return `${path}: must be an integer`;
    if (issue.code === 'too_big') return `${path}: size must be at most ${String(issue.maximum)}`;
    return `${path}: ${issue.message}`;
  });
  throw badRequest(...messages);
}

/** The JSON body as an object; 400 when it is missing or not JSON. */
export function jsonObject(req: SandboxRequest): Record<string, unknown> {
  if (req.rawBody.length === 0) throw badRequest('Required request body is missing');
  const v = req.json;
  if (v === undefined)
    throw badRequest(`Malformed JSON request: ${req.rawBody.subarray(0, 60).toString('utf8')}`);
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw badRequest('Request body must be a JSON object');
  return v as Record<string, unknown>;
}

/** A date parameter as ms since epoch; 400 naming the parameter when malformed. */
export function dateParam(name: string, value: string): number {
  const ms = parseDate(value);
  if (ms === undefined)
    throw badRequest(
      `${name}: must be an ISO-8601 date-time with offset (e.g. 2024-02-18T02:30:00-07:00), got '${value}'`,
    );
  return ms;
}

/** [from, to) on ms values; an open bound matches everything on that side. */
export function inRange(ms: number, from: number | undefined, to: number | undefined): boolean {
  return (from === undefined || ms >= from) && (to === undefined || ms < to);
}

export function checkRange(from: number | undefined, to: number | undefined): void {
  if (from !== undefined && to !== undefined && from >= to)
    throw badRequest('fromDateTime must be before toDateTime');
}

/** The validated `[from, to)` window (ms) of a POST body's `filter`; open bounds stay undefined. */
export function filterWindow(f: {
  fromDateTime?: string | undefined;
  toDateTime?: string | undefined;
}): { from?: number; to?: number } {
  const from =
    f.fromDateTime === undefined ? undefined : dateParam('filter.fromDateTime', f.fromDateTime);
  const to = f.toDateTime === undefined ? undefined : dateParam('filter.toDateTime', f.toDateTime);
  checkRange(from, to);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

/**
 * One page of a listing. The cursor fixes the snapshot time every page reads (`list(snapshot)`)
 * and is bound to the request's other inputs.
 */
export function pagedRead<T>(
  ctx: ApiContext,
  label: string,
  cursor: string | undefined,
  inputs: unknown,
  list: (snapshot: number) => T[],
): Page<T> {
  const bind = bindingOf(label, inputs);
  let pageNumber = 0;
  let snapshot = ctx.now;
  if (cursor !== undefined) {
    const check = ctx.cursors.decode(cursor, bind);
    if (!check.ok) throw badRequest(check.message);
    pageNumber = check.pageNumber;
    snapshot = check.time;
  }
  return pageOf(list(snapshot), pageNumber, snapshot, bind, ctx.cursors);
}

/** The query without `cursor`, as a plain object (what a GET cursor is bound to). */
export function queryInputs(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) if (k !== 'cursor') out[k] = v;
  return out;
}

export const ok = (body: Record<string, unknown>, status = 200): SandboxReply => ({ status, body });
