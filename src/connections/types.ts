/**
 * A connection is one Gong company the gateway can reach: the access-key company from the
 * environment (`default`) or a customer who connected through OAuth (`connectionRef` chosen by
 * the builder, like Ampersand's groupRef).
 */
import { badInput } from '../errors.js';
import type { GongCredentials } from '../gong/types.js';

/** The access-key connection from the environment (GONG_ACCESS_KEY), and what requests use unless they pick one. */
export const DEFAULT_CONNECTION_REF = 'default';

/** Builder-chosen connection ids (like Ampersand's groupRef). */
export const CONNECTION_REF_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function assertConnectionRef(ref: string): string {
  if (!CONNECTION_REF_PATTERN.test(ref)) {
    throw badInput(
      `connectionRef must match ${CONNECTION_REF_PATTERN.source}, got ${JSON.stringify(ref.slice(0, 80))}`,
      { field: 'connectionRef' },
    );
  }
  return ref;
}

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

/**
 * Lookup of connections; the OAuth callback and admin mutations write through it. It is the Gong
 * client's source of credentials: `authorization` refreshes OAuth tokens as needed, single-flight
 * per connection (and across instances with Redis).
 */
export interface ConnectionRegistry extends GongCredentials {
  get(ref: string): Promise<Connection | null>;
  list(): Promise<Connection[]>;
}
