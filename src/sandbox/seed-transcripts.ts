/** A call's transcript, generated on demand from the call's own seed (same seed, same words). Internal. */
import type { CallTranscript } from '../gong/wire.js';
import { createRng } from './random.js';
import type { StoredCall } from './seed-calls.js';
import {
  sentenceOf,
  sentenceSaying,
  themeOf,
  USUAL_OPENING,
  type SpeechSlots,
  type Theme,
} from './seed-speech.js';
import { TOPICS } from './seed-words.js';

const CONTENT_TOPICS: ReadonlySet<string> = new Set(TOPICS);

/** The account's name from the call's CRM context, if it has one. */
function accountOf(call: StoredCall): string | undefined {
  for (const c of call.contextNow)
    for (const o of c.objects ?? [])
      if (o.objectType === 'Account') {
        const name = o.fields?.find((f) => f.name === 'Name')?.value;
        if (typeof name === 'string') return name;
      }
  return undefined;
}

/**
 * Monologues of the parties that spoke, in order, with sentence times in ms from the call's start.
 * What they say follows the call (./seed-speech.ts): an opening, then mostly the call's content
 * topics, a close; and each phrase its keyword trackers counted, at a point in the call.
 */
export function buildTranscript(call: StoredCall): CallTranscript {
  const rng = createRng(call.transcriptSeed);
  const speakers = call.parties
    .map((p) => p.speakerId)
    .filter((s): s is string => typeof s === 'string');
  const durationMs = (call.meta.duration ?? 0) * 1000;
  const content = call.details().content;
  const topics = (content?.topics ?? []).flatMap((t) =>
    t.name && (t.duration ?? 0) > 0 ? [t.name] : [],
  );
  const slots: SpeechSlots = {
    company: accountOf(call) ?? 'the team',
    names: call.parties.flatMap((p) => (p.name ? [p.name.split(' ')[0] ?? p.name] : [])),
  };
  // The keyword trackers' phrases, each at a point before the call's last fifth (so the talk gets
  // there), said when it does.
  const phrases = (content?.trackers ?? [])
    .flatMap((t) =>
      (t.phrases ?? []).flatMap((p) =>
        p.phrase ? Array<string>(p.count ?? 0).fill(p.phrase) : [],
      ),
    )
    .map((phrase) => ({ phrase, atMs: rng.int(0, Math.max(0, Math.floor(durationMs * 0.8))) }))
    .sort((a, b) => a.atMs - b.atMs);

  const transcript: CallTranscript['transcript'] = [];
  let t = rng.int(500, 5000);
  let last: string | undefined;
  while (speakers.length > 0 && t < durationMs - 3000 && transcript.length < 80) {
    const options = speakers.length > 1 ? speakers.filter((s) => s !== last) : speakers;
    const speakerId = rng.pick(options);
    last = speakerId;
    const n = transcript.length;
    const theme: Theme =
      n === 0
        ? 'Opening'
        : n === 1 && rng.chance(0.5)
          ? 'Small Talk'
          : t > durationMs * 0.9
            ? rng.pick(['Next Steps', 'Closing'] as const)
            : themeOf(rng, topics);
    const sentences: { start: number; end: number; text: string }[] = [];
    for (let k = rng.int(1, 4); k > 0 && t < durationMs - 3000; k--) {
      const end = Math.min(durationMs, t + rng.int(1500, 8000));
      const due = phrases[0] && phrases[0].atMs <= t ? phrases.shift() : undefined;
      const text =
        (due && sentenceSaying(rng, due.phrase, slots)) ??
        (n === 0 && sentences.length === 0 && rng.chance(0.85)
          ? USUAL_OPENING
          : sentenceOf(rng, theme, slots));
      sentences.push({ start: t, end, text });
      t = end + rng.int(100, 1500);
    }
    transcript.push({ speakerId, topic: CONTENT_TOPICS.has(theme) ? theme : null, sentences });
    // Long calls: skip ahead so the sentences spread over the whole call.
    t += Math.floor(durationMs / 100);
  }
  return { callId: call.id, transcript };
}
