/**
 * Attack tools for the security suite: raw HTTP over `node:net` (requests node's client would
 * refuse to send or would frame for us), and a TCP relay in front of the sandbox that records
 * every upstream connection and the bytes it carried.
 */
import { connect, createServer, type Server, type Socket } from 'node:net';
import WebSocket, { type RawData } from 'ws';

/** A WebSocket message's text, however ws framed it. */
const text = (m: RawData): string =>
  (Buffer.isBuffer(m) ? m : Array.isArray(m) ? Buffer.concat(m) : Buffer.from(m)).toString();

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Parses the first HTTP/1.1 answer in `text` (content-length framed, or what arrived before close). */
export function parseAnswer(text: string): RawAnswer | undefined {
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const [statusLine, ...lines] = text.slice(0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '')?.[1]);
  const headers: Record<string, string> = {};
  for (const l of lines) {
    const i = l.indexOf(':');
    headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  const rest = text.slice(end + 4);
  const len = headers['content-length'];
  if (len !== undefined && Buffer.byteLength(rest) < Number(len)) return undefined;
  return { status, headers, body: len === undefined ? rest : rest.slice(0, Number(len)) };
}

/**
 * Sends `raw` bytes on a fresh socket and resolves with the first answer (or what arrived when the
 * server closed); `onSocket` gets the socket at once, to keep writing while the answer is awaited.
 */
export function rawRequest(
  port: number,
  raw: string | Buffer,
  onSocket?: (socket: Socket) => void,
): Promise<RawAnswer & { socket: Socket }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    onSocket?.(socket);
    let text = '';
    let done = false;
    const finish = () => {
      if (done) return;
      const a = parseAnswer(text);
      if (a) {
        done = true;
        resolve({ ...a, socket });
      }
    };
    socket.on('data', (b: Buffer) => {
      text += b.toString('latin1');
      finish();
    });
    socket.on('end', () => {
      finish();
      if (!done)
        reject(
          new Error(
            `connection closed without a full answer: ${JSON.stringify(text.slice(0, 200))}`,
          ),
        );
    });
    socket.on('error', (e) => {
      if (!done) reject(e);
    });
    socket.write(raw);
  });
}

/** A chunked body of one chunk. */
export const chunked = (body: string) =>
  `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`;

export interface Relay {
  port: number;
  url: string;
  /** One entry per TCP connection the gateway opened, with everything it sent on it. */
  connections: { sent: string }[];
  close(): Promise<void>;
}

/** A transparent TCP relay to `target` (host:port) that records each connection's bytes. */
export async function startRelay(targetUrl: string): Promise<Relay> {
  const target = new URL(targetUrl);
  const connections: { sent: string }[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const entry = { sent: '' };
    connections.push(entry);
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    client.on('data', (b: Buffer) => {
      entry.sent += b.toString('latin1');
      upstream.write(b);
    });
    upstream.on('data', (b: Buffer) => client.write(b));
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A bare graphql-transport-ws socket; resolves `closed` with the close code the server chose. */
export function rawWebSocket(
  url: string,
  headers: Record<string, string> = {},
): {
  ws: WebSocket;
  opened: Promise<void>;
  closed: Promise<{ code: number; reason: string }>;
  messages: unknown[];
} {
  const ws = new WebSocket(url, 'graphql-transport-ws', { headers });
  const messages: unknown[] = [];
  ws.on('message', (m) => messages.push(JSON.parse(text(m))));
  ws.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`upgrade refused with ${res.statusCode}`)),
    );
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  return { ws, opened, closed, messages };
}

/** Sends one graphql-ws operation on an acknowledged socket and resolves with its first answer. */
export async function wsOperation(
  url: string,
  query: string,
  connectionParams: Record<string, unknown> = {},
): Promise<{ type: string; payload?: unknown }> {
  const s = rawWebSocket(url);
  await s.opened;
  s.ws.send(JSON.stringify({ type: 'connection_init', payload: connectionParams }));
  const answer = new Promise<{ type: string; payload?: unknown }>((resolve) =>
    s.ws.on('message', (m) => {
      const msg = JSON.parse(text(m)) as { type: string; payload?: unknown };
      if (msg.type === 'connection_ack')
        s.ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      else if (msg.type === 'next' || msg.type === 'error') resolve(msg);
    }),
  );
  const first = await Promise.race([
    answer,
    s.closed.then((c) => ({ type: 'closed', payload: c })),
  ]);
  s.ws.close();
  return first;
}

/** Posts one signed `call.created` delivery for `callId` to the gateway's webhook route. */
export async function postWebhook(
  webhookUrl: string,
  privateKey: import('node:crypto').KeyObject,
  callId: string,
  extra: { title?: string; isPrivate?: boolean } = {},
): Promise<number> {
  const { signDelivery, webhookBody } = await import('../events/support.js');
  const body = webhookBody(callId, extra);
  const res = await fetch(webhookUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: await signDelivery({ privateKey, url: webhookUrl, body }),
    },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}
