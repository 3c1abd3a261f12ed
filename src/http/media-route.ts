/**
 * `PUT /calls/{callId}/media`: uploads a call's recording. The multipart body streams straight
 * into Gong's `PUT /v2/calls/{id}/media` without being parsed or buffered here (Gong parses the
 * `mediaFile` part), so a 1.5 GB file costs no memory; Gong's answer (201 `{requestId, callId,
 * url}`, or its error) comes back unchanged. Client auth and connection choice as for GraphQL.
 * Above the size limit: 413 before reading when the declared length says so, otherwise the
 * upload is cut off as soon as it passes the limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { AuthenticateRequest } from '../graphql/context.js';
import { ErrorCode, GatewayError, badInput, notFound } from '../errors.js';
import type { ConnectionTransport } from '../gong/transport.js';
import { SCOPES } from '../gong/wire.js';
import type { Logger } from '../observability/logger.js';
import { relayAnswer } from './relay-answer.js';
import type { Route } from './router.js';

export const MEDIA_PREFIX = '/calls/';
/** Gong's limit on a media file (docs/gong-contract.md §2: ≤1.5 GB). */
export const MEDIA_MAX_FILE_BYTES = 1.5 * 1024 ** 3;
/** Room for the multipart framing around the file (boundaries, part headers). */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

export interface MediaRouteOptions {
  authenticate: AuthenticateRequest;
  transport(connectionRef: string): ConnectionTransport;
  /** Largest request body. @default MEDIA_MAX_FILE_BYTES + 64 KiB of multipart framing */
  maxBytes?: number;
  logger?: Logger;
}

const tooLarge = (limit: number, got: number) =>
  new GatewayError(
    ErrorCode.PAYLOAD_TOO_LARGE,
    `A media upload may be at most ${limit} bytes (Gong: a file of at most 1.5 GB), but got at least ${got}`,
    { limit },
  );

/** The callId of `rest` (what follows `/calls/`), or a clear error. */
function callIdOf(rest: string): string {
  const m = /^([^/]+)\/media\/?$/.exec(rest);
  if (!m?.[1])
    throw notFound(
      `No route for /calls/${rest.slice(0, 200)}; media uploads go to PUT /calls/{callId}/media`,
    );
  if (!/^\d{1,20}$/.test(m[1]))
    throw badInput(
      `callId must be a Gong id (a numeric string of up to 20 digits), but got: ${JSON.stringify(m[1].slice(0, 40))}`,
      { field: 'callId' },
    );
  return m[1];
}

function contentTypeOf(req: IncomingMessage): string {
  const ct = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data\s*;(.*;)?\s*boundary=("[^"]+"|[^;\s]+)/i.test(ct))
    throw badInput(
      `A media upload must be multipart/form-data with a boundary and a part named 'mediaFile', but content-type is ${JSON.stringify(ct.slice(0, 100))}`,
      { field: 'content-type' },
    );
  return ct;
}

/**
 * The upload's bytes, failing once more than `limit` went by. An async generator pulls from the
 * request only as fast as Gong takes the bytes (a piped Transform let undici read ahead: the whole
 * file ended up in memory).
 */
function byteLimit(
  source: IncomingMessage,
  limit: number,
  onExceeded: (seen: number) => void,
): Readable {
  async function* limited(): AsyncGenerator<Buffer> {
    let seen = 0;
    // Without destroyOnReturn a refused upload leaves the socket alive long enough for the 413.
    for await (const chunk of source.iterator({ destroyOnReturn: false })) {
      const b = chunk as Buffer;
      seen += b.length;
      if (seen > limit) {
        onExceeded(seen);
        throw tooLarge(limit, seen);
      }
      yield b;
    }
  }
  return Readable.from(limited(), { objectMode: false });
}

/** Refuses without reading the body; the connection closes so the rest of the upload is not read. */
function refuseUnread(res: ServerResponse): void {
  res.setHeader('connection', 'close');
}

export function mediaRoute(opts: MediaRouteOptions): Route {
  const limit = opts.maxBytes ?? MEDIA_MAX_FILE_BYTES + MULTIPART_OVERHEAD_BYTES;
  return {
    prefix: MEDIA_PREFIX,
    methods: ['PUT'],
    async handle({ req, res, rest }) {
      refuseUnread(res);
      const callId = callIdOf(rest);
      const principal = await opts.authenticate({ headers: req.headers });
      const headers: Record<string, string> = { 'content-type': contentTypeOf(req) };
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared)) {
        if (declared > limit) throw tooLarge(limit, declared);
        headers['content-length'] = String(declared);
      }
      res.removeHeader('connection');

      let exceeded: number | undefined;
      const body = byteLimit(req, limit, (seen) => (exceeded = seen));
      const ac = new AbortController();
      res.once('close', () => {
        if (!res.writableFinished) ac.abort(new Error('client closed the connection'));
      });
      try {
        const answer = await opts.transport(principal.connectionRef).requestRaw({
          method: 'PUT',
          path: `/v2/calls/${callId}/media`,
          headers,
          body,
          endpoint: 'calls.media',
          scope: SCOPES.callsCreate,
          signal: ac.signal,
        });
        await relayAnswer(answer, res, opts.logger);
      } catch (e) {
        // The rest of the upload is not read: close the connection after the reply.
        refuseUnread(res);
        throw exceeded === undefined ? e : tooLarge(limit, exceeded);
      }
    },
  };
}
