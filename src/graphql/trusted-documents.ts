/**
 * Trusted documents: the operations a frontend ships, listed in graphql-codegen's client preset
 * manifest (`persisted-documents.json`: `{ "<hash>": "<document>" }`). A request names one by
 * `documentId` (GraphQL over HTTP's persisted operations) or by Apollo's APQ
 * `extensions.persistedQuery.sha256Hash`; with `onlyTrusted` nothing else runs
 * (docs/security.md, "Trusted documents").
 *
 * `trustedDocumentStep` is the operation pipeline's document step (./pipeline/document.ts), which
 * every transport runs before parsing: it never throws and reads nothing but its arguments.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { ConfigError } from '../config/config.js';
import { ErrorCode, httpStatusOf } from '../errors.js';
import type { DocumentRequest, ResolveDocument, ResolvedDocument } from './pipeline/document.js';

export interface TrustedDocuments {
  /** Documents in the manifest. */
  readonly size: number;
  /**
   * The document a client names: by the manifest's key (bare, or as `<algorithm>:<hash>` with
   * sha1 or sha256), or by the sha256 of its text, which is what APQ sends.
   */
  lookup(id: string): string | undefined;
  /** Whether this exact text is one of the documents. */
  has(document: string): boolean;
}

const sha = (algorithm: 'sha1' | 'sha256', text: string) =>
  createHash(algorithm).update(text).digest('hex');

const reason = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Reads a manifest's text; the error says what the text is instead of hash → document. */
export function parseManifest(json: string): TrustedDocuments {
  let manifest: unknown;
  try {
    manifest = JSON.parse(json);
  } catch (e) {
    throw new Error(`which is not JSON (${reason(e)})`, { cause: e });
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest))
    throw new Error(
      `which holds ${Array.isArray(manifest) ? 'an array' : manifest === null ? 'null' : `a ${typeof manifest}`}`,
    );
  const byId = new Map<string, string>();
  const texts = new Set<string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (typeof document !== 'string')
      throw new Error(`whose entry ${JSON.stringify(hash)} is not a document string`);
    try {
      parse(document, { noLocation: true });
    } catch (e) {
      throw new Error(`whose document ${JSON.stringify(hash)} does not parse: ${reason(e)}`, {
        cause: e,
      });
    }
    texts.add(document);
    const sha256 = sha('sha256', document);
    for (const id of [hash, sha256, `sha256:${sha256}`, `sha1:${sha('sha1', document)}`])
      byId.set(id, document);
  }
  return {
    size: texts.size,
    lookup: (id) => byId.get(id),
    has: (document) => texts.has(document),
  };
}

/**
 * Loads PERSISTED_DOCUMENTS_PATH once, at start-up. A file that cannot be read or is not a
 * manifest is a ConfigError of one line: the variable, what it expects, what it was given.
 */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  try {
    return parseManifest(readFileSync(path, 'utf8'));
  } catch (e) {
    const why =
      (e as { code?: unknown }).code === undefined
        ? reason(e)
        : `which cannot be read (${reason(e)})`;
    throw new ConfigError(
      `PERSISTED_DOCUMENTS_PATH: expected graphql-codegen's persisted-documents.json (a JSON object of hash → document), got ${JSON.stringify(path)}, ${why}`.replace(
        /\s*\n\s*/g,
        ' ',
      ),
      { cause: e },
    );
  }
}

export interface TrustedDocumentPolicy {
  /** PERSISTED_DOCUMENTS_PATH's documents; none when it is not set. */
  documents?: TrustedDocuments | undefined;
  /** PERSISTED_DOCUMENTS_ONLY. */
  onlyTrusted: boolean;
}

const apqHash = (extensions: unknown): string | undefined => {
  const pq = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)
    ?.persistedQuery;
  return typeof pq?.sha256Hash === 'string' ? pq.sha256Hash : undefined;
};

const refused = (
  code: ErrorCode,
  message: string,
  details: Record<string, string> = {},
): ResolvedDocument => ({
  ok: false,
  status: httpStatusOf[code],
  error: { message, extensions: { ...details, code } },
});

const ONLY =
  'This gateway runs only its trusted documents (PERSISTED_DOCUMENTS_ONLY): send the `documentId` of one of them';

/** Which document a request runs, by the rules above. Never throws. */
function resolveTrusted(req: DocumentRequest, policy: TrustedDocumentPolicy): ResolvedDocument {
  const { documents, onlyTrusted } = policy;
  // An empty query is no query: graphql-ws requires the field, so its clients send '' with a name.
  const query = typeof req.query === 'string' && req.query !== '' ? req.query : undefined;
  const named =
    typeof req.documentId === 'string' ? req.documentId : (apqHash(req.extensions) ?? undefined);
  if (named !== undefined) {
    const document = documents?.lookup(named);
    if (document !== undefined) {
      if (query !== undefined && query !== document)
        return refused(
          ErrorCode.BAD_USER_INPUT,
          `The request names the trusted document ${JSON.stringify(named)} and sends a different query: send one of them`,
          { field: 'query' },
        );
      return { ok: true, query: document, documentId: named };
    }
    if (typeof req.documentId === 'string')
      return refused(
        ErrorCode.PERSISTED_QUERY_NOT_FOUND,
        documents
          ? `No trusted document has the id ${JSON.stringify(named)}`
          : `documentId ${JSON.stringify(named)} names a trusted document, but this gateway has none (PERSISTED_DOCUMENTS_PATH is not set)`,
        { field: 'documentId' },
      );
    // An APQ hash the manifest does not hold: Apollo's own APQ answers it, unless only trusted ones run.
    if (!onlyTrusted) return { ok: true, query };
    return refused(
      ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
      `${ONLY}; no trusted document has this hash`,
    );
  }
  if (!onlyTrusted || query === undefined) return { ok: true, query };
  // The full text of a trusted document is that document (clients that send both, or only text).
  if (documents?.has(query)) return { ok: true, query };
  return refused(ErrorCode.PERSISTED_QUERY_NOT_IN_LIST, `${ONLY}; this query is not one of them`);
}

/** The pipeline's document step for a policy (PERSISTED_DOCUMENTS_PATH and _ONLY). */
export const trustedDocumentStep =
  (policy: TrustedDocumentPolicy): ResolveDocument =>
  (req) =>
    resolveTrusted(req, policy);
