/**
 * The parts of a call most reads never ask for (content, interaction, public comments), built
 * from the call's own seed on first use so that a 2,000-call tenant starts fast. Internal.
 */
import { gongAiOutcome } from './call-outcomes.js';
import { formatDate } from './dates.js';
import type { Rng } from './random.js';
import type { CallContent, CallInteraction } from '../gong/wire.js';
import type { CallDetails, CallEnv, StoredCall } from './stored-call.js';
import * as W from './seed-words.js';

export type { CallDetails } from './stored-call.js';

export function buildDetails(
  rng: Rng,
  env: CallEnv,
  call: Pick<StoredCall, 'parties' | 'meta' | 'hasVideo' | 'startedMs'>,
): CallDetails {
  const duration = call.meta.duration ?? 0;
  const speakers = call.parties.filter((p) => typeof p.speakerId === 'string');
  const at = () => Math.round(rng.next() * duration * 100) / 100;
  const speakerIdAt = () => (speakers.length > 0 ? (rng.pick(speakers).speakerId ?? null) : null);
  const splits = W.STRUCTURE.map(() => rng.int(1, 10));
  const total = splits.reduce((a, b) => a + b, 0);
  const content: CallContent = {
    structure: W.STRUCTURE.map((name, i) => ({
      name,
      duration: Math.round(((splits[i] ?? 1) / total) * duration),
    })),
    topics: W.TOPICS.filter(() => rng.chance(0.4)).map((name) => ({
      name,
      duration: rng.int(20, Math.max(21, Math.round(duration / 4))),
    })),
    trackers: W.TRACKERS.map((t, i) => {
      const occurrences = Array.from({ length: rng.int(0, 4) }, () => ({
        startTime: at(),
        speakerId: speakerIdAt(),
      }));
      return {
        id: env.trackerIds[i] ?? '',
        name: t.name,
        count: occurrences.length,
        type: t.type,
        occurrences,
        phrases: t.phrases.map((phrase) => ({ count: rng.int(0, 2), occurrences: [], phrase })),
      };
    }),
    pointsOfInterest: {
      actionItems: Array.from({ length: rng.int(0, 3) }, () => {
        const start = Math.floor(at());
        return {
          snippetStartTime: start,
          snippetEndTime: start + rng.int(5, 30),
          speakerID: speakerIdAt(),
          snippet: rng.pick(W.SENTENCES),
        };
      }),
    },
    brief: `${call.meta.title}: ${rng.pick(W.SENTENCES)} ${rng.pick(W.SENTENCES)}`,
    outline: W.STRUCTURE.slice(0, rng.int(2, W.STRUCTURE.length)).map((section, i) => ({
      section,
      startTime: Math.round((i * duration) / W.STRUCTURE.length),
      duration: Math.round(duration / W.STRUCTURE.length),
      items: [
        {
          text: rng.pick(W.SENTENCES),
          startTime: Math.round((i * duration) / W.STRUCTURE.length) + 5,
        },
      ],
    })),
    highlights: [
      {
        title: 'Next steps',
        items: [{ text: rng.pick(W.SENTENCES), startTimes: [Math.floor(at())] }],
      },
    ],
    callOutcome: gongAiOutcome(rng.pick(W.OUTCOMES)),
    keyPoints: Array.from({ length: rng.int(1, 3) }, () => ({ text: rng.pick(W.SENTENCES) })),
  };
  const talk = speakers.map(() => rng.int(10, 100));
  const talkSum = talk.reduce((a, b) => a + b, 0) || 1;
  const interaction: CallInteraction = {
    speakers: speakers.map((p, i) => ({
      id: p.id ?? '',
      ...(p.userId ? { userId: p.userId } : {}),
      talkTime: Math.round(((talk[i] ?? 0) / talkSum) * duration * 10) / 10,
    })),
    interactionStats: [
      { name: 'Talk Ratio', value: Math.round(((talk[0] ?? 0) / talkSum) * 100) / 100 },
      { name: 'Longest Monologue', value: rng.int(20, 300) },
      { name: 'Longest Customer Story', value: rng.int(0, 200) },
      { name: 'Interactivity', value: Math.round(rng.next() * 1000) / 100 },
      { name: 'Patience', value: Math.round(rng.next() * 300) / 100 },
    ],
    video: call.hasVideo
      ? ['Browser', 'Presentation', 'WebcamPrimaryUser', 'WebcamNonCompany', 'Webcam'].map(
          (name) => ({ name, duration: rng.int(0, duration) }),
        )
      : [],
    questions: { companyCount: rng.int(0, 20), nonCompanyCount: rng.int(0, 15) },
  };
  const publicComments = Array.from({ length: rng.chance(0.3) ? rng.int(1, 2) : 0 }, () => {
    const start = Math.floor(at());
    return {
      id: rng.id(),
      audioStartTime: start,
      audioEndTime: start + rng.int(5, 60),
      commenterUserId: rng.pick(env.activeCallers).meta.id,
      comment: rng.pick(W.COMMENTS),
      posted: formatDate(call.startedMs + (duration + rng.int(60, 86_400)) * 1000, env.offset),
      inReplyTo: null,
      duringCall: false,
    };
  });
  return { content, interaction, publicComments };
}
