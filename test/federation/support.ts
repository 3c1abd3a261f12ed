/**
 * The Gong subgraph composed with the example CRM subgraph (accounts owned by Gong users) behind
 * `@apollo/gateway`, over a fresh sandbox: what the supergraph tests share.
 */
import type { ApolloServer } from '@apollo/server';
import {
  accountsFromCalls,
  startCrmSubgraph,
  type Account,
  type CrmSubgraph,
} from '../../examples/federation/crm-subgraph.js';
import {
  composeSupergraph,
  createRouter,
  type SubgraphEndpoint,
} from '../../examples/federation/supergraph.js';
import type { SandboxOptions } from '../../src/sandbox/types.js';
import { startHarness, type Harness } from '../read/harness.js';

export interface CrmSupergraph {
  h: Harness;
  crm: CrmSubgraph;
  /** 20 accounts, one per call owner. */
  accounts: Account[];
  supergraphSdl: string;
  router: ApolloServer;
  close(): Promise<void>;
}

export async function startCrmSupergraph(
  sandbox: SandboxOptions,
  env: Record<string, string> = {},
): Promise<CrmSupergraph> {
  const h = await startHarness({ sandbox, env });
  const accounts = accountsFromCalls(h.sandbox.control.allCalls(), 20);
  const crm = await startCrmSubgraph(accounts);
  const subgraphs: SubgraphEndpoint[] = [
    { name: 'gong', url: h.gateway.url },
    { name: 'crm', url: crm.url },
  ];
  const supergraphSdl = await composeSupergraph(subgraphs);
  const router = createRouter(supergraphSdl, subgraphs);
  await router.start();
  return {
    h,
    crm,
    accounts,
    supergraphSdl,
    router,
    async close() {
      await router.stop();
      await crm.close();
      await h.close();
    },
  };
}
