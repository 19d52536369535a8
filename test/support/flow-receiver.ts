/**
 * A real HTTP call-routing webhook on 127.0.0.1 for flow-mode tests. `answer` decides each request
 * from its parsed body: a JSON answer (200), a status and raw body, or `hang` (never answer).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FlowReply =
  | { json: unknown }
  | { status: number; body?: string; headers?: Record<string, string> }
  | 'hang';

export interface FlowRequest {
  headers: IncomingHttpHeaders;
  raw: Buffer;
  body: { type: string; account_sid: string; trunk_sid: string; data: Record<string, unknown> };
}

export interface FlowReceiver {
  url: string;
  received: FlowRequest[];
  /** What the next requests get. */
  answer: (r: FlowRequest) => FlowReply;
  close(): Promise<void>;
}

export async function startFlowReceiver(answer: (r: FlowRequest) => FlowReply): Promise<FlowReceiver> {
  const hanging: ServerResponse[] = [];
  const rx: FlowReceiver = {
    url: '',
    received: [],
    answer,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const r: FlowRequest = { headers: req.headers, raw, body: JSON.parse(raw.toString('utf8')) };
      rx.received.push(r);
      const reply = rx.answer(r);
      if (reply === 'hang') {
        hanging.push(res);
        return;
      }
      if ('json' in reply) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply.json));
        return;
      }
      res.writeHead(reply.status, reply.headers ?? {}).end(reply.body ?? '');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  rx.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/route`;
  return rx;
}
