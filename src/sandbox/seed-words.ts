/** Word lists the seeded tenant draws names, titles and sentences from. Internal to the sandbox. */

export const FIRST_NAMES = [
  'Ava',
  'Ben',
  'Chloe',
  'Dan',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kara',
  'Liam',
  'Maya',
  'Noah',
  'Olivia',
  'Priya',
  'Quinn',
  'Rafael',
  'Sofia',
  'Tom',
  'Uma',
  'Victor',
  'Wen',
  'Xavier',
  'Yara',
  'Zoe',
  'Amir',
  'Bea',
  'Carlos',
  'Dina',
  'Emil',
  'Fatima',
  'Gabe',
  'Hana',
  'Ivan',
  'Julia',
  'Kofi',
  'Lena',
  'Marco',
  'Nora',
] as const;

export const LAST_NAMES = [
  'Anderson',
  'Brooks',
  'Chen',
  'Diaz',
  'Evans',
  'Fischer',
  'Garcia',
  'Hughes',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quint',
  'Rossi',
  'Schmidt',
  'Tanaka',
  'Ueda',
  'Varga',
  'Weber',
  'Xu',
  'Young',
  'Zimmer',
  'Almeida',
  'Berg',
  'Costa',
  'Dubois',
] as const;

export const COMPANIES = [
  'Globex',
  'Initech',
  'Umbrella',
  'Hooli',
  'Stark Industries',
  'Wayne Enterprises',
  'Soylent',
  'Vandelay',
  'Cyberdyne',
  'Tyrell',
  'Wonka',
  'Gringotts',
  'Pied Piper',
  'Massive Dynamic',
  'Oscorp',
  'Aperture',
] as const;

export const INDUSTRIES = [
  'Software',
  'Manufacturing',
  'Healthcare',
  'Retail',
  'Finance',
  'Logistics',
] as const;
export const STAGES = [
  'Prospecting',
  'Qualification',
  'Discovery',
  'Proposal',
  'Negotiation',
  'Closed Won',
] as const;
export const EXTERNAL_TITLES = [
  'CTO',
  'VP Engineering',
  'Head of Sales Ops',
  'Procurement Manager',
  'Director of IT',
  'CFO',
] as const;
export const MEETING_KINDS = [
  'Discovery',
  'Demo',
  'Pricing',
  'QBR',
  'Kickoff',
  'Follow-up',
  'Technical deep dive',
] as const;
export const CONFERENCE_SYSTEMS = ['Zoom', 'Google Meet', 'Microsoft Teams', 'WebEx'] as const;
export const TELEPHONY_SYSTEMS = ['Outreach', 'RingCentral', 'Aircall'] as const;
export const DISPOSITIONS = [
  'Connected',
  'No Answer',
  'Left Voicemail',
  'Gatekeeper',
  'Meeting Booked',
] as const;
export const TOPICS = [
  'Pricing',
  'Product Demo',
  'Integrations',
  'Security',
  'Timeline',
  'Competition',
  'Next Steps',
  'Small Talk',
] as const;
export const STRUCTURE = ['Intro', 'Discovery', 'Demo', 'Pricing', 'Next Steps'] as const;
export const TRACKERS = [
  { name: 'Competitors', type: 'KEYWORD', phrases: ['Salesloft', 'Chorus', 'Clari'] },
  { name: 'Pricing', type: 'KEYWORD', phrases: ['price', 'discount', 'budget'] },
  { name: 'Security', type: 'KEYWORD', phrases: ['SOC 2', 'SSO', 'GDPR'] },
  { name: 'Next steps', type: 'SMART', phrases: [] },
  { name: 'Objections', type: 'SMART', phrases: [] },
] as const;
/**
 * The tenant's call outcome definitions (a real tenant had 16), in display order, with the
 * upper-case values GET /v2/call-outcomes sends. Calls carry Gong AI's view of one of them.
 */
export const OUTCOMES = [
  ['Interested', 'ANSWERED', 'CONNECTED', 'POSITIVE', 'COMPLETE'],
  ['Meeting booked', 'ANSWERED', 'CONNECTED', 'POSITIVE', 'COMPLETE_AND_REMOVE'],
  ['Moved to next stage', 'ANSWERED', 'CONNECTED', 'POSITIVE', 'COMPLETE_AND_REMOVE'],
  ['Follow-up needed', 'ANSWERED', 'CONNECTED', 'NEUTRAL', 'COMPLETE'],
  ['Call back later', 'ANSWERED', 'CONNECTED', 'NEUTRAL', 'COMPLETE'],
  ['Referred to someone else', 'ANSWERED', 'CONNECTED', 'NEUTRAL', 'COMPLETE'],
  ['Reached gatekeeper', 'ANSWERED', 'CONNECTED', 'NEUTRAL', 'COMPLETE'],
  ['Not interested', 'ANSWERED', 'CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'],
  ['Not the right person', 'ANSWERED', 'CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'],
  ['Do not call', 'ANSWERED', 'CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'],
  ['Left voicemail', 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEUTRAL', 'COMPLETE'],
  ['No answer', 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEUTRAL', 'COMPLETE'],
  ['Busy', 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEUTRAL', 'COMPLETE'],
  ['Voicemail full', 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEUTRAL', 'COMPLETE'],
  ['Wrong number', 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'],
  ['Disconnected number', 'NOT_ANSWERED', 'NOT_CONNECTED', 'NEGATIVE', 'COMPLETE_AND_REMOVE'],
] as const;

export const SENTENCES = [
  'Thanks everyone for joining today.',
  'Could you walk me through how your team handles this right now?',
  'We looked at a couple of other vendors last quarter.',
  'Security review is usually the longest step for us.',
  'What would a pilot look like in terms of timeline?',
  'I can send over the pricing breakdown after the call.',
  'Our main concern is the integration with the CRM.',
  'That makes sense, let me share my screen.',
  'How many seats are we talking about?',
  'We would need sign-off from procurement before the end of the month.',
  'Let us set up a follow-up with your technical lead.',
  'The dashboard updates in near real time.',
  'Can you say more about the reporting requirements?',
  'I will loop in our solutions engineer.',
  'Budget was approved for the next fiscal year.',
  'Sounds good, talk to you next week.',
] as const;

export const COMMENTS = [
  'Great discovery question here.',
  'Pricing objection: follow up with a discount plan.',
  'Nice handling of the competitor mention.',
] as const;

export const SCORECARDS = [
  {
    name: 'Discovery call',
    enabled: true,
    questions: [
      { text: 'Overall, how well did the rep run the call?', type: 'RANGE', overall: true },
      {
        text: 'Did the rep confirm budget?',
        type: 'SINGLE_SELECT',
        options: ['Yes', 'Partly', 'No'],
      },
      { text: 'Were next steps agreed with a date?', type: 'RANGE' },
      { text: 'What should the rep do differently?', type: 'OPEN_TEXT' },
    ],
  },
  {
    name: 'Renewal review',
    enabled: true,
    questions: [
      { text: 'Overall renewal health', type: 'RANGE', overall: true },
      { text: 'Were risks named?', type: 'SINGLE_SELECT', options: ['Yes', 'No'] },
    ],
  },
  {
    name: 'Cold call (retired)',
    enabled: false,
    questions: [{ text: 'Overall', type: 'RANGE', overall: true }],
  },
] as const;
