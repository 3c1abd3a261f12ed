/**
 * A call from a webhook's callData. A real delivery carries whatever the customer's rule includes
 * (the capture had no brief, key points, speakers, questions, media or tracker occurrences), so a
 * section, or part of one, the operation selects and the payload lacks is fetched: one
 * /v2/calls/extensive request per event with the operation's whole contentSelector, through the
 * event's loaders. Identical subscriptions share it (the hub executes once per group).
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { GatewayContext } from '../context.js';
import type { CallData, ContentSelector } from '../../gong/wire.js';
import { CALL_SECTIONS, COUNTS, PLAIN } from '../../gong/wire/call-sections.js';
import type { CallParent } from '../parents.js';
import type { SelectedFields } from '../selection.js';
import { planOf } from './call-plan.js';

/**
 * The first selected section the payload does not carry (its path in CallData), or undefined when
 * it carries everything selected. What counts as carried, and which flavour serves which need, is
 * the call-section table's (src/gong/wire/call-sections.ts), the entity cache's rule too.
 */
export function missingPart(
  call: CallData,
  selector: ContentSelector | undefined,
  fields: SelectedFields = new Set(),
): string | undefined {
  if (!selector) return undefined;
  for (const section of CALL_SECTIONS) {
    let wanted = section.need(selector);
    if (wanted === undefined) continue;
    // Phrases ride on the trackers flag: a view that shows none is served by a webhook's counts.
    if (
      section.path === 'content.trackers' &&
      wanted === PLAIN &&
      !fields.has('GongTracker.phrases')
    )
      wanted = COUNTS;
    const carried = section.carried(call);
    if (carried === undefined || !section.serves(carried, wanted)) return section.path;
  }
  return undefined;
}

/** The call an event's subscribers see: the payload when it carries what they selected, else Gong's answer. */
export async function callFromWebhook(
  ctx: GatewayContext,
  info: GraphQLResolveInfo,
  payload: CallData,
): Promise<CallParent> {
  const { selector } = planOf(ctx, info);
  if (missingPart(payload, selector, ctx.selected(info)) === undefined)
    return { call: payload, sections: true };
  const fetched = await ctx.loaders.calls(selector).load(payload.metaData.id);
  // Gong no longer shows it (deleted, or made private since): what the webhook carried is all there is.
  return { call: fetched ?? payload, sections: true };
}
