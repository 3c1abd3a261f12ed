/**
 * What is said in a seeded call: sentences drawn per theme from templates whose slots are filled
 * from the call itself (its account, its people) and from small word lists, so transcripts vary
 * the way real sales calls do: most calls open and close alike, while what comes between follows
 * the call's own topics, and a given phrase is said in some calls, not in all. Keyword trackers'
 * phrases are said as often as the call's trackers counted them. Internal to the sandbox.
 */
import type { Rng } from './random.js';

/** A theme of conversation; the content topics (TOPICS) are themes of the same name. */
export type Theme =
  | 'Opening'
  | 'Small Talk'
  | 'Discovery'
  | 'Product Demo'
  | 'Pricing'
  | 'Integrations'
  | 'Security'
  | 'Timeline'
  | 'Competition'
  | 'Next Steps'
  | 'Closing';

/** The call-specific words a template may ask for. */
export interface SpeechSlots {
  /** The account the call is with (or the host's team for an internal call). */
  company: string;
  /** First names of the call's parties. */
  names: readonly string[];
}

const WORDS: Record<string, readonly string[]> = {
  weekday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'],
  month: ['January', 'March', 'April', 'June', 'September', 'October', 'November'],
  quarter: ['Q1', 'Q2', 'Q3', 'Q4'],
  city: ['Austin', 'Berlin', 'Chicago', 'Denver', 'Dublin', 'London', 'Toronto', 'Singapore'],
  system: ['Salesforce', 'HubSpot', 'Slack', 'Zoom', 'Outreach', 'Marketo', 'Snowflake', 'Jira'],
  idp: ['Okta', 'Azure AD', 'Google Workspace', 'OneLogin'],
  region: ['the EU', 'the US', 'Canada', 'Australia'],
  team: ['sales', 'customer success', 'sales operations', 'enablement', 'revenue operations'],
  process: ['forecasting', 'deal reviews', 'onboarding new reps', 'pipeline reviews', 'coaching'],
  metric: ['win rates', 'ramp time', 'pipeline coverage', 'forecast accuracy', 'churn'],
  feature: ['deal board', 'coaching', 'forecast', 'call library', 'activity', 'scorecard'],
  artifact: ['call recordings', 'deal notes', 'scorecards', 'forecast snapshots', 'activity data'],
  seats: ['25', '40', '60', '120', '250', '400'],
  money: ['$90', '$120', '$150', '$1,400'],
  time: ['9am', '10:30', 'noon', '2pm', '4pm'],
  weather: ['great', 'terrible', 'rainy', 'freezing', 'surprisingly warm'],
};

/** Templates per theme: `{slot}` from WORDS, `{company}` and `{name}` from the call. */
const THEMES: Record<Theme, readonly string[]> = {
  Opening: [
    'Hi {name}, good to see you again.',
    'Thanks for making the time today, {name}.',
    'Can everyone hear me okay?',
    'Hope your {weekday} is going well.',
    'Let me know if my audio cuts out, I am on the road.',
  ],
  'Small Talk': [
    'How was your weekend?',
    'Are you still based in {city}?',
    'The weather in {city} has been {weather} this week.',
    'I was in {city} last month for a conference.',
    'Did the move to the new office happen yet?',
  ],
  Discovery: [
    'Could you walk me through how your team handles {process} right now?',
    'How many people are on the {team} team at {company}?',
    'What does success look like for {company} this {quarter}?',
    'Who else is involved in evaluating this?',
    'What is the biggest pain point with {system} today?',
    'How are you measuring {metric} at the moment?',
    'Can you say more about the reporting requirements?',
    'What happens today when a deal slips?',
    'Most of our managers spend {weekday} afternoons on {process}.',
  ],
  'Product Demo': [
    'That makes sense, let me share my screen.',
    'Here you can see the {feature} view.',
    'The dashboard updates in near real time.',
    'You can filter by owner or stage right here.',
    'This is where your managers would review {artifact}.',
    'Each rep sees their own {feature} page.',
    'Is this similar to what you see in {system}?',
  ],
  Pricing: [
    'I can send over the pricing breakdown after the call.',
    'How many seats are we talking about?',
    'We usually license per seat, around {money} a month.',
    'For {seats} seats we would put together a custom quote.',
    'Finance will want to see the total cost for the first year.',
  ],
  Integrations: [
    'Our main concern is the integration with the CRM.',
    'Do you integrate with {system}?',
    'We sync with {system} every few minutes.',
    'The API lets you pull {artifact} into your warehouse.',
    'Setting up the {system} connector takes about a day.',
  ],
  Security: [
    'Security review is usually the longest step for us.',
    'Where is the data stored, is it in {region}?',
    'Our legal team will want to see the data processing agreement.',
    'Recordings are encrypted at rest and in transit.',
    'Can admins control who listens to which calls?',
  ],
  Timeline: [
    'What would a pilot look like in terms of timeline?',
    'We would need sign-off from procurement before the end of the month.',
    'Ideally we go live by {month}.',
    'Our contract with the current vendor renews in {month}.',
    'A pilot with one team usually takes four to six weeks.',
  ],
  Competition: [
    'We looked at a couple of other vendors last quarter.',
    'Some of the team used a different tool at their last company.',
    'What makes you different from the other tools out there?',
    'We tried building this in {system} ourselves, it did not stick.',
  ],
  'Next Steps': [
    'Let us set up a follow-up with your technical lead.',
    'I will loop in our solutions engineer.',
    'I will send a recap with the next steps.',
    'Can we book {weekday} at {time} for the follow-up?',
    'I will share the pilot plan with {name} by {weekday}.',
  ],
  Closing: [
    'Sounds good, talk to you next week.',
    'Thanks again, have a great {weekday}.',
    'Great, I will follow up by email.',
    'Thanks everyone, this was really helpful.',
  ],
};

