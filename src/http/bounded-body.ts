/**
 * Reads a request body with three bounds: its size, the silence between two chunks and its total
 * time. Without the last two a client sending 1 byte every 2 s held a buffer for the server's
 * 30-minute request timeout. Never throws: each way a read can end is a typed result, so the
 * route answers 413, 408 or, for a client that went away, nothing at all.
 */
import type { IncomingMessage } from 'node:http';

export interface BodyLimits {
  maxBytes: number;
  /** Longest silence between two chunks. */
  idleMs: number;
  /** Longest time for the whole body. */
  totalMs: number;
}

export type BodyRead =
  { ok: true; body: Buffer } | { ok: false; reason: 'too_large' | 'timeout' | 'aborted' };

export function readBoundedBody(req: IncomingMessage, limits: BodyLimits): Promise<BodyRead> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBytes)
    return Promise.resolve({ ok: false, reason: 'too_large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (r: BodyRead) => {
      clearTimeout(idle);
      clearTimeout(total);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('close', onClose);
      req.off('error', onClose);
      resolve(r);
    };
    const onData = (c: Buffer) => {
      idle.refresh();
      size += c.length;
      if (size > limits.maxBytes) return finish({ ok: false, reason: 'too_large' });
      chunks.push(c);
    };
    const onEnd = () => finish({ ok: true, body: Buffer.concat(chunks) });
    const onClose = () => finish({ ok: false, reason: 'aborted' });
    const idle = setTimeout(() => finish({ ok: false, reason: 'timeout' }), limits.idleMs);
    const total = setTimeout(() => finish({ ok: false, reason: 'timeout' }), limits.totalMs);
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('close', onClose);
    req.once('error', onClose);
  });
}
