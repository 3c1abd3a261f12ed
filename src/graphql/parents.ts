/**
 * What resolvers receive as parents (codegen `mappers`): Gong's wire shapes plus the little
 * bookkeeping the field resolvers need. Not public API.
 */
import type { CallContent, CallData, CallInteraction, Monologue, Party } from '../gong/wire.js';

/**
 * A call as fetched. `sections` says whether it was fetched with the operation's contentSelector
 * (so a missing section means Gong left it out → null); when false (a page from GET /v2/calls),
 * section fields go through the calls-by-id loader.
 */
export interface CallParent {
  call: CallData;
  sections: boolean;
}

/** A transcript monologue with its call id, so `speaker` can find the call's party. */
export interface MonologueParent {
  callId: string;
  monologue: Monologue;
}

/** One tracker of one call, as Gong sends it (`id` is the tracker's, exposed as `trackerId`). */
export type TrackerParent = NonNullable<CallContent['trackers']>[number];

/** One speaker's stats in one call, as Gong sends them (`id` is the party's, exposed as `partyId`). */
export type SpeakerStatParent = NonNullable<CallInteraction['speakers']>[number];

/** A sentence that matched a search's text, with its call's parties (for `speaker`). */
export interface SnippetParent {
  speakerId: string | null;
  startMs: number | null;
  text: string;
  parties: readonly Party[];
}

/** A search hit: its call, and the snippets fetched for the page (up to the most a field may ask). */
export interface SearchHitParent {
  call: CallParent;
  score: number | null;
  snippets: SnippetParent[];
}

/** A CRM record known by its id (a federation entity). */
export interface CrmRecordParent {
  crmObjectId: string;
}