/** The most common opening line: said at the start of most calls. */
export const USUAL_OPENING = 'Thanks everyone for joining today.';

/** Sentences that say a keyword tracker's phrase (Gong's keyword trackers fire on these). */
const TRACKER_PHRASES: Record<string, readonly string[]> = {
  Salesloft: [
    'We are currently using Salesloft for part of this.',
    'How do you compare with Salesloft?',
  ],
  Chorus: ['A few of our reps used Chorus before.', 'How is this different from Chorus?'],
  Clari: ['Our forecasting runs in Clari today.', 'Do you replace Clari or sit next to it?'],
  price: ['What price range did you have in mind?', 'The price depends on the number of seats.'],
  discount: ['We could look at a multi-year discount.', 'Is there a discount for a two-year term?'],
  budget: [
    'Budget was approved for the next fiscal year.',
    'Is there budget set aside for this in {quarter}?',
    'The budget sits with the {team} team.',
  ],
  'SOC 2': ['Are you SOC 2 compliant?', 'We can share our SOC 2 report under NDA.'],
  SSO: ['We support SSO through {idp}.', 'Is SSO included in every plan?'],
  GDPR: ['How do you handle GDPR deletion requests?', 'We process data under GDPR terms.'],
};

const PREFIXES = ['So, ', 'Yeah, ', 'Okay, ', 'Right, ', 'And ', 'Honestly, '];

function fill(rng: Rng, template: string, slots: SpeechSlots): string {
  return template.replace(/\{(\w+)\}/g, (_, slot: string) => {
    if (slot === 'company') return slots.company;
    if (slot === 'name') return slots.names.length > 0 ? rng.pick(slots.names) : 'everyone';
    const words = WORDS[slot];
    return words ? rng.pick(words) : slot;
  });
}

/** One sentence of a theme; now and then with a spoken lead-in. */
export function sentenceOf(rng: Rng, theme: Theme, slots: SpeechSlots): string {
  const text = fill(rng, rng.pick(THEMES[theme]), slots);
  if (theme === 'Opening' || !rng.chance(0.15)) return text;
  return rng.pick(PREFIXES) + text.charAt(0).toLowerCase() + text.slice(1);
}

/** A sentence that says a keyword tracker's phrase, or undefined for a phrase it does not know. */
export function sentenceSaying(rng: Rng, phrase: string, slots: SpeechSlots): string | undefined {
  const options = TRACKER_PHRASES[phrase];
  return options ? fill(rng, rng.pick(options), slots) : undefined;
}

/** The theme of a monologue in the middle of a call: mostly the call's topics, then discovery. */
export function themeOf(rng: Rng, topics: readonly string[]): Theme {
  const own = topics.filter((t): t is Theme => t in THEMES);
  const roll = rng.next();
  if (own.length > 0 && roll < 0.6) return rng.pick(own);
  if (roll < 0.8) return 'Discovery';
  return rng.pick(['Small Talk', 'Product Demo', 'Next Steps', 'Timeline'] as const);
}
