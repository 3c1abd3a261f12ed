/**
 * What happens to a call after Gong processed it (docs/sandbox.md, "Calls change after
 * processing"): it is renamed or its fields edited, made private or public, deleted with its
 * transcript, its `callOutcome` set later, or another integration imports a call whose start is
 * days old. Gong has no change feed and fires webhooks for new calls only, so nothing announces
 * these: only reads show them. Internal to the sandbox.
 */
import { z } from 'zod';
import { ErrorCode, GatewayError } from '../errors.js';
import { CallBasicData, CallContent } from '../gong/wire.js';
import { gongAiOutcome } from './call-outcomes.js';
import * as W from './seed-words.js';
import type { Tenant } from './tenant.js';
import type { CallChangeControl } from './types.js';

/** Fields tied to when the call happened: the sandbox indexes lists on them, and Gong never changes them. */
const FIXED = ['id', 'url', 'scheduled', 'started', 'duration'] as const;

const Edit = CallBasicData.omit({
  id: true,
  url: true,
  scheduled: true,
  started: true,
  duration: true,
})
  .partial()
  .strict();
const Outcome = CallContent.shape.callOutcome;

const badInput = (message: string) => new GatewayError(ErrorCode.BAD_USER_INPUT, message);

export function createCallChanges(deps: { tenant: Tenant; now: () => number }): CallChangeControl {
  const { tenant } = deps;
  /** A call reads can see now: changing one still processing is not something Gong lets a user do. */
  const processed = (what: string, id: string) => {
    const call = tenant.callById(id);
    if (!call || call.visibleAt === undefined || call.visibleAt > deps.now())
      throw new GatewayError(ErrorCode.NOT_FOUND, `${what}: no processed call with id ${id}`);
    return call;
  };

  return {
    editCall(id, changes) {
      const fixed = FIXED.filter((k) => k in (changes as object));
      if (fixed.length > 0)
        throw badInput(`editCall: ${fixed.join(', ')} cannot change after processing`);
      const parsed = Edit.safeParse(changes);
      if (!parsed.success)
        throw badInput(
          `editCall: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
        );
      const call = processed('editCall', id);
      // A new object, so what was already sent (webhook payloads, earlier answers) keeps its version.
      call.meta = { ...call.meta, ...parsed.data };
      return call.meta;
    },
    setCallOutcome(id, outcome) {
      if (typeof outcome === 'string') {
        // A definition's name: the outcome as Gong AI writes it for that definition.
        const def = W.OUTCOMES.find(([name]) => name.toLowerCase() === outcome.toLowerCase());
        if (!def)
          throw badInput(
            `setCallOutcome: no call outcome definition named ${JSON.stringify(outcome)} (GET /v2/call-outcomes lists them)`,
          );
        processed('setCallOutcome', id).details().content.callOutcome = gongAiOutcome(def);
        return;
      }
      const parsed = Outcome.safeParse(outcome);
      if (!parsed.success)
        throw badInput(
          "setCallOutcome: expected a definition's name, Gong AI's {id, category, name}, or null",
        );
      const content = processed('setCallOutcome', id).details().content;
      // "Returned when it is available": absent until set.
      if (parsed.data == null) delete content.callOutcome;
      else content.callOutcome = parsed.data;
    },
    deleteCall(id) {
      if (!tenant.deleteCall(id))
        throw new GatewayError(ErrorCode.NOT_FOUND, `deleteCall: no call with id ${id}`);
    },
    importCall(input = {}) {
      const at = deps.now();
      const primary =
        input.primaryUserId === undefined ? undefined : tenant.userById(input.primaryUserId);
      if (input.primaryUserId !== undefined && !primary)
        throw badInput(
          `importCall: primaryUserId must be a tenant user id, got ${input.primaryUserId}`,
        );
      const startedAgoMs = input.startedAgoMs ?? 3 * 86_400_000;
      if (!Number.isFinite(startedAgoMs) || startedAgoMs < 0)
        throw badInput(
          `importCall: startedAgoMs must be a number ≥ 0, got ${String(startedAgoMs)}`,
        );
      const call = tenant.createCall({
        startedMs: at - startedAgoMs,
        kind: 'uploaded',
        ...(input.durationSeconds !== undefined ? { durationSeconds: input.durationSeconds } : {}),
        ...(primary ? { primary } : {}),
        ...(input.title !== undefined ? { title: input.title } : {}),
        ...(input.workspaceId !== undefined ? { workspaceId: input.workspaceId } : {}),
        ...(input.isPrivate !== undefined ? { isPrivate: input.isPrivate } : {}),
      });
      // Processed elsewhere: visible with its transcript at once, and no webhook announces it.
      call.visibleAt = at;
      call.transcriptAt = at;
      return call.id;
    },
  };
}

export const importInput = z
  .object({
    startedAgoMs: z.number().min(0).optional(),
    title: z.string().optional(),
    primaryUserId: z.string().optional(),
    workspaceId: z.string().optional(),
    isPrivate: z.boolean().optional(),
    durationSeconds: z.number().int().positive().optional(),
  })
  .strict();
