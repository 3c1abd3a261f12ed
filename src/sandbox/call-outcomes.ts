/**
 * Call outcomes in the two shapes real Gong sends: the definitions of GET /v2/call-outcomes
 * (`callOutcome` names the outcome; upper-case category, connect status, sentiment, todo action;
 * no id) and a call's `content.callOutcome`, Gong AI's `{id, category, name}` (`MEETING_BOOKED`,
 * `Answered`, `Meeting booked`), which matches a definition by name only. Internal to the sandbox.
 */
import type { CallOutcomeDefinition } from '../gong/wire-stats.js';
import * as W from './seed-words.js';

type Outcome = (typeof W.OUTCOMES)[number];

/** GET /v2/call-outcomes' `outcomes`, in display order (1-based, as the live answer numbered them). */
export function outcomeDefinitions(): CallOutcomeDefinition[] {
  return W.OUTCOMES.map(([name, category, connectStatus, sentiment, todoAction], i) => ({
    callOutcome: name,
    displayOrder: i + 1,
    connectStatus,
    sentiment,
    todoAction,
    automation: null,
    category,
  }));
}

/** A call's `content.callOutcome` for one definition, as Gong AI writes it. */
export function gongAiOutcome([name, category]: Outcome): {
  id: string;
  category: string;
  name: string;
} {
  return {
    id: name.toUpperCase().replace(/[^A-Z0-9]+/g, '_'),
    category: category === 'ANSWERED' ? 'Answered' : 'Not answered',
    name,
  };
}
