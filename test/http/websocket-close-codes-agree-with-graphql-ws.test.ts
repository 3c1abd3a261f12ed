/**
 * The gateway's close codes are one enum; where graphql-ws defines the same outcome its number
 * must be the same, so graphql-ws clients (and their retry logic) read our closes correctly.
 */
import { CloseCode } from 'graphql-ws';
import { expect, it } from 'vitest';
import { WsCloseCode } from '../../src/close-codes.js';

it('uses graphql-ws numbers for unauthorized, forbidden, bad subprotocol and init timeout, and distinct numbers for the rest', () => {
  expect(WsCloseCode.Unauthorized).toBe(CloseCode.Unauthorized);
  expect(WsCloseCode.Forbidden).toBe(CloseCode.Forbidden);
  expect(WsCloseCode.SubprotocolNotAcceptable).toBe(CloseCode.SubprotocolNotAcceptable);
  expect(WsCloseCode.ConnectionInitialisationTimeout).toBe(
    CloseCode.ConnectionInitialisationTimeout,
  );
  const ours = Object.values(WsCloseCode).filter((v): v is number => typeof v === 'number');
  expect(new Set(ours).size).toBe(ours.length);
  // Our own 44xx must not collide with a graphql-ws code that means something else.
  const theirs = new Set(
    Object.values(CloseCode).filter((v): v is number => typeof v === 'number'),
  );
  expect(theirs.has(WsCloseCode.SubscriberTooSlow)).toBe(false);
});
