/**
 * A plain Gong REST client with Basic auth for the baselines (naive resolvers, the perfect
 * client): no batching, no cache, no retries. 404 (Gong's "nothing found") reads as null.
 */
export interface Rest {
  get<T>(path: string, query?: Record<string, string>): Promise<T | null>;
  post<T>(path: string, body: unknown): Promise<T | null>;
}

/**
 * A client-side token bucket shaped like Gong's (capacity = rate, continuous refill): a perfect
 * client never gets a 429, it waits for its budget.
 */
function pacer(perSecond: number | undefined): () => Promise<void> {
  if (perSecond === undefined) return () => Promise.resolve();
  let tokens = perSecond;
  let at = Date.now();
  let chain = Promise.resolve();
  const take = async () => {
    for (let i = 0; i < 10_000; i++) {
      const now = Date.now();
      tokens = Math.min(perSecond, tokens + ((now - at) / 1000) * perSecond);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(((1 - tokens) / perSecond) * 1000)));
    }
  };
  // Serialised so that concurrent callers queue in order instead of racing for tokens.
  return () => (chain = chain.then(take));
}

export function restClient(
  baseUrl: string,
  accessKey: string,
  secret: string,
  opts: { perSecond?: number } = {},
): Rest {
  const auth = `Basic ${Buffer.from(`${accessKey}:${secret}`).toString('base64')}`;
  const pace = pacer(opts.perSecond);
  async function send(method: string, url: string, body: unknown): Promise<Response> {
    // Bounded retries on 429: the sandbox's bucket and ours can disagree by a few ms.
    for (let attempt = 0; ; attempt++) {
      await pace();
      const res = await fetch(url, {
        method,
        headers: {
          authorization: auth,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (res.status !== 429 || attempt >= 5) return res;
      await res.arrayBuffer();
      await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after') ?? '1') * 1000));
    }
  }
  async function call<T>(
    method: string,
    path: string,
    query?: Record<string, string>,
    body?: unknown,
  ): Promise<T | null> {
    const qs = query ? `?${new URLSearchParams(query).toString()}` : '';
    const res = await send(method, `${baseUrl}${path}${qs}`, body);
    if (res.status === 404) {
      await res.arrayBuffer();
      return null;
    }
    if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }
  return { get: (p, q) => call('GET', p, q), post: (p, b) => call('POST', p, undefined, b) };
}

/** The fields of Gong's wire format the baselines read (the full schemas live in src/gong/wire.ts). */
export interface WireUser {
  id: string;
  emailAddress?: string | null;
  firstName?: string | null;
  managerId?: string | null;
  active?: boolean | null;
}
export interface WireCallMeta {
  id: string;
  title?: string | null;
  started?: string | null;
  primaryUserId?: string | null;
  workspaceId?: string | null;
}
export interface WireParty {
  name?: string | null;
  userId?: string | null;
}
export interface WireCall {
  metaData: WireCallMeta;
  parties?: WireParty[] | null;
}
export interface WireTranscript {
  callId: string;
  transcript: {
    speakerId?: string | null;
    sentences: { start: number; end: number; text: string }[];
  }[];
}
export interface Paged {
  records?: { cursor?: string | null };
}

/** Every user, page by page (`GET /v2/users` with Gong's cursor), as both baselines need for flows. */
export async function allUsers(gong: Rest): Promise<WireUser[]> {
  const users: WireUser[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 1_000; i++) {
    const page = await gong.get<{ users: WireUser[] } & Paged>(
      '/v2/users',
      cursor ? { cursor } : undefined,
    );
    users.push(...(page?.users ?? []));
    cursor = page?.records?.cursor ?? undefined;
    if (!cursor) break;
  }
  return users;
}
