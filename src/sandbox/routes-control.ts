/**
 * The control API under /__sandbox/ on the `api` listener: plain JSON, no auth, the same
 * operations as the in-process `control` object (docs/sandbox.md lists the routes).
 * Internal to the sandbox.
 */
import { ErrorCode, GatewayError, httpErrorBody, httpStatusOf, isGatewayError } from '../errors.js';
import type { SandboxReply, SandboxRequest } from './http.js';
import { importInput } from './call-changes.js';
import type { FaultRule, SandboxControl, WebhookRule } from './types.js';

type Handler = (req: SandboxRequest, params: Record<string, string>) => unknown;

function objectBody(req: SandboxRequest): Record<string, unknown> {
  if (req.rawBody.length === 0) return {};
  const v = req.json;
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    throw new GatewayError(
      ErrorCode.BAD_USER_INPUT,
      `Body must be a JSON object, got: ${req.rawBody.subarray(0, 60).toString('utf8')}`,
    );
  return v as Record<string, unknown>;
}

export function createControlRoutes(
  control: SandboxControl,
): (req: SandboxRequest) => Promise<SandboxReply> {
  const routes: [string, RegExp, Handler][] = [
    [
      'POST',
      /^\/__sandbox\/calls\/end$/,
      async (req) => ({ callId: await control.endCall(objectBody(req)) }),
    ],
    ['GET', /^\/__sandbox\/calls$/, () => ({ calls: control.allCalls() })],
    [
      'POST',
      /^\/__sandbox\/calls\/import$/,
      (req) => {
        const input = importInput.safeParse(objectBody(req));
        if (!input.success)
          throw new GatewayError(
            ErrorCode.BAD_USER_INPUT,
            `Expected {startedAgoMs?, title?, primaryUserId?, workspaceId?, isPrivate?, durationSeconds?}: ${input.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`,
          );
        return { callId: control.importCall(input.data) };
      },
    ],
    [
      'PATCH',
      /^\/__sandbox\/calls\/(?<id>\d+)$/,
      (req, p) => ({ metaData: control.editCall(p.id ?? '', objectBody(req)) }),
    ],
    [
      'PUT',
      /^\/__sandbox\/calls\/(?<id>\d+)\/outcome$/,
      (req, p) => {
        const { callOutcome } = objectBody(req);
        // The shape is checked by setCallOutcome itself.
        control.setCallOutcome(p.id ?? '', callOutcome === undefined ? null : callOutcome);
        return { ok: true };
      },
    ],
    [
      'DELETE',
      /^\/__sandbox\/calls\/(?<id>\d+)$/,
      (_req, p) => (control.deleteCall(p.id ?? ''), { ok: true }),
    ],
    ['POST', /^\/__sandbox\/tick$/, async () => (await control.tick(), { ok: true })],
    [
      'POST',
      /^\/__sandbox\/scorecards\/answer$/,
      (req) => {
        const { callId, reviewerUserId } = objectBody(req);
        if (
          typeof callId !== 'string' ||
          (reviewerUserId !== undefined && typeof reviewerUserId !== 'string')
        )
          throw new GatewayError(
            ErrorCode.BAD_USER_INPUT,
            `Expected {callId: string, reviewerUserId?: string}, got: ${JSON.stringify({ callId, reviewerUserId })}`,
          );
        return { answeredScorecardId: control.answerScorecard(callId, reviewerUserId) };
      },
    ],
    ['GET', /^\/__sandbox\/webhooks\/rules$/, () => ({ rules: control.webhookRules() })],
    [
      'POST',
      /^\/__sandbox\/webhooks\/rules$/,
      (req) => ({ rule: control.addWebhookRule(objectBody(req) as Omit<WebhookRule, 'id'>) }),
    ],
    [
      'DELETE',
      /^\/__sandbox\/webhooks\/rules\/(?<id>[^/]+)$/,
      (_req, p) => (control.removeWebhookRule(p.id ?? ''), { ok: true }),
    ],
    [
      'POST',
      /^\/__sandbox\/webhooks\/rules\/(?<id>[^/]+)\/test$/,
      async (_req, p) => ({ delivery: await control.sendTestWebhook(p.id ?? '') }),
    ],
    [
      'POST',
      /^\/__sandbox\/webhooks\/deliver$/,
      async (req) => {
        const { callIds } = objectBody(req);
        if (!Array.isArray(callIds) || !callIds.every((id) => typeof id === 'string'))
          throw new GatewayError(
            ErrorCode.BAD_USER_INPUT,
            `Expected {callIds: string[]}, got: ${JSON.stringify({ callIds })}`,
          );
        return { deliveries: await control.deliverCallWebhooks(callIds) };
      },
    ],
    [
      'GET',
      /^\/__sandbox\/webhooks\/deliveries$/,
      () => ({ deliveries: control.webhookDeliveries() }),
    ],
    [
      'GET',
      /^\/__sandbox\/webhooks\/public-key$/,
      () => ({ publicKey: control.webhookPublicKey() }),
    ],
    [
      'POST',
      /^\/__sandbox\/faults$/,
      (req) => (control.addFault(objectBody(req) as unknown as FaultRule), { ok: true }),
    ],
    ['DELETE', /^\/__sandbox\/faults$/, () => (control.clearFaults(), { ok: true })],
    ['GET', /^\/__sandbox\/requests$/, () => ({ requests: control.requestLog() })],
    ['DELETE', /^\/__sandbox\/requests$/, () => (control.resetLog(), { ok: true })],
    ['GET', /^\/__sandbox\/counters$/, () => ({ counters: control.counters() })],
    [
      'POST',
      /^\/__sandbox\/tokens\/revoke$/,
      (req) => {
        const clientId = objectBody(req).clientId;
        if (clientId !== undefined && typeof clientId !== 'string')
          throw new GatewayError(
            ErrorCode.BAD_USER_INPUT,
            `clientId must be a string when given, got: ${JSON.stringify(clientId)}`,
          );
        control.revokeTokens(clientId);
        return { ok: true };
      },
    ],
    ['POST', /^\/__sandbox\/tokens\/expire$/, () => (control.expireAccessTokens(), { ok: true })],
    ['POST', /^\/__sandbox\/rate-limit\/reset$/, () => (control.resetRateLimit(), { ok: true })],
  ];
  return async (req) => {
    try {
      for (const [method, pattern, handler] of routes) {
        const m = pattern.exec(req.path);
        if (m && method === req.method)
          return { status: 200, body: await handler(req, { ...m.groups }) };
      }
      throw new GatewayError(
        ErrorCode.NOT_FOUND,
        `No control route ${req.method} ${req.path} (see docs/sandbox.md)`,
      );
    } catch (e) {
      const err = isGatewayError(e)
        ? e
        : new GatewayError(
            ErrorCode.INTERNAL_SERVER_ERROR,
            e instanceof Error ? e.message : String(e),
          );
      return { status: httpStatusOf[err.code], body: httpErrorBody(err) };
    }
  };
}
