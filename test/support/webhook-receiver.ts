/**
 * A real HTTP webhook receiver on 127.0.0.1 for tests. `behave` decides, per request in arrival
 * order, whether to answer with a status or hang (never answer: the sender's timeout is tested).
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered: a status, or `hang`. */
  answer: number | 'hang';
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Event ids of requests answered 2xx, in order (a repeated id is a duplicate delivery). */
  acceptedIds(): string[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  behave: (n: number) => number | 'hang' = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const hanging: ServerResponse[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = behave(received.length);
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answer });
      if (answer === 'hang') {
        hanging.push(res);
        return;
      }
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    acceptedIds: () =>
      received
        .filter((r) => typeof r.answer === 'number' && r.answer < 300)
        .map((r) => String(r.headers['vsip-event-id'])),
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
