/** The operation's call fetch plan, and the by-id path shared by root fields, links and references. */
import type { GraphQLResolveInfo } from 'graphql';
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
  const call = await ctx.loaders.calls(planOf(ctx, info).selector).load(id);
  if (!call || (!includePrivate && call.metaData.isPrivate === true)) return null;
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
  const metaData = await ctx.loaders.basicCall.load(id);
  if (!metaData || (!includePrivate && metaData.isPrivate === true)) return null;
  // Sections (none selected by this operation) would come through the by-id loader.
  return { call: { metaData }, sections: false };
}

/** Makes later by-id lookups of calls already fetched with the operation's selector free, here and (through the entity cache) in later operations. */
export function primeCalls(ctx: GatewayContext, info: GraphQLResolveInfo, calls: CallData[]): void {
  ctx.loaders.rememberCalls(calls, planOf(ctx, info).selector);
}

/**
 * Which of `callIds` belong to private calls (Gong asks integrations to drop them). Looked up with
 * the operation's selector, so a selected `call` field reuses the batch: one /v2/calls/extensive per
 * 100 ids. A call Gong does not return counts as private: unknown privacy fails closed.
 */
export async function privateCallIds(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  callIds: readonly string[],
): Promise<Set<string>> {
  const calls = await ctx.loaders.calls(planOf(ctx, info).selector).loadMany(callIds);
  const hidden = new Set<string>();
  calls.forEach((call, i) => {
    if (call instanceof Error) throw call;
    if (call === null || call.metaData.isPrivate === true) hidden.add(callIds[i] as string);
  });
  return hidden;
}
