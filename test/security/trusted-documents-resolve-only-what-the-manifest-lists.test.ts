/**
 * The trusted-documents step, alone (every transport runs it before parsing): which document a
 * request runs for each way of naming one, what trusted-only mode refuses and with which code, and
 * the start-up errors of a bad manifest. The client preset's own manifest is exercised in
 * test/http/client-codegen-example-generates-typed-operations-and-trusted-documents.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import type { ResolvedDocument } from '../../src/graphql/pipeline/document.js';
import {
  loadTrustedDocuments,
  parseManifest,
  trustedDocumentStep,
} from '../../src/graphql/trusted-documents.js';

const DOC = 'query Workspaces { gongWorkspaces { id name } }';
const sha256 = createHash('sha256').update(DOC).digest('hex');
const sha1 = createHash('sha1').update(DOC).digest('hex');
// The client preset's default keys are bare sha1 hashes.
const documents = parseManifest(JSON.stringify({ [sha1]: DOC }));
const open = trustedDocumentStep({ documents, onlyTrusted: false });
const only = trustedDocumentStep({ documents, onlyTrusted: true });
const none = trustedDocumentStep({ onlyTrusted: false });
const apq = (hash: string) => ({
  extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
});
const code = (r: ResolvedDocument) => (r.ok ? 'ok' : r.error.extensions?.code);
const message = (r: ResolvedDocument) => (r.ok ? '' : r.error.message);

describe('trusted documents', () => {
  it('a documentId runs its document: the manifest key, or <algorithm>:<hash>', () => {
    for (const id of [sha1, `sha1:${sha1}`, `sha256:${sha256}`, sha256])
      expect(open({ documentId: id }), id).toEqual({ ok: true, query: DOC, documentId: id });
  });

  it("APQ's sha256Hash runs the document, with or without its text", () => {
    expect(only(apq(sha256))).toEqual({ ok: true, query: DOC, documentId: sha256 });
    expect(only({ ...apq(sha256), query: DOC })).toMatchObject({ ok: true, query: DOC });
  });

  it("an empty query beside a name is no query (graphql-ws's clients must send the field)", () => {
    expect(only({ query: '', documentId: sha1 })).toMatchObject({ ok: true, query: DOC });
    expect(only({ query: '', ...apq(sha256) })).toMatchObject({ ok: true, query: DOC });
  });

  it('an unknown documentId is PERSISTED_QUERY_NOT_FOUND in either mode, and without a manifest', () => {
    expect(open({ documentId: 'sha256:00' })).toMatchObject({
      ok: false,
      status: 400,
      error: { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND', field: 'documentId' } },
    });
    expect(code(only({ documentId: 'x' }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(code(none({ documentId: 'x' }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect(message(none({ documentId: 'x' }))).toMatch(/PERSISTED_DOCUMENTS_PATH is not set/);
  });

  it('a name and a different query is a contradiction, refused', () => {
    expect(code(open({ documentId: sha1, query: '{ gongUsers { totalCount } }' }))).toBe(
      'BAD_USER_INPUT',
    );
  });

  it('without trusted-only mode, APQ registration and plain queries go on as sent', () => {
    // Apollo's own APQ answers a hash the manifest does not hold.
    expect(open(apq('f'.repeat(64)))).toEqual({ ok: true, query: undefined });
    expect(open({ query: '{ gongUsers { totalCount } }' })).toEqual({
      ok: true,
      query: '{ gongUsers { totalCount } }',
    });
    expect(none({ query: '{ a }' })).toEqual({ ok: true, query: '{ a }' });
    expect(only({})).toEqual({ ok: true, query: undefined });
  });

  it('trusted-only mode refuses any other document with PERSISTED_QUERY_NOT_IN_LIST, however it comes', () => {
    for (const req of [
      { query: '{ gongUsers { totalCount } }' },
      { ...apq('f'.repeat(64)), query: '{ gongUsers { totalCount } }' },
      apq('f'.repeat(64)),
    ]) {
      const r = only(req);
      expect(r).toMatchObject({
        ok: false,
        status: 400,
        error: { extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } },
      });
      expect(message(r)).toMatch(/PERSISTED_DOCUMENTS_ONLY.*documentId/);
    }
    // The exact text of a trusted document is that document.
    expect(only({ query: DOC })).toEqual({ ok: true, query: DOC });
  });

  describe('a manifest that is not hash → document stops start-up with one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'trusted-documents-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const load = (name: string, text?: string) => {
      const path = join(dir, name);
      if (text !== undefined) writeFileSync(path, text);
      try {
        loadTrustedDocuments(path);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const m = (e as Error).message;
        expect(m.split('\n')).toHaveLength(1);
        // The variable, what it expects, and what it was given.
        expect(m).toMatch(
          /^PERSISTED_DOCUMENTS_PATH: expected graphql-codegen's persisted-documents\.json \(a JSON object of hash → document\), got "/,
        );
        expect(m).toContain(JSON.stringify(path));
        return m;
      }
      throw new Error(`${name} loaded`);
    };

    it.each([
      ['missing.json', undefined, /which cannot be read \(ENOENT/],
      ['array.json', '[1]', /which holds an array$/],
      ['text.json', '{', /which is not JSON \(/],
      ['number.json', '{"a": 1}', /whose entry "a" is not a document string$/],
      ['syntax.json', '{"a": "query {"}', /whose document "a" does not parse: Syntax Error/],
    ])('%s', (name, text, why) => {
      expect(load(name, text)).toMatch(why);
    });

    it('and a good one loads', () => {
      const path = join(dir, 'good.json');
      writeFileSync(path, JSON.stringify({ [sha1]: DOC }));
      expect(loadTrustedDocuments(path).size).toBe(1);
    });
  });

  it('PERSISTED_DOCUMENTS_ONLY needs PERSISTED_DOCUMENTS_PATH', () => {
    expect(() => loadConfig({ PERSISTED_DOCUMENTS_ONLY: 'true' })).toThrow(
      /^PERSISTED_DOCUMENTS_ONLY: true needs PERSISTED_DOCUMENTS_PATH/,
    );
    expect(
      loadConfig({ PERSISTED_DOCUMENTS_ONLY: 'true', PERSISTED_DOCUMENTS_PATH: 'docs.json' }),
    ).toMatchObject({ PERSISTED_DOCUMENTS_ONLY: true, PERSISTED_DOCUMENTS_PATH: 'docs.json' });
    expect(loadConfig({}).PERSISTED_DOCUMENTS_ONLY).toBe(false);
  });
});
