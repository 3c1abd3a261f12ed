/**
 * The payloads of the event topics as stored in the log, and their guards for reading back
 * (a log entry is JSON from Redis or memory: validated, not trusted).
 */
import { CallBasicData, CallData, CallTranscript, type WebhookPayload } from '../gong/wire.js';

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

/** What happened to a call after Gong processed it (Gong has no change feed; the gateway derives one). */
export const CALL_CHANGE_KINDS = [
  'CREATED',
  'UPDATED',
  'MADE_PRIVATE',
  'MADE_PUBLIC',
  'DELETED',
] as const;
export type CallChangeKind = (typeof CALL_CHANGE_KINDS)[number];

/** The `call.changed` topic's payload. */
export interface CallChangedData {
  kind: CallChangeKind;
  callId: string;
  /** Names of the call's fields that changed (every one, also for a privacy flip); [] for CREATED and DELETED. */
  changedFields: string[];
  /** The call's privacy now (for DELETED: as last known). */
  isPrivate: boolean;
  /** The call's basic fields as Gong lists them now; absent for DELETED. */
  metaData?: CallBasicData;
}

export function readCallChanged(data: unknown): CallChangedData | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const o = data as Record<string, unknown>;
  const kind = CALL_CHANGE_KINDS.find((k) => k === o.kind);
  const fields = o.changedFields;
  if (
    kind === undefined ||
    typeof o.callId !== 'string' ||
    typeof o.isPrivate !== 'boolean' ||
    !Array.isArray(fields) ||
    !fields.every((f): f is string => typeof f === 'string')
  )
    return undefined;
  let metaData: CallBasicData | undefined;
  if (o.metaData !== undefined) {
    const m = CallBasicData.safeParse(o.metaData);
    if (!m.success) return undefined;
    metaData = m.data;
  }
  return {
    kind,
    callId: o.callId,
    changedFields: fields,
    isPrivate: o.isPrivate,
    ...(metaData ? { metaData } : {}),
  };
}
