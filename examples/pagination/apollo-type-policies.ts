/**
 * Apollo Client: a cache whose Gong lists grow with `fetchMore({ variables: { after } })`, whether
 * the query selects `nodes`, `edges` or both (docs/clients.md, "Pagination"). Apollo's stock
 * `relayStylePagination` merges `edges` only and keeps just the last page's `nodes`.
 */
import { InMemoryCache, type FieldPolicy, type Reference } from '@apollo/client';

interface GongConnection {
  nodes?: Reference[];
  edges?: { node: Reference }[];
  pageInfo?: { startCursor?: string | null; hasPreviousPage?: boolean };
}

/**
 * A page fetched with `after` appends its `nodes` and `edges` to the list; a page without `after`
 * starts the list again. A page fetched twice adds nothing twice. `keyArgs`: the arguments that
 * make a different list (never `first` or `after`).
 */
export function gongConnection(keyArgs: string[] | false): FieldPolicy<GongConnection> {
  return {
    keyArgs,
    merge(existing, incoming, { args, readField }) {
      if (!existing || typeof args?.after !== 'string') return incoming;
      const key = (node: Reference) => node.__ref ?? String(readField('id', node));
      const append = <T>(old: T[] | undefined, page: T[], node: (item: T) => Reference) => {
        const seen = new Set((old ?? []).map((item) => key(node(item))));
        return [...(old ?? []), ...page.filter((item) => !seen.has(key(node(item))))];
      };
      const merged: GongConnection = { ...existing, ...incoming };
      if (incoming.nodes) merged.nodes = append(existing.nodes, incoming.nodes, (n) => n);
      if (incoming.edges) merged.edges = append(existing.edges, incoming.edges, (e) => e.node);
      // The list still starts where its first page did.
      if (incoming.pageInfo && existing.pageInfo)
        merged.pageInfo = {
          ...incoming.pageInfo,
          startCursor: existing.pageInfo.startCursor ?? null,
          hasPreviousPage: existing.pageInfo.hasPreviousPage ?? false,
        };
      return merged;
    },
  };
}

export const gongCache = (): InMemoryCache =>
  new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          gongCalls: gongConnection(['filter', 'orderBy']),
          gongTranscripts: gongConnection(['filter']),
          gongUsers: gongConnection(false),
          gongFlows: gongConnection(['ownerEmail', 'workspaceId']),
          gongAnsweredScorecards: gongConnection(['filter']),
        },
      },
    },
  });
