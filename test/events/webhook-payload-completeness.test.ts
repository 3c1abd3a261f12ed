/**
 * Which selected parts a webhook's callData lacks, judged on a delivery shaped like the real,
 * sanitized call.created capture (literal JSON below): everything it carries costs nothing, and
 * each part it lacks (or only seems to carry, like an empty context) triggers the fetch.
 */
import { describe, expect, it } from 'vitest';
import { missingPart } from '../../src/graphql/resolvers/webhook-call.js';
import type { CallData } from '../../src/gong/wire.js';

const capture = {
  metaData: {
    id: '7782342274025937895',
    url: 'https://app.gong.io/call?id=7782342274025937895',
    title: 'Example call',
    scheduled: '2021-07-06T11:00:00-07:00',
    started: '2021-07-06T11:00:49.4-07:00',
    duration: 460,
    primaryUserId: '234599484848423',
    direction: 'Conference',
    system: 'Zoom',
    scope: 'External',
    media: 'Video',
    language: 'eng',
    workspaceId: '623457276584334',
    sdrDisposition: null,
    clientUniqueId: null,
    customData: null,
    purpose: null,
    meetingUrl: 'https://zoom.us/j/123',
    isPrivate: false,
    calendarEventId: null,
  },
  context: [],
  parties: [
    {
      id: '56825452554556',
      name: 'Test User',
      speakerId: null,
      affiliation: 'Internal',
      methods: ['Invitee'],
    },
  ],
  content: {
    topics: [{ name: 'Pricing', duration: 120 }],
    trackers: [{ id: '56825452554556', name: 'Competitors', count: 2, type: 'KEYWORD' }],
    scorecardsAnswers: [],
  },
  interaction: { interactionStats: [{ name: 'Talk Ratio', value: 0.4 }] },
  collaboration: {},
} as unknown as CallData;

describe('what a thin delivery lacks', () => {
  it('carries metaData, parties, topics, tracker counts and interaction stats', () => {
    expect(missingPart(capture, undefined)).toBeUndefined();
    expect(
      missingPart(capture, {
        exposedFields: {
          parties: true,
          content: { topics: true, trackers: true },
          interaction: { personInteractionStats: true },
        },
      }),
    ).toBeUndefined();
  });

  it('lacks brief, key points, tracker occurrences and phrases, speakers, questions, comments, media and (empty) context', () => {
    const lacks = (selector: Parameters<typeof missingPart>[1], fields: string[] = []) =>
      missingPart(capture, selector, new Set(fields));
    expect(lacks({ exposedFields: { content: { brief: true } } })).toBe('content.brief');
    expect(lacks({ exposedFields: { content: { keyPoints: true } } })).toBe('content.keyPoints');
    expect(
      lacks({ exposedFields: { content: { trackers: true, trackerOccurrences: true } } }),
    ).toBe('content.trackers');
    expect(lacks({ exposedFields: { content: { trackers: true } } }, ['GongTracker.phrases'])).toBe(
      'content.trackers',
    );
    expect(lacks({ exposedFields: { interaction: { speakers: true } } })).toBe(
      'interaction.speakers',
    );
    expect(lacks({ exposedFields: { interaction: { questions: true } } })).toBe(
      'interaction.questions',
    );
    expect(lacks({ exposedFields: { collaboration: { publicComments: true } } })).toBe(
      'collaboration.publicComments',
    );
    expect(lacks({ exposedFields: { media: true } })).toBe('media');
    expect(lacks({ context: 'Basic' })).toBe('context');
  });

  it('asks for Extended context when the delivery carries objects without their fields', () => {
    const withContext = {
      ...capture,
      context: [
        {
          system: 'Salesforce',
          objects: [{ objectType: 'Account', objectId: '0013601230sV7grAAC' }],
        },
      ],
    } as unknown as CallData;
    expect(missingPart(withContext, { context: 'Basic' })).toBeUndefined();
    expect(missingPart(withContext, { context: 'Extended' })).toBe('context');
  });

  it("serves Basic and Extended views from a full rule's context (Now), never one at the time of the call", () => {
    const withFields = {
      ...capture,
      context: [
        {
          system: 'Salesforce',
          objects: [
            {
              objectType: 'Account',
              objectId: '0013601230sV7grAAC',
              fields: [{ name: 'Name', value: 'Acme' }],
            },
          ],
        },
      ],
    } as unknown as CallData;
    expect(missingPart(withFields, { context: 'Basic' })).toBeUndefined();
    expect(missingPart(withFields, { context: 'Extended' })).toBeUndefined();
    expect(
      missingPart(withFields, { context: 'Extended', contextTiming: ['Now', 'TimeOfCall'] }),
    ).toBe('context');
  });
});
