/**
 * Relay 21 with its default configuration: the real relay-compiler accepts `@connection` and
 * `@refetchable` on the gateway's connections (a full PageInfo), react-relay's
 * usePaginationFragment accumulates pages of calls and users through `loadNext`, and Relay's store,
 * which keys every record on `id` whatever its type, keeps a call and its transcript apart without
 * a normaliser warning.
 */
import { Suspense, createElement as h, type ReactElement } from 'react';
import {
  RelayEnvironmentProvider,
  useLazyLoadQuery,
  usePaginationFragment,
  type GraphQLTaggedNode,
} from 'react-relay';
import TestRenderer, { type ReactTestRenderer } from 'react-test-renderer';
import {
  Environment,
  Network,
  RecordSource,
  Store,
  type ConcreteRequest,
  type OperationType,
  type ReaderFragment,
} from 'relay-runtime';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { eventually } from '../events/support.js';
import { compileRelay } from './relay/compile.js';
import { AUTH, firstIds, startClientSuite, type ClientSuite } from './support.js';

let s: ClientSuite;
let artifacts: Awaited<ReturnType<typeof compileRelay>>;
beforeAll(async () => {
  [s, artifacts] = await Promise.all([startClientSuite(), compileRelay()]);
});
afterAll(() => s.close());

/** Relay's network layer as its docs write it: POST the compiled text with the variables. */
function environment(url: string): { env: Environment; requests: string[] } {
  const requests: string[] = [];
  const env = new Environment({
    network: Network.create(async (params, variables) => {
      requests.push(params.name);
      const res = await fetch(url, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ query: params.text, variables }),
      });
      return (await res.json()) as never;
    }),
    store: new Store(new RecordSource()),
  });
  return { env, requests };
}

interface View {
  ids: string[];
  hasNext: boolean;
  isLoadingNext: boolean;
  loadNext(count: number): void;
}

/** A component over a paginated fragment: what it renders is recorded in `view`. */
function paginated(
  query: ConcreteRequest,
  fragment: ReaderFragment,
  variables: Record<string, unknown>,
  ids: (data: unknown) => string[],
) {
  const state: { view?: View } = {};
  function List({ fragmentRef }: { fragmentRef: never }): null {
    const { data, loadNext, hasNext, isLoadingNext } = usePaginationFragment<OperationType, never>(
      fragment,
      fragmentRef,
    );
    state.view = { ids: ids(data), hasNext, isLoadingNext, loadNext: (n) => loadNext(n) };
    return null;
  }
  function Root(): ReactElement {
    const data = useLazyLoadQuery(query as GraphQLTaggedNode, variables);
    return h(List, { fragmentRef: data as never });
  }
  return { Root, state };
}

function render(env: Environment, root: () => ReactElement): ReactTestRenderer {
  return TestRenderer.create(
    h(RelayEnvironmentProvider, {
      environment: env,
      children: h(Suspense, { fallback: null }, h(root)),
    }),
  );
}

type CallEdges = { gongCalls: { edges: { node: { id: string } }[] } };
type UserEdges = { gongUsers: { edges: { node: { id: string } }[] } };

describe('Relay', () => {
  it('usePaginationFragment accumulates pages of calls and users, with no store warning', async () => {
    const warnings = vi.spyOn(console, 'error').mockImplementation(() => {});
    const warns = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const { env, requests } = environment(s.url);
      const calls = paginated(
        await artifacts.query('CallListQuery'),
        await artifacts.fragment('CallList_query'),
        { first: 2 },
        (d) => (d as CallEdges).gongCalls.edges.map((e) => e.node.id),
      );
      const users = paginated(
        await artifacts.query('CallListUsersQuery'),
        await artifacts.fragment('CallList_users'),
        { first: 2 },
        (d) => (d as UserEdges).gongUsers.edges.map((e) => e.node.id),
      );
      const trees = [render(env, calls.Root), render(env, users.Root)];

      for (const { state } of [calls, users]) {
        const first = await eventually(() => state.view, 5_000, 'the first page');
        expect(first.ids).toHaveLength(2);
        expect(first.hasNext).toBe(true);
        first.loadNext(2);
        await eventually(
          () => (state.view!.ids.length === 4 && !state.view!.isLoadingNext ? true : undefined),
          5_000,
          'the second page',
        );
      }
      // The accumulated edges are the list's first four, in order, each once.
      expect(calls.state.view!.ids).toEqual(await firstIds(s.url, 'gongCalls', 4));
      expect(users.state.view!.ids).toEqual(await firstIds(s.url, 'gongUsers', 4));
      // Each next page was the compiled @refetchable query.
      expect(requests.sort()).toEqual([
        'CallListPaginationQuery',
        'CallListQuery',
        'CallListUsersPaginationQuery',
        'CallListUsersQuery',
      ]);

      // A call and its transcript are two records of their own types.
      const source = env.getStore().getSource();
      const withTranscript = calls.state.view!.ids.find(
        (id) => source.get(id)?.transcript !== null,
      );
      expect(withTranscript).toBeDefined();
      expect(source.get(withTranscript!)?.__typename).toBe('GongCall');
      expect(source.get(`transcript:${withTranscript}`)).toMatchObject({
        __typename: 'GongTranscript',
        callId: withTranscript,
      });
      for (const t of trees) t.unmount();
      expect([...warnings.mock.calls, ...warns.mock.calls]).toEqual([]);
    } finally {
      warnings.mockRestore();
      warns.mockRestore();
    }
  });
});
