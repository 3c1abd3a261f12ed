/**
 * The sandbox tenant: seeded users, workspaces, flows and calls (deterministic for a seed, dates
 * relative to an anchor), plus the calls created while it runs. Calls carry their processing
 * state; every read asks for what was visible at a given time. Internal to the sandbox.
 */
import type { CallTranscript, Workspace } from '../gong/wire.js';
import { createRng, subSeed, type Rng } from './random.js';
import { buildCall, type CallEnv, type CallSpec, type StoredCall } from './seed-calls.js';
import {
  seedFlows,
  seedUsers,
  seedWorkspaces,
  type TenantFlow,
  type TenantUser,
} from './seed-people.js';
import { buildTranscript } from './seed-transcripts.js';

const DAY = 86_400_000;

export interface TenantOptions {
  seed: number;
  users: number;
  calls: number;
  days: number;
  /** Seeded dates lie in the `days` before this instant (ms since epoch). */
  anchorMs: number;
  utcOffset: string;
  /** Web-app origin of call links. */
  appUrl: string;
  /** Flows per user; unset: a dozen whatever the size. */
  flowsPerUser?: number | undefined;
}

export class Tenant {
  readonly users: TenantUser[];
  readonly workspaces: Workspace[];
  readonly flows: TenantFlow[];
  readonly env: CallEnv;
  private readonly calls: StoredCall[] = [];
  private readonly byId = new Map<string, StoredCall>();
  private readonly byClientUniqueId = new Map<string, StoredCall>();
  private readonly transcripts = new Map<string, CallTranscript>();
  private readonly runtimeRng: Rng;

  constructor(readonly opts: TenantOptions) {
    const rng = createRng(opts.seed);
    this.workspaces = seedWorkspaces(rng);
    this.users = seedUsers(rng, opts.users, this.workspaces, opts.anchorMs, opts.utcOffset);
    this.flows = seedFlows(
      rng,
      this.users,
      this.workspaces,
      opts.anchorMs,
      opts.flowsPerUser === undefined ? undefined : Math.round(opts.users * opts.flowsPerUser),
    );
    const callers = this.users.filter((u) => u.role !== 'avatar');
    this.env = {
      users: this.users,
      callers,
      activeCallers: callers.filter((u) => u.meta.active),
      offset: opts.utcOffset,
      appUrl: opts.appUrl,
      trackerIds: Array.from({ length: 5 }, () => rng.id()),
    };
    const span = opts.days * DAY - 2 * 3_600_000;
    const from = opts.anchorMs - opts.days * DAY;
    for (let i = 0; i < opts.calls; i++) {
      const callRng = createRng(subSeed(opts.seed, i));
      const seconds = Math.floor((callRng.next() * Math.max(span, 0)) / 1000) * 1000;
      const startedMs = from + seconds + (callRng.chance(0.2) ? callRng.int(1, 999) : 0);
      this.add(buildCall(callRng, this.env, { startedMs }));
    }
    this.runtimeRng = createRng(subSeed(opts.seed, 0x7fffffff));
    this.addStaffAttendee(createRng(subSeed(opts.seed, 0x7ffffffe)));
  }

  /**
   * Gong staff act in customers' instances as "avatar" users, which user reads leave out unless
   * includeAvatars is set. One seeded call has such a user among its parties, so every user id a
   * call references must be looked up with includeAvatars to resolve.
   */
  private addStaffAttendee(rng: Rng): void {
    const avatar = this.users.find((u) => u.role === 'avatar');
    const call = this.calls.findLast((c) => c.meta.isPrivate !== true);
    if (!avatar || !call) return;
    call.parties.push({
      id: rng.id(),
      emailAddress: avatar.meta.emailAddress ?? null,
      name: `${avatar.meta.firstName ?? ''} ${avatar.meta.lastName ?? ''}`.trim(),
      title: avatar.meta.title ?? null,
      userId: avatar.meta.id,
      speakerId: null,
      context: [],
      affiliation: 'Internal',
      methods: ['Attendee'],
    });
  }

  /** A new call (not yet processed: invisible until its processing marks it visible). */
  createCall(spec: CallSpec): StoredCall {
    const call = buildCall(this.runtimeRng, this.env, spec);
    call.visibleAt = undefined;
    call.transcriptAt = undefined;
    this.add(call);
    return call;
  }

  add(call: StoredCall): void {
    this.calls.push(call);
    this.byId.set(call.id, call);
    if (call.meta.clientUniqueId) this.byClientUniqueId.set(call.meta.clientUniqueId, call);
  }

  /**
   * Deletes a call as Gong does (by a user, or erased for a data-privacy request): no read lists
   * or finds it any more, and its transcript goes with it. Returns whether it existed.
   */
  deleteCall(id: string): boolean {
    const call = this.byId.get(id);
    if (!call) return false;
    this.calls.splice(this.calls.indexOf(call), 1);
    this.byId.delete(id);
    this.transcripts.delete(id);
    if (call.meta.clientUniqueId) this.byClientUniqueId.delete(call.meta.clientUniqueId);
    return true;
  }

  /** Any call, visible or not (for writes such as media upload). */
  callById(id: string): StoredCall | undefined {
    return this.byId.get(id);
  }

  callByClientUniqueId(clientUniqueId: string): StoredCall | undefined {
    return this.byClientUniqueId.get(clientUniqueId);
  }

  /** Calls reads could see at `at` (ms since epoch), in creation order. */
  visibleCalls(at: number): StoredCall[] {
    return this.calls.filter((c) => c.visibleAt !== undefined && c.visibleAt <= at);
  }

  allCalls(): readonly StoredCall[] {
    return this.calls;
  }

  transcriptAvailable(call: StoredCall, at: number): boolean {
    return call.transcriptAt !== undefined && call.transcriptAt <= at;
  }

  transcriptOf(call: StoredCall): CallTranscript {
    let t = this.transcripts.get(call.id);
    if (!t) {
      t = buildTranscript(call);
      this.transcripts.set(call.id, t);
    }
    return t;
  }

  /** Users as GET /v2/users lists them; Gong-staff avatars only when asked for. */
  listedUsers(includeAvatars: boolean): TenantUser[] {
    return includeAvatars ? this.users : this.users.filter((u) => u.role !== 'avatar');
  }

  userById(id: string): TenantUser | undefined {
    return this.users.find((u) => u.meta.id === id);
  }

  userByEmail(email: string): TenantUser | undefined {
    const e = email.toLowerCase();
    return this.users.find(
      (u) => u.meta.emailAddress?.toLowerCase() === e || (u.meta.emailAliases ?? []).includes(e),
    );
  }
}
