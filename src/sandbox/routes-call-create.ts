/**
 * POST /v2/calls (add a call: 200 `{requestId, callId}`) and PUT /v2/calls/{id}/media (upload
 * its recording: 201 `{requestId, callId, url}`), docs/gong-contract.md §2. The media body is parsed as a
 * stream and its bytes are counted and discarded, so a 1.5 GB upload costs no memory.
 * Internal to the sandbox.
 */
import type { IncomingMessage } from 'node:http';
import busboy from 'busboy';
import { SCOPES, type Party } from '../gong/wire.js';
import {
  badRequest,
  dateParam,
  gongError,
  jsonObject,
  ok,
  validate,
  type ApiContext,
  type ApiRoute,
} from './api.js';
import { callNotFound } from './gong-answers.js';
import { NewCallRequest } from './new-call-request.js';
import { newNumericId } from './random.js';
import type { TenantUser } from './seed-people.js';

function partiesOf(req: NewCallRequest, ctx: ApiContext): Party[] {
  const spoke = new Set((req.speakersTimeline?.speechSegments ?? []).flatMap((s) => s.partyIds));
  const timeline = req.speakersTimeline !== undefined;
  return req.parties.map((p) => {
    const user: TenantUser | undefined = p.userId
      ? ctx.tenant.userById(p.userId)
      : p.emailAddress
        ? ctx.tenant.userByEmail(p.emailAddress)
        : undefined;
    // Without a speakers timeline Gong diarises the recording, so every party gets a speaker.
    const speaks = timeline ? p.partyId !== undefined && spoke.has(p.partyId) : true;
    return {
      id: newNumericId(),
      ...(p.emailAddress ? { emailAddress: p.emailAddress } : {}),
      ...(p.name
        ? { name: p.name }
        : user
          ? { name: `${user.meta.firstName} ${user.meta.lastName}` }
          : {}),
      ...(user?.meta.title ? { title: user.meta.title } : {}),
      ...(user ? { userId: user.meta.id } : {}),
      speakerId: speaks ? newNumericId() : null,
      context: (p.context ?? []).map((c) => ({
        system: c.system,
        objects: (c.objects ?? []).map((o) => ({ ...o, fields: o.fields ?? [], timing: 'Now' })),
      })),
      affiliation: user ? 'Internal' : p.emailAddress || p.phoneNumber ? 'External' : 'Unknown',
      ...(p.phoneNumber ? { phoneNumber: p.phoneNumber } : {}),
      methods: ['Attendee'],
    };
  });
}

/** Counts the bytes of the `mediaFile` part; rejects when there is none or the body is not multipart. */
function countMedia(stream: IncomingMessage): Promise<number> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: stream.headers });
    } catch (e) {
      reject(
        badRequest(
          `Body must be multipart/form-data with a 'mediaFile' part: ${e instanceof Error ? e.message : String(e)}`,
        ),
      );
      stream.resume();
      return;
    }
    let bytes: number | undefined;
    bb.on('file', (name, file) => {
      if (name !== 'mediaFile') return void file.resume();
      bytes = 0;
      file.on('data', (chunk: Buffer) => {
        bytes = (bytes ?? 0) + chunk.length;
      });
    });
    bb.on('error', (e) =>
      reject(badRequest(`Malformed multipart body: ${e instanceof Error ? e.message : String(e)}`)),
    );
    bb.on('close', () =>
      bytes === undefined
        ? reject(
            badRequest("mediaFile: must not be null (send a multipart part named 'mediaFile')"),
          )
        : resolve(bytes),
    );
    stream.pipe(bb);
  });
}

export const callCreateRoutes: ApiRoute[] = [
  {
    method: 'POST',
    pattern: /^\/v2\/calls$/,
    label: 'POST /v2/calls',
    scopes: () => [SCOPES.callsCreate],
    handle(req, ctx) {
      const body = validate(NewCallRequest, jsonObject(req));
      const startedMs = dateParam('actualStart', body.actualStart);
      const scheduledMs =
        body.scheduledStart === undefined
          ? undefined
          : dateParam('scheduledStart', body.scheduledStart);
      const primary = ctx.tenant.userById(body.primaryUser);
      if (!primary) throw badRequest(`primaryUser: no Gong user with id ${body.primaryUser}`);
      const parties = partiesOf(body, ctx);
      if (!parties.some((p) => p.userId === primary.meta.id))
        throw badRequest(`parties: must include a party for the primary user ${body.primaryUser}`);
      const existing = ctx.tenant.callByClientUniqueId(body.clientUniqueId);
      if (existing) {
        if (ctx.duplicateCreate === 'same-call') return ok({ callId: existing.id });
        throw gongError(
          409,
          `A call with clientUniqueId '${body.clientUniqueId}' already exists (callId ${existing.id})`,
        );
      }
      const call = ctx.tenant.createCall({
        startedMs,
        kind: 'uploaded',
        primary,
        ...(body.title !== undefined ? { title: body.title } : {}),
        ...(body.workspaceId !== undefined ? { workspaceId: body.workspaceId } : {}),
        durationSeconds: Math.round(body.duration ?? 0),
        scheduledMs: scheduledMs ?? startedMs,
        parties,
        meta: {
          clientUniqueId: body.clientUniqueId,
          purpose: body.purpose ?? null,
          customData: body.customData ?? null,
          direction: body.direction,
          system: body.callProviderCode ?? 'API',
          sdrDisposition: body.disposition ?? null,
          meetingUrl: body.meetingUrl ?? null,
          scope: parties.some((p) => p.affiliation !== 'Internal') ? 'External' : 'Internal',
          isPrivate: false,
          calendarEventId: null,
          language: body.languageCode?.slice(0, 2) === 'es' ? 'spa' : 'eng',
        },
      });
      if (body.context)
        call.contextNow = body.context.map((c) => ({
          system: c.system,
          objects: (c.objects ?? []).map((o) => ({ ...o, fields: o.fields ?? [], timing: 'Now' })),
        }));
      // Processing starts once the call has ended and Gong has it: now for a recording of the past, its end for a call still going on.
      ctx.processing.enqueue(
        call,
        Math.max(ctx.now, startedMs + Math.round(body.duration ?? 0) * 1000),
      );
      return ok({ callId: call.id });
    },
  },
  {
    method: 'PUT',
    pattern: /^\/v2\/calls\/(?<id>[^/]+)\/media$/,
    label: 'PUT /v2/calls/{id}/media',
    scopes: () => [SCOPES.callsCreate],
    streaming: true,
    async handle(_req, ctx, params, stream) {
      const call = ctx.tenant.callById(params.id ?? '');
      if (!call) {
        stream.resume();
        throw gongError(404, callNotFound(params.id ?? ''));
      }
      const bytes = await countMedia(stream);
      call.mediaBytes = bytes;
      ctx.note({ mediaBytes: bytes });
      return ok({ callId: call.id, url: call.meta.url ?? null }, 201);
    },
  },
];
