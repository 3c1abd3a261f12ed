/**
 * The sandbox's internal request/reply shapes. Route handlers are plain functions from a parsed
 * SandboxRequest to a SandboxReply, so each concern (API routes, OAuth, control API) stays a
 * module of its own and tests can call handlers without a socket.
 */
import type { IncomingHttpHeaders } from 'node:http';

export interface SandboxRequest {
  method: string;
  /** Path without query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Which listener received it: the generic API base URL or the tenant's api_base_url_for_customer. */
  listener: 'api' | 'tenant';
  /** Exact bytes of the body (empty for none). Media uploads are streamed and do not land here. */
  rawBody: Buffer;
  /** The body parsed as JSON, when its content type is JSON and it parsed. */
  json?: unknown;
}

export interface SandboxReply {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless a string (sent as-is) or undefined (empty body). */
  body?: unknown;
}
