/**
 * A root query field's description that names a Gong endpoint ("GET /v2/calls/{id}") is a claim
 * about the code, checked against the sandbox's request log: an endpoint followed by "when only
 * basic fields are selected" must be what a basic selection sends; one followed by "for a
 * connection without" a scope, what such a connection sends; any other, what some exercise of the
 * field sends. Every such field has its exercises here, so a new claim without one fails too.
 * (Mutations' endpoints are proved by their own suites.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildASTSchema } from 'graphql';
import { loadTypeDefs } from '../../src/graphql/schema.js';
import { startGateway, type TestGateway } from '../support/gateway.js';
import { scopedRegistry } from '../support/scoped-registry.js';

const ENDPOINT = /\b(GET|POST|PUT|DELETE|PATCH) (\/v2\/[\w/{}-]+)([^.;]*)/g;

type Kind = 'basic' | 'sections' | 'basicScope';
interface Claim {
  endpoint: string;
  /** The exercises that must send it; undefined: any of the field's. */
  when: Kind | undefined;
}

/** Query field → the endpoints its description names, with the condition that follows each. */
function claims(): Map<string, Claim[]> {
  const schema = buildASTSchema(loadTypeDefs(), { assumeValidSDL: true });
  const out = new Map<string, Claim[]>();
  for (const f of Object.values(schema.getQueryType()!.getFields())) {
    const named = [...(f.description ?? '').replace(/\s+/g, ' ').matchAll(ENDPOINT)].map(
      ([, method, path, rest]): Claim => ({
        endpoint: `${method} ${path}`,
        when: /^\s*when only basic fields are selected/.test(rest ?? '')
          ? 'basic'
          : /^[^,]*for a connection without/.test(rest ?? '')
            ? 'basicScope'
            : undefined,
      }),
    );
    if (named.length > 0) out.set(f.name, named);
  }
  return out;
}

interface Exercise {
  query: string;
  /** `basic`: only basic fields; `sections`: a section too; `basicScope`: basic fields on a
   * connection granted only api:calls:read:basic. */
  kind: Kind;
}

const ID = '$id: ID!';
/** Each field, with the selections (and connections) under which its description says it differs. */
const EXERCISES: Record<string, Exercise[]> = {
  gongCalls: [
    { kind: 'basic', query: '{ gongCalls(first: 5) { nodes { id title } } }' },
    {
      kind: 'sections',
      query: '{ gongCalls(first: 5) { nodes { id content { topics { name } } } } }',
    },
    { kind: 'basicScope', query: '{ gongCalls(first: 5) { nodes { id title } } }' },
  ],
  gongCall: [
    { kind: 'basic', query: `query (${ID}) { gongCall(id: $id) { id title } }` },
    { kind: 'sections', query: `query (${ID}) { gongCall(id: $id) { id parties { name } } }` },
  ],
  gongCallOutcomes: [{ kind: 'basic', query: '{ gongCallOutcomes { name } }' }],
  gongTranscriptsSync: [
    { kind: 'basic', query: '{ gongTranscriptsSync(first: 5) { nodes { callId } } }' },
  ],
  gongUsers: [{ kind: 'basic', query: '{ gongUsers(first: 5) { nodes { id } } }' }],
};

let full: TestGateway;
let basic: TestGateway;
let id: string;
beforeAll(async () => {
  full = await startGateway({ sandbox: { users: 10, calls: 40 } });
  basic = await startGateway({
    sandbox: full.sandbox,
    deps: (sb) => ({ registry: scopedRegistry(sb) }),
  });
  id = full.sandbox.control.allCalls().find((c) => c.metaData.isPrivate !== true)!.metaData.id;
});
afterAll(async () => {
  await basic?.close();
  await full?.close();
});

describe('schema descriptions', () => {
  it('name Gong endpoints only on fields exercised here', () => {
    expect([...claims().keys()].sort()).toEqual(Object.keys(EXERCISES).sort());
  });

  it.each(Object.keys(EXERCISES))('%s sends every endpoint its description names', async (f) => {
    const sent = new Map<Kind, Set<string>>();
    for (const x of EXERCISES[f]!) {
      const h = x.kind === 'basicScope' ? basic : full;
      h.reset();
      const r = await h.gql(x.query, x.query.includes(ID) ? { id } : undefined);
      expect(r.errors).toBeUndefined();
      const seen = sent.get(x.kind) ?? new Set<string>();
      for (const e of h.upstream()) seen.add(e.endpoint);
      sent.set(x.kind, seen);
    }
    for (const claim of claims().get(f) ?? []) {
      const where = claim.when
        ? [...(sent.get(claim.when) ?? [])]
        : [...sent.values()].flatMap((s) => [...s]);
      expect(where, `${f}: ${claim.endpoint} ${claim.when ?? ''}`).toContain(claim.endpoint);
    }
  });
});
