/**
 * A company's own subgraph, as a customer would write it: CRM accounts whose owner is a Gong user
 * and whose calls are Gong calls. It knows Gong entities only by key, so the router fetches every
 * Gong field from the Gong subgraph with `_entities`. The data comes from the seeded sandbox
 * tenant at start-up (`accountsFromCalls`), so its ids are real Gong ids.
 *
 * Example code, not part of the gateway: used by examples/federation/gateway.ts and the
 * federation tests.
 */
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';

export interface Account {
  id: string;
  name: string;
  ownerId: string;
  callIds: string[];
  /** The account's id in the CRM (Salesforce), as Gong's CRM context names it. */
  crmId: string | null;
}

/** The subset of a Gong call the fixture reads (CallData from the sandbox fits). */
export interface SeedCall {
  metaData: {
    id: string;
    title?: string | null;
    primaryUserId?: string | null;
    isPrivate?: boolean | null;
  };
  context?:
    { objects?: { objectType?: string | null; objectId?: string | null }[] | null }[] | null;
}

export const crmTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Account @key(fields: "id") {
    id: ID!
    name: String!
    "The account executive: a Gong user, resolved by the Gong subgraph."
    owner: GongUser!
    "Calls logged against the account: Gong calls, resolved by the Gong subgraph."
    calls: [GongCall!]!
    "The account's id in the CRM (Salesforce), as Gong's CRM context names it."
    crmId: ID
    "The account as the Gong subgraph knows it: its Gong calls come from the Gong subgraph's search."
    gong: GongCrmRecord
  }

  "A reference only: the Gong subgraph resolves a CRM record's calls by its CRM id."
  type GongCrmRecord @key(fields: "crmObjectId", resolvable: false) {
    crmObjectId: ID!
  }

  "Contributes the owner's accounts to Gong's user type."
  type GongUser @key(fields: "id") {
    id: ID!
    ownedAccounts: [Account!]!
  }

  "A reference only: the CRM cannot resolve calls, the Gong subgraph does."
  type GongCall @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Query {
    accounts(first: Int = 20): [Account!]!
    account(id: ID!): Account
  }
`);

/**
 * One account per call owner, named after the counterpart in the call titles
 * (`Gringotts <> Acme - Pricing` → `Gringotts`), holding up to `callsPerAccount` of that owner's
 * public calls. Private calls are left out: Gong's reference resolver hides them.
 */
export function accountsFromCalls(
  calls: readonly SeedCall[],
  count = 20,
  callsPerAccount = 3,
): Account[] {
  const byOwner = new Map<string, SeedCall[]>();
  for (const c of calls) {
    const owner = c.metaData.primaryUserId;
    if (!owner || c.metaData.isPrivate === true) continue;
    const list = byOwner.get(owner) ?? [];
    list.push(c);
    byOwner.set(owner, list);
  }
  return [...byOwner.entries()].slice(0, count).map(([ownerId, owned], i) => {
    const counterpart = owned
      .map((c) => /^(.+?) <> /.exec(c.metaData.title ?? '')?.[1])
      .find((n) => n !== undefined);
    const crmId =
      owned
        .flatMap((c) => c.context ?? [])
        .flatMap((x) => x.objects ?? [])
        .find((o) => o.objectType === 'Account')?.objectId ?? null;
    return {
      id: `acc-${i + 1}`,
      name: `${counterpart ?? 'Account'} #${i + 1}`,
      ownerId,
      callIds: owned.slice(0, callsPerAccount).map((c) => c.metaData.id),
      crmId,
    };
  });
}

export function buildCrmSchema(accounts: readonly Account[]): GraphQLSchema {
  const byId = new Map(accounts.map((a) => [a.id, a]));
  const accountOf = (a: Account) => ({
    ...a,
    owner: { id: a.ownerId },
    calls: a.callIds.map((id) => ({ id })),
    gong: a.crmId ? { crmObjectId: a.crmId } : null,
  });
  return buildSubgraphSchema([
    {
      typeDefs: crmTypeDefs,
      resolvers: {
        Query: {
          accounts: (_p: unknown, args: { first: number }) =>
            accounts.slice(0, args.first).map(accountOf),
          account: (_p: unknown, args: { id: string }) => {
            const a = byId.get(args.id);
            return a ? accountOf(a) : null;
          },
        },
        Account: {
          __resolveReference: (ref: { id: string }) => {
            const a = byId.get(ref.id);
            return a ? accountOf(a) : null;
          },
        },
        GongUser: {
          // Every Gong user is a valid reference here: one the CRM knows nothing about owns no accounts.
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          ownedAccounts: (user: { id: string }) =>
            accounts.filter((a) => a.ownerId === user.id).map(accountOf),
        },
      },
    },
  ]);
}

export interface CrmSubgraph {
  url: string;
  schema: GraphQLSchema;
  close(): Promise<void>;
}

/** Serves the CRM subgraph over HTTP with Apollo Server (port 0 = a free port). */
export async function startCrmSubgraph(
  accounts: readonly Account[],
  port = 0,
): Promise<CrmSubgraph> {
  const schema = buildCrmSchema(accounts);
  const server = new ApolloServer({ schema });
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  return { url, schema, close: () => server.stop() };
}
