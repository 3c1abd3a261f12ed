/** Scorecard schemas live in ./wire/scorecards.ts with the rest of Gong's wire format; kept for its importers. */
export * from './wire/scorecards.js';
