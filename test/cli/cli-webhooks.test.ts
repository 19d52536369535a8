import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyWebhookSignature } from '../../src/index.js';
import { startCliServer, type CliServer } from '../support/cli-server.js';
import { json, runCli } from '../support/run-cli.js';
import { waitFor } from '../support/wait-for.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

let srv: CliServer;
let rx: WebhookReceiver;
before(async () => {
  srv = await startCliServer();
  rx = await startWebhookReceiver(() => 204);
});
after(async () => {
  await srv?.stop();
  await rx?.close();
});

const vsip = (...args: string[]) => runCli(args, srv.env);

test('vsip webhooks create | list | deliveries | redeliver | delete', async () => {
  const bad = await vsip('webhooks', 'create', 'ftp://example.com/x');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /url/);

  const created = await vsip('webhooks', 'create', rx.url, '--events', 'trunk.created,trunk.deleted', '--json');
  assert.equal(created.code, 0, created.stderr);
  const w = json<{ webhook_sid: string; secret: string; events: string[] }>(created);
  assert.deepEqual(w.events, ['trunk.created', 'trunk.deleted']);
  const listed = await vsip('webhooks', 'list');
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(w.webhook_sid));
  assert.ok(!listed.stdout.includes(w.secret), 'secret only at creation');

  const trunk = await vsip('trunks', 'create', 'hooked', '--json');
  assert.equal(trunk.code, 0, trunk.stderr);
  await waitFor(() => rx.received.length === 1, 15_000, 'trunk.created delivered');
  const first = rx.received[0]!;
  assert.ok(verifyWebhookSignature(w.secret, first.headers, first.body));
  assert.equal(JSON.parse(first.body).type, 'trunk.created');

  const log = await vsip('webhooks', 'deliveries', w.webhook_sid, '--json');
  assert.equal(log.code, 0, log.stderr);
  const [d] = json<Array<{ delivery_id: string; event_id: string; state: string }>>(log);
  assert.equal(d?.state, 'delivered');
  assert.equal(d?.event_id, first.headers['vsip-event-id']);
  const table = await vsip('webhooks', 'deliveries', w.webhook_sid);
  assert.match(table.stdout, /delivered/);

  const again = await vsip('webhooks', 'redeliver', w.webhook_sid, d!.delivery_id);
  assert.equal(again.code, 0, again.stderr);
  await waitFor(() => rx.received.length === 2, 15_000, 'redelivered');
  assert.equal(rx.received[1]?.headers['vsip-event-id'], d?.event_id, 'the same event id: the receiver de-duplicates');

  const del = await vsip('webhooks', 'delete', w.webhook_sid, '--json');
  assert.equal(del.code, 0, del.stderr);
  assert.deepEqual(json(await vsip('webhooks', 'list', '--json')), []);
});
