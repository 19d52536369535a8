import { rmSync } from 'node:fs';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createAccountCli, serveClient, startServe, tempDir, type ServeProcess } from '../support/serve-process.js';
import { startWebhookReceiver } from '../support/webhook-receiver.js';
import { waitFor } from '../support/wait-for.js';

const FLAGS = [
  '--role',
  'api',
  '--webhook-poll-ms',
  '20',
  '--webhook-retry-base-ms',
  '50',
  '--webhook-retry-max-ms',
  '100',
];

test('kill -9 of vsip serve with events queued in the outbox, restart: every event is delivered', async () => {
  const dataDir = tempDir();
  const account = createAccountCli(dataDir);
  let up = false;
  const rx = await startWebhookReceiver(() => (up ? 200 : 503));
  let serve: ServeProcess | null = await startServe({ dataDir, args: FLAGS });
  try {
    const auth = `Basic ${Buffer.from(`${account.api_key}:${account.api_token}`).toString('base64')}`;
    const base = `${serve.api}/v2/accounts/${account.account_sid}`;
    const created = await fetch(`${base}/webhooks`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ url: rx.url }),
    });
    assert.equal(created.status, 200);
    const webhookSid = ((await created.json()) as { response: { data: { webhook_sid: string } } }).response.data
      .webhook_sid;
    const client = serveClient(serve, account);
    for (let i = 0; i < 5; i++) {
      await client.trunks.create({ trunk_name: `t${i}` });
    }
    const log = async (api: string) => {
      const r = await fetch(`${api}/v2/accounts/${account.account_sid}/webhooks/${webhookSid}/deliveries`, {
        headers: { authorization: auth },
      });
      return ((await r.json()) as { response: { data: Array<{ event_id: string; state: string }> } }).response.data;
    };
    const queued = await log(serve.api as string);
    assert.equal(queued.length, 5);
    await waitFor(() => rx.received.length >= 5, 10_000, 'first attempts failed');
    assert.ok(queued.every((d) => d.state !== 'delivered'));
    await serve.kill();
    serve = null;

    up = true;
    serve = await startServe({ dataDir, args: FLAGS });
    const ids = queued.map((d) => d.event_id).sort();
    await waitFor(() => new Set(rx.acceptedIds()).size === 5, 20_000, 'every event delivered after restart');
    assert.deepEqual([...rx.acceptedIds()].sort(), ids, 'each event accepted exactly once, none lost');
    await waitFor(async () => (await log(serve?.api as string)).every((d) => d.state === 'delivered'), 10_000);
  } finally {
    await serve?.stop();
    await rx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
