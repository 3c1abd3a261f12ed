/**
 * The payloads of the two event topics as stored in the log, and their guards for reading back
 * (a log entry is JSON from Redis or memory: validated, not trusted).
 */
import { CallData, CallTranscript, type WebhookPayload } from '../gong/wire.js';

export interface CallCreatedData {
  callData: CallData;
  isTest: boolean;
  /** Gong's top-level flag, else the call's own metaData.isPrivate. */
  isPrivate: boolean;
}

export interface TranscriptReadyData {
  callId: string;
  isPrivate: boolean;
  transcript: CallTranscript;
}

export function callCreatedData(p: WebhookPayload): CallCreatedData {
  return {
    callData: p.callData,
    isTest: p.isTest ?? false,
    isPrivate: p.isPrivate ?? p.callData.metaData.isPrivate ?? false,
  };
}

export function readCallCreated(data: unknown): CallCreatedData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const o = data as Record<string, unknown>;
  const call = CallData.safeParse(o.callData);
  if (!call.success || typeof o.isTest !== 'boolean' || typeof o.isPrivate !== 'boolean')
    return undefined;
  return { callData: call.data, isTest: o.isTest, isPrivate: o.isPrivate };
}

export function readTranscriptReady(data: unknown): TranscriptReadyData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const o = data as Record<string, unknown>;
  const t = CallTranscript.safeParse(o.transcript);
  if (!t.success || typeof o.callId !== 'string') return undefined;
  return { callId: o.callId, isPrivate: o.isPrivate === true, transcript: t.data };
}
