/**
 * `startSandbox()`: the simulated Gong (API, OAuth, webhooks) that `npm start`, every test and
 * every benchmark talk to. Wires the tenant, processing, auth, rate limit, faults, request log,
 * webhooks and both listeners together. Behaviour: docs/sandbox.md; contract: docs/gong-contract.md.
 */
import { ErrorCode, GatewayError } from '../errors.js';
import type { ApiContext } from './api.js';
import { SandboxAuth } from './auth.js';
import { createCallChanges } from './call-changes.js';
import { fullCall, mediaOf } from './call-view.js';
import { CursorCodec } from './cursors.js';
import { FaultInjector } from './faults.js';
import { TenantInsights } from './insights.js';
import { createOAuthRoutes } from './oauth.js';
import { Processing } from './processing.js';
import { SandboxRateLimiter } from './rate-limit.js';
import { RequestLog } from './request-log.js';
import { callCreateRoutes } from './routes-call-create.js';
import { callReadRoutes } from './routes-calls.js';
import { createControlRoutes } from './routes-control.js';
import { flowRoutes } from './routes-flows.js';
import { settingsLibraryRoutes } from './routes-settings-library.js';
import { statsRoutes } from './routes-stats.js';
import { transcriptRoutes } from './routes-transcripts.js';
import { userRoutes } from './routes-users.js';
import { startServers } from './server.js';
import { Tenant } from './tenant.js';
import type { CallData } from '../gong/wire.js';
import type { Sandbox, SandboxControl, SandboxOptions, WebhookDelivery } from './types.js';
import { WebhookEmitter } from './webhooks.js';
import { promised } from '../util/promised.js';

export type { Sandbox, SandboxOptions } from './types.js';

