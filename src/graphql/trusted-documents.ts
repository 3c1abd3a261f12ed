/**
 * Trusted documents: the operations a frontend ships, listed in graphql-codegen's client preset
 * manifest (`persisted-documents.json`: `{ "<hash>": "<document>" }`). A request names one by
 * `documentId` (GraphQL over HTTP's persisted operations) or by Apollo's APQ
 * `extensions.persistedQuery.sha256Hash`; with `onlyTrusted` nothing else runs
 * (docs/security.md, "Trusted documents").
 *
 * `resolveDocument` is the pure step every transport runs on each operation before parsing: it
 * never throws and reads nothing but its arguments.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, type GraphQLFormattedError } from 'graphql';
import { ErrorCode, GatewayError, httpStatusOf } from '../errors.js';

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

/** Reads a manifest; the error names where it came from and what is wrong with it. */
export function parseManifest(json: string, source: string): TrustedDocuments {
  let manifest: unknown;
  try {
    manifest = JSON.parse(json);
  } catch (e) {
    throw new Error(`${source}: not JSON (${e instanceof Error ? e.message : String(e)})`, {
      cause: e,
    });
  }
  if (manifest === null || typeof manifest !== 'object' || Array.isArray(manifest))
    throw new Error(
      `${source}: expected graphql-codegen's persisted documents, an object of hash → document, got ${Array.isArray(manifest) ? 'an array' : typeof manifest}`,
    );
  const byId = new Map<string, string>();
  const texts = new Set<string>();
  for (const [hash, document] of Object.entries(manifest)) {
    if (typeof document !== 'string')
      throw new Error(`${source}: the entry ${JSON.stringify(hash)} is not a document string`);
    try {
      parse(document, { noLocation: true });
    } catch (e) {
      throw new Error(
        `${source}: the document ${JSON.stringify(hash)} does not parse: ${e instanceof Error ? e.message : String(e)}`,
        { cause: e },
      );
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

/** Loads PERSISTED_DOCUMENTS_PATH at start-up. */
export function loadTrustedDocuments(path: string): TrustedDocuments {
  let json: string;
  try {
    json = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(
      `PERSISTED_DOCUMENTS_PATH: cannot read ${path} (${e instanceof Error ? e.message : String(e)})`,
      { cause: e },
    );
  }
  return parseManifest(json, `PERSISTED_DOCUMENTS_PATH ${path}`);
}

/** The parts of a GraphQL request (HTTP body or query string, a WebSocket or SSE payload) that name its document. */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export type ResolvedDocument =
  /** Run this document: the trusted one the request named (or sent in full, in trusted-only mode). */
  | { kind: 'document'; query: string; documentId?: string }
  /** Nothing trusted documents decide here: the request goes on as it was sent (APQ, plain queries). */
  | { kind: 'as-sent' }
  | { kind: 'refused'; error: GatewayError };

export interface TrustedDocumentPolicy {
  documents?: TrustedDocuments;
  /** PERSISTED_DOCUMENTS_ONLY. */
  onlyTrusted: boolean;
}

const apqHash = (extensions: unknown): string | undefined => {
  const pq = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)
    ?.persistedQuery;
  return typeof pq?.sha256Hash === 'string' ? pq.sha256Hash : undefined;
};

const refused = (code: ErrorCode, message: string, details = {}): ResolvedDocument => ({
  kind: 'refused',
  error: new GatewayError(code, message, details),
});

const ONLY =
  'This gateway runs only its trusted documents (PERSISTED_DOCUMENTS_ONLY): send the `documentId` of one of them';

/** Which document a request runs, by the rules above. Never throws. */
export function resolveDocument(
  req: DocumentRequest,
  policy: TrustedDocumentPolicy,
): ResolvedDocument {
  const { documents, onlyTrusted } = policy;
  const query = typeof req.query === 'string' ? req.query : undefined;
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
      return { kind: 'document', query: document, documentId: named };
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
    if (!onlyTrusted) return { kind: 'as-sent' };
    return refused(
      ErrorCode.PERSISTED_QUERY_NOT_IN_LIST,
      `${ONLY}; no trusted document has this hash`,
    );
  }
  if (!onlyTrusted || query === undefined) return { kind: 'as-sent' };
  // The full text of a trusted document is that document (clients that send both, or only text).
  if (documents?.has(query)) return { kind: 'document', query };
  return refused(ErrorCode.PERSISTED_QUERY_NOT_IN_LIST, `${ONLY}; this query is not one of them`);
}

/**
 * The step as the operation pipeline runs it before parsing: the document to run (undefined when
 * the request names none the gateway knows, for the executor to answer), or a refusal with the
 * HTTP status of its code and the error every transport delivers.
 */
export function trustedDocumentStep(
  policy: TrustedDocumentPolicy,
): (
  req: DocumentRequest,
) =>
  | { ok: true; query: string | undefined }
  | { ok: false; status: number; error: GraphQLFormattedError } {
  return (req) => {
    const r = resolveDocument(req, policy);
    if (r.kind === 'refused') {
      const { code, message, details } = r.error;
      const shown = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
      return {
        ok: false,
        status: httpStatusOf[code],
        error: { message, extensions: { ...shown, code } },
      };
    }
    if (r.kind === 'document') return { ok: true, query: r.query };
    return { ok: true, query: typeof req.query === 'string' ? req.query : undefined };
  };
}
