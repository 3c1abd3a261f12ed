/**
 * Every WebSocket close code the gateway sends, in one place, as graphql-ws has its `CloseCode`
 * (whose values the 44xx codes share). A client can tell each outcome apart by number.
 */
export enum WsCloseCode {
  /** The instance is shutting down: reconnect (to another replica) and resume with `after`. RFC 6455. */
  GoingAway = 1001,
  /** A message above WS_MAX_MESSAGE_BYTES (ws's `maxPayload`). RFC 6455. */
  MessageTooBig = 1009,
  /** Too many sockets waiting for `connection_init` (WS_MAX_UNAUTHENTICATED_SOCKETS). RFC 6455. */
  TryAgainLater = 1013,
  /** Missing or invalid credential, or the credential of an authenticated socket expired. graphql-ws. */
  Unauthorized = 4401,
  /** The credential may not use what it asked for. graphql-ws. */
  Forbidden = 4403,
  /** Not the graphql-transport-ws subprotocol. graphql-ws. */
  SubprotocolNotAcceptable = 4406,
  /** No `connection_init` in time. graphql-ws. */
  ConnectionInitialisationTimeout = 4408,
  /** The subscriber fell WS_MAX_PENDING_EVENTS behind; the reason names the `after` to resume with. */
  SubscriberTooSlow = 4413,
}
