/**
 * Two real `vsip serve` processes on one PostgreSQL: sipp as a PBX registers over TCP with node A;
 * a carrier call (sipp, from loopback: the embedded simulator's carrier range) enters node B and
 * is relayed through node A over the PBX's connection; ACK and BYE take the same way.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { startPostgres } from '../support/postgres.js';
import { createAccountCli, serveClient, startServe, tempDir } from '../support/serve-process.js';
import { runSipp, SIPP_DIR, startSipp } from '../support/sipp.js';
import { waitFor } from '../support/wait-for.js';

const NUMBER = '+919800000601';

test('two nodes on one PostgreSQL: a call entering node B reaches the PBX registered over TCP on node A', async () => {
  const pg = await startPostgres();
  after(() => pg.stop());
  const url = await pg.newDatabase();
  const env = { VSIP_SECRET_KEY: randomBytes(32).toString('hex'), VSIP_DATABASE_URL: url };
  const account = createAccountCli(tempDir(), env);
  const nodeA = await startServe({ dataDir: tempDir(), env });
  after(() => nodeA.stop());
  const nodeB = await startServe({ dataDir: tempDir(), env });
  after(() => nodeB.stop());
  const api = serveClient(nodeA, account);
  const { trunk_sid: trunk } = await api.trunks.create({
    trunk_name: 'relay',
    auth_type: 'credentials',
    registration_enabled: true,
  });
  await api.phoneNumbers.add(trunk, { phone_number: NUMBER });
  const { password } = await api.credentials.get(trunk);
  const port = (n: typeof nodeA, side: string, protocol: string): number =>
    n.sip.find((a) => a.side === side && a.protocol === protocol)?.port ?? 0;

  const pbx = startSipp({
    scenario: 'pbx-register.xml',
    remote: `127.0.0.1:${port(nodeA, 'access', 'tcp')}`,
    localIp: '127.0.0.1',
    transport: 'tcp',
    service: trunk,
    keys: { domain: `${account.account_sid}.pstn.exotel.com` },
    timeoutSeconds: 30,
    extra: ['-au', trunk, '-ap', password, '-oocsf', join(SIPP_DIR, 'carrier-answer.xml')],
  });
  try {
    await waitFor(
      async () => (await api.registrations.list(trunk)).items.some((r) => r.transport === 'tcp'),
      15_000,
      'the PBX registered with node A',
    );
    // Node B must know the trunk's number before the call (its snapshot follows the store).
    const carrier = await waitFor(
      async () => {
        const r = await runSipp({
          scenario: 'pbx-call.xml',
          remote: `127.0.0.1:${port(nodeB, 'carrier', 'udp')}`,
          localIp: '127.0.0.3',
          service: NUMBER,
          keys: { caller: '+14155550100', host: '127.0.0.1' },
          timeoutSeconds: 15,
        });
        return r.code === 0 ? r : null;
      },
      40_000,
      'a call through node B answered by the PBX on node A',
    );
    assert.ok(carrier);
    // Node B recorded the call under the trunk, answered, its destination the contact via node A.
    const answered = await waitFor(
      async () =>
        (await api.calls.list(trunk)).items.find((c) => c.final_code === 200 && /via node/.test(c.destination ?? '')),
      10_000,
      'the call record of node B',
    );
    assert.match(answered.destination ?? '', /registered from 127\.0\.0\.1:\d+ over TCP\) via node /);
  } finally {
    pbx.kill();
    await pbx.done;
  }
});
