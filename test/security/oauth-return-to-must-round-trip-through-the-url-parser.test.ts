/**
 * `returnTo` with a newline, tab or backslash passed validation (the URL parser normalises them)
 * while the raw string was stored and later written into `Location`, and the callback answered
 * 500 after storing the tokens. Only a value that round-trips through the URL parser is accepted;
 * open redirects to other origins stay refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETURN_ORIGIN, codeOf, startOAuthGateway, type OAuthGateway } from './oauth-gateway.js';

describe('gongStartOAuth(returnTo)', () => {
  let h: OAuthGateway;
  beforeAll(async () => {
    h = await startOAuthGateway();
  });
  afterAll(() => h?.close());

  it('refuses values the URL parser would rewrite, and other origins (open redirect)', async () => {
    for (const returnTo of [
      `${RETURN_ORIGIN}/done\r\nSet-Cookie: a=b`,
      `${RETURN_ORIGIN}/do\tne`,
      `\t${RETURN_ORIGIN}/done`,
      `${RETURN_ORIGIN}\\@evil.example.net/`,
      `${RETURN_ORIGIN}/a/../b`,
      'https://evil.example.net/',
      'javascript:alert(1)',
    ]) {
      const r = await h.startOAuth({ connectionRef: 'acme', returnTo });
      expect({ returnTo, code: codeOf(r) }).toEqual({ returnTo, code: 'BAD_USER_INPUT' });
    }
  });

  it('accepts a URL as the parser writes it and redirects there after the callback', async () => {
    const back = await h.connect('acme', `${RETURN_ORIGIN}/settings?done=1`);
    expect(back.status).toBe(302);
    expect(back.headers.get('location')).toBe(`${RETURN_ORIGIN}/settings?done=1`);
    // The bare origin is the same URL as origin + '/'.
    expect(
      codeOf(await h.startOAuth({ connectionRef: 'acme', returnTo: RETURN_ORIGIN })),
    ).toBeUndefined();
  });
});
