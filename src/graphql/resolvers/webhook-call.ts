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
import type { CallParent } from '../parents.js';
import type { SelectedFields } from '../selection.js';
import { planOf } from './call-plan.js';

type Flags = Record<string, boolean | undefined> | undefined;
const selected = (flags: Flags) =>
  Object.entries(flags ?? {})
    .filter(([, on]) => on === true)
    .map(([k]) => k);

/** Gong's interaction flag → the key its answer uses (Gong's naming quirk). */
const INTERACTION_KEY: Record<string, string> = { personInteractionStats: 'interactionStats' };

/** The first selected part the payload does not carry, or undefined when it carries everything selected. */
export function missingPart(
  call: CallData,
  selector: ContentSelector | undefined,
  fields: SelectedFields = new Set(),
): string | undefined {
  if (!selector) return undefined;
  const f = selector.exposedFields;
  if (f?.parties && call.parties == null) return 'parties';
  if (selector.context !== undefined) {
    // The capture's context was an empty list: a rule may leave it out, so empty proves nothing.
    if (call.context == null || call.context.length === 0) return 'context';
    if (
      selector.context === 'Extended' &&
      call.context.some((c) => (c.objects ?? []).some((o) => o.fields == null))
    )
      return 'context fields';
  }
  const content = call.content;
  const trackerLacks = (key: string) => {
    const trackers = content?.trackers;
    return (
      !Array.isArray(trackers) ||
      trackers.some((t: unknown) => typeof t !== 'object' || t === null || !(key in t))
    );
  };
  for (const flag of selected(f?.content)) {
    if (flag === 'trackerOccurrences') {
      if (trackerLacks('occurrences')) return 'tracker occurrences';
    } else if (content?.[flag] == null) return `content.${flag}`;
  }
  // Phrases ride on the trackers flag; the capture's trackers had none.
  if (f?.content?.trackers && fields.has('GongTracker.phrases') && trackerLacks('phrases'))
    return 'tracker phrases';
  const interaction = call.interaction;
  for (const flag of selected(f?.interaction))
    if (interaction?.[INTERACTION_KEY[flag] ?? flag] == null) return `interaction.${flag}`;
  if (f?.collaboration?.publicComments && call.collaboration?.publicComments == null)
    return 'collaboration.publicComments';
  if (f?.media && call.media == null) return 'media';
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
