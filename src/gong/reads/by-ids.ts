/**
 * Reads by id over Gong's batch endpoints (calls/extensive, users/extensive, calls/transcript):
 * every id list becomes requests of at most 100 ids (Gong's page size), unknown ids are absent
 * from the answer, and each page of an answer is followed. Loads of one endpoint that wait for the
 * connection's budget at the same time merge into one request (./merge.ts). Layer 3 of the read
 * layers (./README.md).
 */
import type { Metrics } from '../../observability/metrics.js';
import { stableStringify } from '../../util/stable-stringify.js';
import { createMerger, type MergedFetch } from './merge.js';
import { collectPages } from './pages.js';
import type { BodyAtDispatch, ByIdReads, GongClient, Page, Priority } from '../types.js';
import type {
  CallData,
  CallsExtensiveRequest,
  CallTranscript,
  TranscriptsRequest,
  UserMetadata,
  UsersExtensiveRequest,
} from '../wire.js';
import { PAGE_SIZE } from '../wire/common.js';

/** The batch endpoints with a body built at dispatch (../client.ts). */
export interface DispatchTimeReads {
  callsExtensive(
    body: BodyAtDispatch<CallsExtensiveRequest>,
    priority?: Priority,
  ): Promise<Page<CallData>>;
  usersExtensive(
    body: BodyAtDispatch<UsersExtensiveRequest>,
    priority?: Priority,
  ): Promise<Page<UserMetadata>>;
  transcripts(
    body: BodyAtDispatch<TranscriptsRequest>,
    priority?: Priority,
  ): Promise<Page<CallTranscript>>;
}

const chunks = (ids: readonly string[]): string[][] => {
  const unique = [...new Set(ids)];
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += PAGE_SIZE) out.push(unique.slice(i, i + PAGE_SIZE));
  return out;
};

/**
 * One merged read: the first page asks for the ids the group holds at dispatch; the next pages
 * (and a restart after an expired cursor) ask for those same ids.
 */
function pagesOf<T>(
  first: (ids: BodyAtDispatch<string[]>) => Promise<Page<T>>,
  next: (ids: string[], cursor: string | undefined) => Promise<Page<T>>,
  idOf: (item: T) => string,
): MergedFetch<T> {
  return (idsAtDispatch) => {
    let sent: string[] | undefined;
    return collectPages({
      fetchPage: (cursor) =>
        sent === undefined ? first(() => (sent = [...idsAtDispatch()])) : next(sent, cursor),
      idOf,
    });
  };
}

export function createByIdReads(
  client: Pick<GongClient, 'callsExtensive' | 'usersExtensive' | 'transcripts'>,
  atDispatch: DispatchTimeReads,
  opts: { metrics?: Metrics } = {},
): ByIdReads {
  const callId = (c: CallData) => c.metaData.id;
  const userId = (u: UserMetadata) => u.id;
  const transcriptId = (t: CallTranscript) => t.callId;
  const calls = createMerger({
    endpoint: 'calls.extensive',
    idOf: callId,
    maxIds: PAGE_SIZE,
    metrics: opts.metrics,
  });
  const users = createMerger({
    endpoint: 'users.extensive',
    idOf: userId,
    maxIds: PAGE_SIZE,
    metrics: opts.metrics,
  });
  const transcripts = createMerger({
    endpoint: 'calls.transcript',
    idOf: transcriptId,
    maxIds: PAGE_SIZE,
    metrics: opts.metrics,
  });
  // Loads merge only with loads that would send the same request but for the ids.
  const groupOf = (priority: Priority | undefined, ...rest: unknown[]) =>
    stableStringify([priority ?? 'interactive', ...rest]);

  return {
    async callsByIds(ids, selector, priority) {
      const sel = selector ? { contentSelector: selector } : {};
      const fetch = pagesOf(
        (callIds) =>
          atDispatch.callsExtensive(() => ({ filter: { callIds: callIds() }, ...sel }), priority),
        (callIds, cursor) =>
          client.callsExtensive({ cursor, filter: { callIds }, ...sel }, priority),
        callId,
      );
      const group = groupOf(priority, selector ?? null);
      return (await Promise.all(chunks(ids).map((part) => calls.load(group, part, fetch)))).flat();
    },
    async usersByIds(ids, priority) {
      // Calls and comments can reference Gong-staff "avatar" users, which Gong leaves out unless asked.
      const fetch = pagesOf(
        (userIds) =>
          atDispatch.usersExtensive(
            () => ({ filter: { userIds: userIds(), includeAvatars: true } }),
            priority,
          ),
        (userIds, cursor) =>
          client.usersExtensive({ cursor, filter: { userIds, includeAvatars: true } }, priority),
        userId,
      );
      const group = groupOf(priority);
      return (await Promise.all(chunks(ids).map((part) => users.load(group, part, fetch)))).flat();
    },
    async transcriptsByIds(ids, priority) {
      const fetch = pagesOf(
        (callIds) => atDispatch.transcripts(() => ({ filter: { callIds: callIds() } }), priority),
        (callIds, cursor) => client.transcripts({ cursor, filter: { callIds } }, priority),
        transcriptId,
      );
      const group = groupOf(priority);
      return (
        await Promise.all(chunks(ids).map((part) => transcripts.load(group, part, fetch)))
      ).flat();
    },
  };
}
