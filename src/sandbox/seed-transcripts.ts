/** A call's transcript, generated on demand from the call's own seed (same seed, same words). Internal. */
import type { CallTranscript } from '../gong/wire.js';
import { createRng } from './random.js';
import type { StoredCall } from './seed-calls.js';
import { SENTENCES, TOPICS } from './seed-words.js';

/** Monologues of the parties that spoke, in order, with sentence times in ms from the call's start. */
export function buildTranscript(call: StoredCall): CallTranscript {
  const rng = createRng(call.transcriptSeed);
  const speakers = call.parties
    .map((p) => p.speakerId)
    .filter((s): s is string => typeof s === 'string');
  const durationMs = (call.meta.duration ?? 0) * 1000;
  const transcript: CallTranscript['transcript'] = [];
  let t = rng.int(500, 5000);
  let last: string | undefined;
  while (speakers.length > 0 && t < durationMs - 3000 && transcript.length < 80) {
    const options = speakers.length > 1 ? speakers.filter((s) => s !== last) : speakers;
    const speakerId = rng.pick(options);
    last = speakerId;
    const sentences: { start: number; end: number; text: string }[] = [];
    for (let n = rng.int(1, 4); n > 0 && t < durationMs - 3000; n--) {
      const end = Math.min(durationMs, t + rng.int(1500, 8000));
      sentences.push({ start: t, end, text: rng.pick(SENTENCES) });
      t = end + rng.int(100, 1500);
    }
    transcript.push({ speakerId, topic: rng.chance(0.5) ? rng.pick(TOPICS) : null, sentences });
    // Long calls: skip ahead so the sentences spread over the whole call.
    t += Math.floor(durationMs / 100);
  }
  return { callId: call.id, transcript };
}
