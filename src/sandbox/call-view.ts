/**
 * What /v2/calls/extensive shows of a stored call: the contentSelector opts sections in, and a
 * section not asked for is absent (Gong's behaviour, docs/gong-contract.md §2). Internal to the sandbox.
 */
import type { CallContext, CallData, ContentSelector, Party } from '../gong/wire.js';
import { CALL_SECTIONS, type CallSections } from '../gong/wire/call-sections.js';
import type { StoredCall } from './seed-calls.js';

/** Media URLs expire after 8 hours (docs/gong-contract.md §2). */
const MEDIA_TTL_MS = 8 * 3_600_000;

export interface ViewEnv {
  now: number;
  /** Origin the media URLs point at. */
  mediaOrigin: string;
}

/** Basic context names the CRM objects; Extended adds their fields, at the requested timings. */
function contextFor(
  call: StoredCall,
  level: 'None' | 'Basic' | 'Extended',
  timing: readonly string[],
): CallContext[] | undefined {
  if (level === 'None') return undefined;
  if (level === 'Basic')
    return call.contextNow.map((c) => ({
      system: c.system,
      objects: (c.objects ?? []).map((o) => ({ objectType: o.objectType, objectId: o.objectId })),
    }));
  const out: CallContext[] = [];
  if (timing.includes('Now')) out.push(...call.contextNow);
  if (timing.includes('TimeOfCall')) out.push(...call.contextAtCall);
  return out;
}

function partyView(p: Party, level: 'None' | 'Basic' | 'Extended'): Party {
  const { context, ...rest } = p;
  if (level === 'None') return rest;
  if (level === 'Basic')
    return {
      ...rest,
      context: (context ?? []).map((c) => ({
        system: c.system,
        objects: (c.objects ?? []).map((o) => ({ objectType: o.objectType, objectId: o.objectId })),
      })),
    };
  return p;
}

export function mediaOf(call: StoredCall, env: ViewEnv): NonNullable<CallData['media']> {
  const expires = Math.floor((env.now + MEDIA_TTL_MS) / 1000);
  const base = `${env.mediaOrigin}/__sandbox/media/${call.id}`;
  return {
    audioUrl: `${base}.mp3?expires=${expires}`,
    ...(call.hasVideo ? { videoUrl: `${base}.mp4?expires=${expires}` } : {}),
  };
}

const LEVELLED = new Set(['context', 'parties']);

export function selectCall(
  call: StoredCall,
  selector: ContentSelector | undefined,
  env: ViewEnv,
): CallData {
  const level = selector?.context ?? 'None';
  const timing = selector?.contextTiming ?? ['Now'];
  const f = selector?.exposedFields;
  const out: CallData = { metaData: call.meta };
  const context = contextFor(call, level, timing);
  if (context) out.context = context;
  if (f?.parties) out.parties = call.parties.map((p) => partyView(p, level));
  if (!selector) return out;
  // Every other section the selector asks for, from the call's stored details.
  const { content, interaction, publicComments } = call.details();
  const stored: CallSections = {
    content: {
      ...content,
      // Tracker occurrences are their own opt-in; without it trackers carry counts and phrases.
      trackers: (content.trackers ?? []).map(({ occurrences, ...t }) =>
        f?.content?.trackerOccurrences ? { ...t, occurrences } : t,
      ),
    },
    interaction,
    collaboration: { publicComments },
    ...(f?.media ? { media: mediaOf(call, env) } : {}),
  };
  // Context and parties depend on the context level: made above.
  for (const section of CALL_SECTIONS)
    if (!LEVELLED.has(section.path) && section.need(selector) !== undefined)
      section.copy(stored, out);
  return out;
}

/**
 * What a real automation rule sent (a sanitized capture): a thin callData whatever the call has.
 * The receiver must fetch anything else it needs.
 */
export function thinWebhookCall(call: CallData): CallData {
  return {
    metaData: call.metaData,
    context: [],
    ...(call.parties ? { parties: call.parties } : {}),
    content: {
      topics: call.content?.topics ?? [],
      trackers: (call.content?.trackers ?? []).map((t) => ({
        id: t.id,
        name: t.name,
        count: t.count,
        type: t.type,
      })),
      scorecardsAnswers: call.content?.scorecardsAnswers ?? [],
    },
    interaction: { interactionStats: call.interaction?.interactionStats ?? [] },
    collaboration: {},
  };
}

/** Every section, as a "full" webhook rule's callData carries it (Extended context "Now", no media). */
export function fullCall(call: StoredCall): CallData {
  const { content, interaction, publicComments } = call.details();
  return {
    metaData: call.meta,
    context: call.contextNow,
    parties: call.parties,
    content,
    interaction,
    collaboration: publicComments.length > 0 ? { publicComments } : {},
  };
}
