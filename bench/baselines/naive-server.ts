/**
 * The N+1 baseline: a small hand-written Apollo Server over the same sandbox whose resolvers call
 * Gong once per object (`GET /v2/users/{id}` per user, `/v2/calls/transcript` per call, ...), i.e.
 * what resolvers without DataLoader do. Same query text as the gateway for the shapes benchmarked.
 */
import { ApolloServer, type BaseContext } from '@apollo/server';
import { hostApollo, type HostedApollo } from '../lib/apollo-http.js';
import {
  allUsers,
  restClient,
  type WireCall,
  type WireCallMeta,
  type WireParty,
  type WireTranscript,
  type WireUser,
} from '../lib/rest.js';

const typeDefs = /* GraphQL */ `
  input GongCallsFilter {
    from: String
    to: String
    includePrivate: Boolean
  }
  type Query {
    gongCalls(first: Int = 100, filter: GongCallsFilter): GongCallConnection!
    gongUsers(first: Int = 100): GongUserConnection!
    gongFlows(first: Int = 100): GongFlowConnection!
  }
  type GongCallConnection {
    nodes: [GongCall!]!
  }
  type GongUserConnection {
    nodes: [GongUser!]!
  }
  type GongFlowConnection {
    nodes: [GongFlow!]!
  }
  type GongCall {
    id: ID!
    title: String
    started: String
    workspace: GongWorkspace
    primaryUser: GongUser
    parties: [GongParty!]
    transcript: GongTranscript
  }
  type GongWorkspace {
    id: ID!
    name: String
  }
  type GongUser {
    id: ID!
    firstName: String
    emailAddress: String
    managerId: ID
    manager: GongUser
  }
  type GongParty {
    name: String
    userId: ID
    user: GongUser
  }
  type GongTranscript {
    callId: ID!
    monologues: [GongMonologue!]!
  }
  type GongMonologue {
    speakerId: String
    sentences: [GongSentence!]!
  }
  type GongSentence {
    start: Float
    end: Float
    text: String
  }
  type GongFlow {
    id: ID!
    name: String
  }
`;

interface CallsArgs {
  first: number;
  filter?: { from?: string | null; to?: string | null } | null;
}

export async function startNaiveServer(sandbox: {
  url: string;
  accessKey: string;
  accessKeySecret: string;
}): Promise<HostedApollo> {
  const gong = restClient(sandbox.url, sandbox.accessKey, sandbox.accessKeySecret);
  const userById = async (id: string | null | undefined) =>
    id ? ((await gong.get<{ user: WireUser }>(`/v2/users/${id}`))?.user ?? null) : null;

  const resolvers = {
    Query: {
      async gongCalls(_p: unknown, args: CallsArgs) {
        const to = args.filter?.to ?? new Date().toISOString();
        const from = args.filter?.from ?? new Date(Date.now() - 90 * 86_400_000).toISOString();
        const page = await gong.get<{ calls: WireCallMeta[] }>('/v2/calls', {
          fromDateTime: from,
          toDateTime: to,
        });
        return { nodes: (page?.calls ?? []).slice(0, args.first) };
      },
      async gongUsers(_p: unknown, args: { first: number }) {
        const page = await gong.get<{ users: WireUser[] }>('/v2/users');
        return { nodes: (page?.users ?? []).slice(0, args.first) };
      },
      async gongFlows(_p: unknown, args: { first: number }) {
        // Gong has no company-wide flows read: ask once per active user, every page of users.
        const users = await allUsers(gong);
        const flows = new Map<string, { id: string; name?: string | null }>();
        for (const u of users.filter((x) => x.active !== false && x.emailAddress)) {
          const page = await gong
            .get<{ flows: { id: string; name?: string | null }[] }>('/v2/flows', {
              flowOwnerEmail: u.emailAddress ?? '',
            })
            .catch(() => null);
          for (const f of page?.flows ?? []) flows.set(f.id, f);
        }
        return { nodes: [...flows.values()].slice(0, args.first) };
      },
    },
    GongCall: {
      async workspace(c: WireCallMeta) {
        const all = await gong.get<{ workspaces: { id: string; name?: string | null }[] }>(
          '/v2/workspaces',
        );
        return all?.workspaces.find((w) => w.id === c.workspaceId) ?? null;
      },
      primaryUser: (c: WireCallMeta) => userById(c.primaryUserId),
      async parties(c: WireCallMeta) {
        const r = await gong.post<{ calls: WireCall[] }>('/v2/calls/extensive', {
          filter: { callIds: [c.id] },
          contentSelector: { exposedFields: { parties: true } },
        });
        return r?.calls[0]?.parties ?? [];
      },
      async transcript(c: WireCallMeta) {
        const r = await gong.post<{ callTranscripts: WireTranscript[] }>('/v2/calls/transcript', {
          filter: { callIds: [c.id] },
        });
        const t = r?.callTranscripts[0];
        return t ? { callId: t.callId, monologues: t.transcript } : null;
      },
    },
    GongUser: { manager: (u: WireUser) => userById(u.managerId) },
    GongParty: { user: (p: WireParty) => userById(p.userId) },
  };

  return hostApollo(
    new ApolloServer<BaseContext>({ typeDefs, resolvers, csrfPrevention: true }),
    () => Promise.resolve({}),
  );
}
