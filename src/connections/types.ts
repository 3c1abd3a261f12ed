/**
 * A connection is one Gong company the gateway can reach: the access-key company from the
 * environment (`default`) or a customer who connected through OAuth (`connectionRef` chosen by
 * the builder, like Ampersand's groupRef).
 */

export type ConnectionStatus = 'ACTIVE' | 'RECONNECT_REQUIRED' | 'REVOKED';
export type ConnectionAuthKind = 'ACCESS_KEY' | 'OAUTH';

export interface Connection {
  ref: string;
  authKind: ConnectionAuthKind;
  /** Every Gong call for this connection goes here (OAuth: api_base_url_for_customer). */
  baseUrl: string;
  /** Granted scopes; null = not scope-checked (access keys). */
  scopes: string[] | null;
  status: ConnectionStatus;
  createdAt: string;
  updatedAt: string;
}

/** Gives the Authorization header for a connection, refreshing OAuth tokens as needed. */
export interface CredentialProvider {
  /**
   * The header value for the next request. With `forceRefresh` (after a 401), refreshes first.
   * Refreshes are single-flight per connection (and across instances with Redis). Rejects with
   * RECONNECT_REQUIRED when the connection cannot be used any more.
   */
  authorization(connectionRef: string, opts?: { forceRefresh?: boolean }): Promise<string>;
}

/** Lookup of connections; the OAuth callback and admin mutations write through it. */
export interface ConnectionRegistry extends CredentialProvider {
  get(ref: string): Promise<Connection | null>;
  list(): Promise<Connection[]>;
}
