/**
 * Reads by id over Gong's batch endpoints (calls/extensive, users/extensive, calls/transcript):
 * every id list becomes requests of at most 100 ids (Gong's page size), unknown ids are absent
 * from the answer, and each page of an answer is followed.
 */
import { collectPages } from './pages.js';
import type { ByIdReads, GongClient } from './types.js';

/** Gong returns at most 100 records a page, so 100 ids are one request. */
export const MAX_IDS_PER_REQUEST = 100;

const chunks = (ids: readonly string[]): string[][] => {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += MAX_IDS_PER_REQUEST) out.push(ids.slice(i, i + MAX_IDS_PER_REQUEST));
  return out;
};

export function createByIdReads(client: Pick<GongClient, 'callsExtensive' | 'usersExtensive' | 'transcripts'>): ByIdReads {
  return {
    async callsByIds(ids, selector, priority) {
      const parts = await Promise.all(
        chunks(ids).map((callIds) =>
          collectPages({
            fetchPage: (cursor) => client.callsExtensive({ cursor, filter: { callIds }, ...(selector ? { contentSelector: selector } : {}) }, priority),
            idOf: (c) => c.metaData.id,
          }),
        ),
      );
      return parts.flat();
    },
    async usersByIds(ids, priority) {
      // Calls and comments can reference Gong-staff "avatar" users, which Gong leaves out unless asked.
      const parts = await Promise.all(
        chunks(ids).map((userIds) => collectPages({ fetchPage: (cursor) => client.usersExtensive({ cursor, filter: { userIds, includeAvatars: true } }, priority), idOf: (u) => u.id })),
      );
      return parts.flat();
    },
    async transcriptsByIds(ids, priority) {
      const parts = await Promise.all(
        chunks(ids).map((callIds) => collectPages({ fetchPage: (cursor) => client.transcripts({ cursor, filter: { callIds } }, priority), idOf: (t) => t.callId })),
      );
      return parts.flat();
    },
  };
}
