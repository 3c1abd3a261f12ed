/**
 * Resolving the document of a request: the one step where the text of an operation is decided,
 * before parsing, on every transport (HTTP GET/POST and batches, SSE, multipart, graphql-ws).
 * By default the document is the `query` the client sent; the gateway runs the trusted-documents
 * step (../trusted-documents.ts), which looks up `documentId` (GraphQL over HTTP persisted
 * operations) or `extensions.persistedQuery.sha256Hash` (APQ) in a manifest, and refuses what is
 * not in it when only trusted documents are allowed. Internal to the operation pipeline.
 */
import type { GraphQLFormattedError } from 'graphql';

/** What a transport received that names the document: GraphQL-over-HTTP parameters or a graphql-ws payload. */
export interface DocumentRequest {
  query?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

export type ResolvedDocument =
  /**
   * `query` undefined: the request names no document the gateway knows, and the executor decides
   * (Apollo over HTTP answers APQ's PERSISTED_QUERY_NOT_FOUND itself; the streaming transports
   * refuse it as a request without a query).
   */
  | {
      ok: true;
      query: string | undefined;
      /** The id that named `query` in the manifest of trusted documents (the text is the manifest's, not the client's). */
      documentId?: string;
    }
  /** Refused before parsing: `status` for protocols that answer with one, the error for all. */
  | { ok: false; status: number; error: GraphQLFormattedError };

export type ResolveDocument = (request: DocumentRequest) => ResolvedDocument;

/** The default: the document is the `query` string the client sent. */
export const documentAsSent: ResolveDocument = (request) => ({
  ok: true,
  query: typeof request.query === 'string' ? request.query : undefined,
});
