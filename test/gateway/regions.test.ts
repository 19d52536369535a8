import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VsipApiError } from '../../src/client/vsip-api-error.js';
import { ApiClient } from '../support/api-client.js';
import { startHarness } from '../support/gateway-harness.js';

test('GET /gateways lists the addresses of the nodes up, per region; edge_preference must name one', async (t) => {
  const mumbai = await startHarness({
    flags: { region: 'mumbai', publicApiUrl: 'https://api.in.example.com', sipAdvertise: '203.0.113.7' },
  });
  const api = await ApiClient.create(mumbai);
  t.after(async () => {
    await api.close();
    await mumbai.close();
  });
  const one = await api.client.gateways();
  assert.equal(one.length, 1);
  assert.equal(one[0]?.region, 'mumbai');
  assert.equal(one[0]?.api_url, 'https://api.in.example.com');
  assert.equal(one[0]?.nodes, 1);
  const ports = (p: 'udp' | 'tcp' | 'tls') => mumbai.access(p).port;
  assert.deepEqual(
    one[0]?.signalling,
    [
      { transport: 'udp', address: '203.0.113.7', port: ports('udp') },
      { transport: 'tcp', address: '203.0.113.7', port: ports('tcp') },
      { transport: 'tls', address: '203.0.113.7', port: ports('tls') },
    ],
    'the advertised (public) address with each access listener',
  );

  // A second SIP node, in another region, on the same store: it joins, then leaves.
  const singapore = await startHarness({ store: mumbai.store, flags: { region: 'singapore' } });
  const two = await api.client.gateways();
  assert.deepEqual(
    two.map((r) => [r.region, r.nodes]),
    [
      ['mumbai', 1],
      ['singapore', 1],
    ],
  );
  const trunk = await api.createTrunk('edge', { edge_preference: 'singapore' });
  // The trunk's own data shows its region's addresses.
  type Gw = { region: string; signalling: Array<{ transport: string; port: number }> } | null;
  const gatewayOf = async () => (await api.client.trunks.get(trunk)).gateway as Gw;
  const sg = await gatewayOf();
  assert.equal(sg?.region, 'singapore');
  assert.equal(sg?.signalling.find((a) => a.transport === 'tcp')?.port, singapore.access('tcp').port);
  await api.updateTrunk(trunk, { edge_preference: 'mumbai' });
  assert.equal((await gatewayOf())?.signalling.find((a) => a.transport === 'tcp')?.port, ports('tcp'));
  await singapore.close();
  assert.deepEqual(
    (await api.client.gateways()).map((r) => r.region),
    ['mumbai'],
    'a node that stopped is gone',
  );

  for (const bad of ['singapore', 'atlantis']) {
    await assert.rejects(api.updateTrunk(trunk, { edge_preference: bad }), (err: unknown) => {
      assert.ok(err instanceof VsipApiError);
      assert.equal(err.httpStatus, 400);
      assert.match(
        err.description,
        new RegExp(`^edge_preference: "${bad}" is not a known region; expected one of mumbai`),
      );
      return true;
    });
  }
  await api.updateTrunk(trunk, { edge_preference: null });
  assert.equal((await gatewayOf())?.region, 'mumbai', "no preference: the API's own region");
});
