/**
 * A Gong client whose transport answers each request with the next literal answer and records
 * the requests: the contract tests feed Gong's documented and recorded bodies at the client's
 * transport edge.
 */
import { createGongClient } from '../../../src/gong/client.js';
import type { GongRequest, GongResponse, GongTransport } from '../../../src/gong/types.js';

export function gongAnswering(...answers: { status: number; body: unknown }[]) {
  const sent: GongRequest[] = [];
  const transport: GongTransport = {
    connectionRef: 'contract',
    request(req) {
      sent.push(req);
      const next = answers.shift();
      if (!next) throw new Error(`no answer left for ${req.method} ${req.path}`);
      const body = next.body as { requestId?: string };
      const res: GongResponse = {
        status: next.status,
        headers: { 'content-type': 'application/json' },
        body: next.body,
        ...(body?.requestId ? { requestId: body.requestId } : {}),
      };
      return Promise.resolve(res);
    },
  };
  return { client: createGongClient(transport), sent };
}
