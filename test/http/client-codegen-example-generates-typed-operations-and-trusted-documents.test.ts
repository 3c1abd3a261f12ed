/**
 * The client codegen example (examples/client-codegen/codegen.yml: client preset, strictScalars,
 * every scalar mapped, persisted documents) run as the docs say, from the repository root
 * (`npm run codegen:example`), through the real graphql-codegen CLI: it generates typed documents
 * from the printed schema and a `persisted-documents.json` that the trusted-documents step takes
 * as it is: each document by its `documentId` (the hash the generated code carries) and by APQ's
 * sha256, anything else refused in trusted-only mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedDocument } from '../../src/graphql/pipeline/document.js';
import {
  loadTrustedDocuments,
  trustedDocumentStep,
  type TrustedDocuments,
} from '../../src/graphql/trusted-documents.js';
import {
  EXAMPLE,
  codegenExampleScript,
  generateClientCodegenExample,
  type ClientCodegenOutput,
} from '../support/client-codegen.js';

let out: ClientCodegenOutput;
let generated: string;
let manifest: Record<string, string>;
beforeAll(() => {
  expect(codegenExampleScript()).toBe(
    `tsx scripts/print-schema.ts && graphql-codegen --config ${EXAMPLE}/codegen.yml`,
  );
  out = generateClientCodegenExample();
  ({ generated, manifest } = out);
});
afterAll(() => out?.remove());

const code = (r: ResolvedDocument) => (r.ok ? 'ok' : r.error.extensions?.code);

describe('client codegen example', () => {
  it('generates typed operations from the printed schema', () => {
    // DateTime mapped to string; the operations typed from the schema.
    expect(generated).toMatch(
      /export type RecentCallsQuery = .*started: string \| null.*trackerId: string \| null/,
    );
    expect(generated).toMatch(/export type CallCreatedSubscription = .*receivedAt: string/);
  });

  it("its persisted-documents.json is the gateway's manifest of trusted documents", () => {
    const trusted: TrustedDocuments = loadTrustedDocuments(out.manifestPath);
    expect(trusted.size).toBe(2);
    const only = trustedDocumentStep({ documents: trusted, onlyTrusted: true });
    for (const [hash, document] of Object.entries(manifest)) {
      // The generated code names each document by this hash: what a client sends as documentId.
      expect(generated).toContain(`"hash":"${hash}"`);
      expect(only({ documentId: hash })).toMatchObject({ ok: true, query: document });
      const sha256 = hash.replace(/^sha256:/, '');
      expect(
        only({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256 } } }),
      ).toMatchObject({ ok: true, query: document });
      // The full text of a trusted document is that document.
      expect(only({ query: document })).toEqual({ ok: true, query: document });
    }
    expect(code(only({ query: '{ gongWorkspaces { id } }' }))).toBe('PERSISTED_QUERY_NOT_IN_LIST');
  });
});
