/**
 * The trusted-documents step, alone (every transport runs it before parsing): which document a
 * request runs for each way of naming one, what trusted-only mode refuses and with which code, and
 * the start-up errors of a bad manifest. The client preset's own manifest is exercised in
 * test/http/client-codegen-example-generates-typed-operations-and-trusted-documents.test.ts.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  parseManifest,
  resolveDocument,
  trustedDocumentStep,
  type ResolvedDocument,
} from '../../src/graphql/trusted-documents.js';

const DOC = 'query Workspaces { gongWorkspaces { id name } }';
const sha256 = createHash('sha256').update(DOC).digest('hex');
const sha1 = createHash('sha1').update(DOC).digest('hex');
// The client preset's default keys are bare sha1 hashes.
const documents = parseManifest(JSON.stringify({ [sha1]: DOC }), 'test manifest');
const open = { documents, onlyTrusted: false };
const only = { documents, onlyTrusted: true };
const apq = (hash: string) => ({
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});
const code = (r: ResolvedDocument) => (r.kind === 'refused' ? r.error.code : r.kind);

describe('trusted documents', () => {
  it('a documentId runs its document: the manifest key, or <algorithm>:<hash>', () => {
    for (const id of [sha1, `sha1:${sha1}`, `sha256:${sha256}`, sha256])
      expect(resolveDocument({ documentId: id }, open), id).toEqual({
        kind: 'document',
        query: DOC,
        documentId: id,
      });
  });

  it("APQ's sha256Hash runs the document, with or without its text", () => {
    expect(resolveDocument(apq(sha256), only)).toMatchObject({ kind: 'document', query: DOC });
    expect(resolveDocument({ ...apq(sha256), query: DOC }, only)).toMatchObject({
      kind: 'document',
    });
  });

  it('an unknown documentId is PERSISTED_QUERY_NOT_FOUND in either mode, and without a manifest', () => {
    expect(code(resolveDocument({ documentId: 'sha256:00' }, open))).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
    expect(code(resolveDocument({ documentId: 'x' }, only))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const none = resolveDocument({ documentId: 'x' }, { onlyTrusted: false });
    expect(none.kind === 'refused' && none.error.message).toMatch(/PERSISTED_DOCUMENTS_PATH/);
  });

  it('a name and a different query is a contradiction, refused', () => {
    expect(
      code(resolveDocument({ documentId: sha1, query: '{ gongUsers { totalCount } }' }, open)),
    ).toBe('BAD_USER_INPUT');
  });

  it('without trusted-only mode, APQ registration and plain queries go on as sent', () => {
    expect(resolveDocument(apq('f'.repeat(64)), open)).toEqual({ kind: 'as-sent' });
    expect(resolveDocument({ query: '{ gongUsers { totalCount } }' }, open)).toEqual({
      kind: 'as-sent',
    });
    expect(resolveDocument({ query: '{ a }' }, { onlyTrusted: false })).toEqual({
      kind: 'as-sent',
    });
  });

  it('trusted-only mode refuses any other document with PERSISTED_QUERY_NOT_IN_LIST, however it comes', () => {
    for (const req of [
      { query: '{ gongUsers { totalCount } }' },
      { ...apq('f'.repeat(64)), query: '{ gongUsers { totalCount } }' },
      apq('f'.repeat(64)),
    ]) {
      const r = resolveDocument(req, only);
      expect(code(r)).toBe('PERSISTED_QUERY_NOT_IN_LIST');
      expect(r.kind === 'refused' && r.error.message).toMatch(/PERSISTED_DOCUMENTS_ONLY/);
    }
    // The exact text of a trusted document is that document.
    expect(resolveDocument({ query: DOC }, only)).toEqual({ kind: 'document', query: DOC });
  });

  it("as the pipeline's step: the document to run, or a refusal with its status and code", () => {
    const step = trustedDocumentStep(only);
    expect(step({ documentId: sha1 })).toEqual({ ok: true, query: DOC });
    expect(step({})).toEqual({ ok: true, query: undefined });
    expect(step({ query: '{ a }' })).toEqual({
      ok: false,
      status: 400,
      error: {
        message: expect.stringMatching(/PERSISTED_DOCUMENTS_ONLY/) as unknown,
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' },
      },
    });
    expect(trustedDocumentStep(open)({ documentId: 'nope' })).toMatchObject({
      ok: false,
      status: 400,
      error: { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', field: 'documentId' } },
    });
    expect(trustedDocumentStep(open)({ query: '{ a }' })).toEqual({ ok: true, query: '{ a }' });
  });

  it('a manifest that is not hash → document stops start-up with the reason', () => {
    expect(() => parseManifest('[1]', 'm.json')).toThrow(/m.json: expected .* got an array/);
    expect(() => parseManifest('{', 'm.json')).toThrow(/m.json: not JSON/);
    expect(() => parseManifest('{"a": 1}', 'm.json')).toThrow(/"a" is not a document string/);
    expect(() => parseManifest('{"a": "query {"}', 'm.json')).toThrow(/"a" does not parse/);
  });
});