const HOUR = 3_600_000;
/** The tenant's web-app origin in call links (Gong's `https://us-<digits>.app.gong.io`). */
const APP_URL = 'https://us-31877.app.gong.io';

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const now = opts.now ?? Date.now;
  const accessKey = opts.accessKey ?? 'sandbox-access-key';
  const accessKeySecret = opts.accessKeySecret ?? 'sandbox-access-key-secret';
  const clientId = opts.oauthClientId ?? 'sandbox-client-id';
  const clientSecret = opts.oauthClientSecret ?? 'sandbox-client-secret';
  const processingDelayMs = opts.processingDelayMs ?? 5000;
  const transcriptDelayMs = opts.transcriptDelayMs ?? 15000;

  const realistic = opts.tenantSize === 'realistic';
  const tenant = new Tenant({
    seed: opts.seed ?? 42,
    users: opts.users ?? (realistic ? 500 : 50),
    calls: opts.calls ?? (realistic ? 20_000 : 2000),
    flowsPerUser: realistic ? 0.1 : undefined,
    days: opts.days ?? 90,
    anchorMs: opts.anchor ?? Math.floor(now() / HOUR) * HOUR,
    utcOffset: opts.utcOffset ?? '-07:00',
    appUrl: APP_URL,
  });
  const insights = new TenantInsights(tenant);
  // A webhook carries the answers reviewers had given by delivery time (the real capture: none yet).
  const withScorecards = (call: CallData, at: number): CallData =>
    call.content
      ? {
          ...call,
          content: {
            ...call.content,
            scorecardsAnswers: insights
              .visibleReviews(at)
              .filter((r) => r.callId === call.metaData.id)
              .map((r) => r.wire),
          },
        }
      : call;
  const auth = new SandboxAuth({
    accessKey,
    accessKeySecret,
    clients: [{ clientId, clientSecret }],
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 86_400,
    now,
  });
  const rateLimit = opts.rateLimit ?? { perSecond: 3, perDay: 10_000 };
  const rateLimiter =
    rateLimit === false ? undefined : new SandboxRateLimiter({ ...rateLimit, now });
  const webhooks = new WebhookEmitter({
    now,
    ...(opts.webhookRetry ? { retry: opts.webhookRetry } : {}),
    ...(opts.webhookSigningKey ? { signingKey: opts.webhookSigningKey } : {}),
  });
  const processing = new Processing({
    now,
    processingDelayMs,
    transcriptDelayMs,
    ...(opts.processingIntervalMs !== undefined ? { intervalMs: opts.processingIntervalMs } : {}),
    onVisible: async (call) => {
      await webhooks.deliver(withScorecards(fullCall(call), now()));
    },
  });
  const faults = new FaultInjector();
  const log = new RequestLog();
  const cursors = new CursorCodec({ ttlMs: opts.cursorTtlMs ?? 600_000, now });
  let tenantUrl = '';

  const control: SandboxControl = {
    ...createCallChanges({ tenant, now }),
    endCall: (input = {}) =>
      promised(() => {
        const primary =
          input.primaryUserId === undefined ? undefined : tenant.userById(input.primaryUserId);
        if (input.primaryUserId !== undefined && !primary)
          throw new GatewayError(
            ErrorCode.BAD_USER_INPUT,
            `endCall: primaryUserId must be a tenant user id, got ${input.primaryUserId}`,
          );
        const endedAt = now();
        const durationSeconds = input.durationSeconds ?? 1800;
        // It started its duration plus a little before it ended (or when told).
        const startedMs = endedAt - (input.startedAgoMs ?? durationSeconds * 1000 + 90_000);
        const call = tenant.createCall({
          startedMs,
          kind: 'conference',
          durationSeconds,
          // A web conference's calendar slot; GET /v2/calls filters it on this, not on its start.
          ...(input.scheduledAgoMs !== undefined
            ? { scheduledMs: endedAt - input.scheduledAgoMs }
            : {}),
          ...(primary ? { primary } : {}),
          ...(input.title !== undefined ? { title: input.title } : {}),
          ...(input.workspaceId !== undefined ? { workspaceId: input.workspaceId } : {}),
          ...(input.isPrivate !== undefined ? { isPrivate: input.isPrivate } : {}),
        });
        processing.enqueue(call, endedAt);
        return call.id;
      }),
    tick: () => processing.tick(),
    answerScorecard(callId, reviewerUserId) {
      const call = tenant.callById(callId);
      if (!call) throw new GatewayError(ErrorCode.NOT_FOUND, `answerScorecard: no call ${callId}`);
      const review = insights.addReview(call, now(), reviewerUserId);
      if (!review)
        throw new GatewayError(
          ErrorCode.BAD_USER_INPUT,
          'answerScorecard: the tenant has no enabled scorecard or no reviewer',
        );
      return review.wire.answeredScorecardId;
    },
    addWebhookRule: (rule) => webhooks.addRule(rule),
    removeWebhookRule: (id) => webhooks.removeRule(id),
    webhookRules: () => webhooks.rules(),
    async sendTestWebhook(ruleId) {
      const at = now();
      const call = tenant.visibleCalls(at).at(-1);
      if (!call)
        throw new GatewayError(ErrorCode.NOT_FOUND, 'No processed call to send as a test delivery');
      const [delivery] = await webhooks.deliver(withScorecards(fullCall(call), at), {
        isTest: true,
        onlyRuleId: ruleId,
      });
      if (!delivery)
        throw new GatewayError(ErrorCode.NOT_FOUND, `No webhook rule with id '${ruleId}'`);
      return delivery;
    },
    async deliverCallWebhooks(callIds) {
      const at = now();
      const visible = new Map(tenant.visibleCalls(at).map((c) => [c.id, c]));
      const unknown = callIds.filter((id) => !visible.has(id));
      if (unknown.length > 0)
        throw new GatewayError(
          ErrorCode.NOT_FOUND,
          `deliverCallWebhooks: no visible call with id ${unknown.slice(0, 5).join(', ')}`,
        );
      const out: WebhookDelivery[] = [];
      // One call after the other, like processing: a receiver sees Gong's pace, not a burst of hundreds.
      for (const id of callIds) {
        const call = visible.get(id);
        if (call) out.push(...(await webhooks.deliver(withScorecards(fullCall(call), at))));
      }
      return out;
    },
    webhookDeliveries: () => webhooks.deliveries(),
    webhookPublicKey: () => webhooks.publicKey(),
    addFault: (rule) => faults.add(rule),
    clearFaults: () => faults.clear(),
    requestLog: () => log.entries(),
    counters: () => log.counters(),
    resetLog: () => log.clear(),
    revokeTokens: (id) => auth.revokeTokens(id),
    expireAccessTokens: () => auth.expireAccessTokens(),
    resetRateLimit: () => rateLimiter?.reset(),
    allCalls: () =>
      tenant.allCalls().map((c) => ({
        ...fullCall(c),
        media: mediaOf(c, { now: now(), mediaOrigin: tenantUrl }),
      })),
  };

  const servers = await startServers(
    {
      routes: [
        ...userRoutes,
        ...flowRoutes,
        ...callReadRoutes,
        ...transcriptRoutes,
        ...callCreateRoutes,
        ...statsRoutes,
        ...settingsLibraryRoutes,
      ],
      context: (at, note): ApiContext => ({
        tenant,
        insights,
        cursors,
        now: at,
        mediaOrigin: tenantUrl,
        processing,
        duplicateCreate: opts.duplicateCreate ?? 'conflict',
        note,
      }),
      auth,
      rateLimiter,
      faults,
      log,
      now,
      oauth: createOAuthRoutes({ auth, tenantUrl: () => tenantUrl, now }),
      control: createControlRoutes(control),
    },
    opts.host ?? '127.0.0.1',
    opts.port ?? 0,
    opts.tenantPort ?? 0,
  );
  tenantUrl = servers.tenantUrl;

  return {
    url: servers.url,
    tenantUrl: servers.tenantUrl,
    accessKey,
    accessKeySecret,
    oauth: {
      clientId,
      clientSecret,
      authorizeUrl: `${servers.url}/oauth2/authorize`,
      tokenUrl: `${servers.url}/oauth2/generate-customer-token`,
    },
    control,
    close: async () => {
      processing.close();
      webhooks.close();
      await servers.close();
    },
  };
}
