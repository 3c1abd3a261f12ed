/**
 * One sweep of a connection's calls whose start lies in `[from, to)`: list them again (POST
 * /v2/calls/extensive with only the outcome selected, one request per 100 calls; GET /v2/calls for
 * a connection without the extensive scope), let the observer fold every record into the change
 * index, then confirm by id the known calls the listing no longer holds: those Gong does not return
 * either are deleted. Every request runs at the reconciler's priority (behind every other read of
 * the connection) and is counted against its share of the day's budget first; a sweep that runs
 * out of share stops without inferring any deletion, and says how far its listing got so the next
 * one resumes there instead of starting over (a tenant larger than a day's share still gets
 * swept, over several days).
 */
import { isGatewayError } from '../errors.js';
import { walkPages } from '../gong/reads/pages.js';
import type { GongClient } from '../gong/types.js';
import { SCOPES } from '../gong/wire.js';
import type { CallChange, CallIndex } from './call-index.js';
import { SWEEP_SELECTOR } from './feed.js';

/** Gong's page size and by-id batch. */
const BATCH = 100;

export interface SweepDeps {
  client: GongClient;
  index: CallIndex;
  /** Waits until the records the sweep read are folded into the index. */
  drain(): Promise<void>;
  publish(changes: readonly CallChange[]): Promise<void>;
  /** Takes one request from today's share; false when it is spent. */
  spend(): Promise<boolean>;
  /** Keeps the sweep lock; false when it was lost (the sweep stops, another instance goes on). */
  keepLock(): Promise<boolean>;
  /** The connection lists through GET /v2/calls (no extensive scope). */
  basic: boolean;
}

export interface SweepResult {
  requests: number;
  listed: number;
  deleted: number;
  /** `done`; `budget`: stopped at the day's share; `lock`: another instance took over. */
  outcome: 'done' | 'budget' | 'lock';
  /** When stopped early: the listing is complete for calls that started before this (ms); a later sweep resumes there. */
  reached?: number;
  /** The connection turned out to have no extensive scope. */
  basic: boolean;
}

class Stop extends Error {
  constructor(readonly why: 'budget' | 'lock') {
    super(why);
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const startOf = (m: { started?: string | null | undefined }) =>
  m.started ? Date.parse(m.started) : Number.NaN;

const missingExtensive = (e: unknown) =>
  isGatewayError(e) && e.code === 'FORBIDDEN' && e.details?.scope === SCOPES.callsExtensive;

export async function sweepRange(deps: SweepDeps, from: number, to: number): Promise<SweepResult> {
  let requests = 0;
  let basic = deps.basic;
  const listed = new Set<string>();
  // Gong lists oldest first: every call that started before the last one listed has been seen.
  let reached: number | undefined;
  const ask = async <T>(send: () => Promise<T>): Promise<T> => {
    if (!(await deps.keepLock())) throw new Stop('lock');
    if (!(await deps.spend())) throw new Stop('budget');
    requests += 1;
    return send();
  };

  const list = async () => {
    listed.clear();
    for await (const step of walkPages<{ id: string; started: number }>({
      fetchPage: async (cursor) => {
        const filter = { fromDateTime: iso(from), toDateTime: iso(to) };
        if (basic) {
          const page = await ask(() => deps.client.listCalls({ ...filter, cursor }, 'reconcile'));
          return { ...page, items: page.items.map((m) => ({ id: m.id, started: startOf(m) })) };
        }
        const page = await ask(() =>
          deps.client.callsExtensive(
            { cursor, filter, contentSelector: SWEEP_SELECTOR },
            'reconcile',
          ),
        );
        return {
          ...page,
          items: page.items.map((c) => ({ id: c.metaData.id, started: startOf(c.metaData) })),
        };
      },
    }))
      if (step.kind === 'page')
        for (const c of step.page.items) {
          listed.add(c.id);
          if (!Number.isNaN(c.started)) reached = c.started;
        }
  };

  try {
    try {
      await list();
    } catch (e) {
      // Refused before any request: a connection without the extensive scope lists through GET /v2/calls.
      if (basic || !missingExtensive(e)) throw e;
      basic = true;
      await list();
    }
    await deps.drain();
    // Known calls the listing no longer holds: deleted, or moved out of the range (a changed start).
    const missing = (await deps.index.live(deps.client.connectionRef, from, to)).filter(
      (id) => !listed.has(id),
    );
    const gone: string[] = [];
    for (let i = 0; i < missing.length; i += BATCH) {
      const batch = missing.slice(i, i + BATCH);
      const found = new Set<string>();
      if (basic)
        for (const id of batch) {
          const call = await ask(() => deps.client.getCall(id, 'reconcile'));
          if (call) found.add(call.id);
        }
      else
        for (const c of await ask(() => deps.client.callsByIds(batch, SWEEP_SELECTOR, 'reconcile')))
          found.add(c.metaData.id);
      gone.push(...batch.filter((id) => !found.has(id)));
    }
    await deps.drain();
    const deleted = await deps.index.deleted(deps.client.connectionRef, gone);
    await deps.publish(deleted);
    return { requests, listed: listed.size, deleted: deleted.length, outcome: 'done', basic };
  } catch (e) {
    if (e instanceof Stop)
      return {
        requests,
        listed: listed.size,
        deleted: 0,
        outcome: e.why,
        basic,
        ...(reached !== undefined && reached > from ? { reached } : {}),
      };
    throw e;
  }
}
