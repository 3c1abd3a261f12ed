/**
 * The operation's call fetch plan, and the by-id path shared by root fields, links and references.
 * Every call it hands out passes the privacy rule (src/privacy/call-privacy.ts): not deleted, and
 * not private by the record or by the newest knowledge unless the caller asked for private calls.
 */
import type { GraphQLResolveInfo } from 'graphql';
import { hiddenIds, servable } from '../../privacy/call-privacy.js';
import type { GatewayContext } from '../context.js';
import type { CallData } from '../../gong/wire.js';
import { callFetchPlan, type CallFetchPlan } from '../content-selector.js';
import type { CallParent } from '../parents.js';

export const planOf = (ctx: GatewayContext, info: GraphQLResolveInfo): CallFetchPlan =>
  callFetchPlan(ctx.selected(info));

/** Calls by id with the operation's contentSelector (one /v2/calls/extensive batch per 100 ids). */
export async function loadCall(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  id: string,
  includePrivate = true,
): Promise<CallParent | null> {
  // The standing first: a call known to be deleted costs no request.
  const standing = await ctx.loaders.standings.load(id);
  if (standing?.deleted) return null;
  const call = await ctx.loaders.calls(planOf(ctx, info).selector).load(id);
  if (!call || !servable(call.metaData, standing, includePrivate)) return null;
  return { call, sections: true };
}

/**
 * One call by id: GET /v2/calls/{id} when the operation selects only CallBasicData (so a
 * connection with just api:calls:read:basic can read it, as lists do), else the extensive batch.
 */
export async function loadOneCall(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  id: string,
  includePrivate: boolean,
): Promise<CallParent | null> {
  if (!planOf(ctx, info).basicOnly) return loadCall(ctx, info, id, includePrivate);
  const standing = await ctx.loaders.standings.load(id);
  if (standing?.deleted) return null;
  const metaData = await ctx.loaders.basicCall.load(id);
  if (!metaData || !servable(metaData, standing, includePrivate)) return null;
  // Sections (none selected by this operation) would come through the by-id loader.
  return { call: { metaData }, sections: false };
}

/** Makes later by-id lookups of calls already fetched with the operation's selector free, here and (through the entity cache) in later operations. */
export function primeCalls(ctx: GatewayContext, info: GraphQLResolveInfo, calls: CallData[]): void {
  ctx.loaders.rememberCalls(calls, planOf(ctx, info).selector);
}

/**
 * Which of `callIds` must not be served with them (their transcripts: a transcript does not say
 * whether its call is private). Without `includePrivate` the calls are looked up with the
 * operation's selector, so a selected `call` field reuses the batch (one /v2/calls/extensive per
 * 100 ids), and a call Gong does not return counts as hidden: unknown privacy fails closed. With
 * it, only deleted calls are hidden (no call lookup).
 */
export async function hiddenCallIds(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  callIds: readonly string[],
  includePrivate: boolean,
): Promise<Set<string>> {
  if (includePrivate)
    return hiddenIds(
      ctx.loaders.standings,
      callIds.map((id) => ({ id })),
      true,
    );
  const calls = await ctx.loaders.calls(planOf(ctx, info).selector).loadMany(callIds);
  const found = calls.map((call, i) => {
    if (call instanceof Error) throw call;
    return { id: callIds[i] as string, call };
  });
  const hidden = await hiddenIds(
    ctx.loaders.standings,
    found.map(({ id, call }) => ({ id, isPrivate: call?.metaData.isPrivate })),
    false,
  );
  for (const { id, call } of found) if (call === null) hidden.add(id);
  return hidden;
}
