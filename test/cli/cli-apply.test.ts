import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { startCliServer, type CliServer } from '../support/cli-server.js';
import { json, runCli } from '../support/run-cli.js';

let srv: CliServer;
before(async () => {
  srv = await startCliServer();
});
after(async () => {
  await srv?.stop();
});

const vsip = (...args: string[]) => runCli(args, srv.env, { timeoutMs: 60_000 });

const FILE = `
trunks:
  - name: sales
    max_concurrent_calls: 10
    numbers:
      - "+91 98765 43210"
      - number: "+14155550123"
        mode: flow
    ips: ["203.0.113.7", "198.51.100.0/24"]
    destinations:
      - "PBX.example.com:5061;transport=TLS"
      - destination: "10.0.0.9:5060;transport=tcp"
        priority: 2
        weight: 5
    settings:
      trunk_external_alias: "+919876543210"
  - name: backup
    status: inactive
    numbers: ["+14155550124"]
`;

test('vsip apply: plan, apply, apply again changes nothing, export | apply round-trips, --prune', async () => {
  const kept = json(await vsip('trunks', 'create', 'handmade', '--json')).trunk_sid as string;
  const file = join(srv.dataDir, 'trunks.yaml');
  writeFileSync(file, FILE);

  const dry = await vsip('apply', '-f', file, '--dry-run');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /^\+ trunk sales$/m);
  assert.match(dry.stdout, /^\+ trunk sales: number \+14155550123 \(flow\)$/m);
  assert.match(dry.stdout, /^\+ trunk sales: ip 203\.0\.113\.7\/32$/m);
  assert.match(
    dry.stdout,
    /^\+ trunk sales: destination pbx\.example\.com:5061;transport=tls \(priority 1, weight 1\)$/m,
  );
  assert.match(dry.stdout, /^~ trunk sales: setting trunk_external_alias = \+919876543210$/m);
  assert.doesNotMatch(dry.stdout, /handmade/, 'no prune: other trunks are left alone');
  assert.deepEqual(
    json(await vsip('trunks', 'list', '--json')).map((t: any) => t.trunk_name),
    ['handmade'],
    'a dry run changes nothing',
  );

  const applied = await vsip('apply', '-f', file);
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /Applied \d+ changes\.$/m);
  const again = await vsip('apply', '-f', file);
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout.trim(), 'No changes: the account matches the file.');

  const exported = await vsip('export');
  assert.equal(exported.code, 0, exported.stderr);
  const doc = parse(exported.stdout);
  const sales = doc.trunks.find((t: any) => t.name === 'sales');
  assert.equal(sales.max_concurrent_calls, 10);
  assert.deepEqual(sales.numbers.sort(), ['+919876543210', { number: '+14155550123', mode: 'flow' }].sort());
  assert.equal(doc.trunks.find((t: any) => t.name === 'backup').status, 'inactive');
  const exportFile = join(srv.dataDir, 'exported.yaml');
  writeFileSync(exportFile, exported.stdout);
  const roundTrip = await vsip('apply', '-f', exportFile);
  assert.equal(roundTrip.stdout.trim(), 'No changes: the account matches the file.', roundTrip.stdout);
  const asJson = await vsip('export', '--format', 'json');
  assert.deepEqual(JSON.parse(asJson.stdout), doc);

  // Change the file: a number gone, a mode and a limit changed, an IP gone.
  const edited = FILE.replace('      - "+91 98765 43210"\n', '')
    .replace('mode: flow', 'mode: pstn')
    .replace('max_concurrent_calls: 10', 'max_concurrent_calls: 20')
    .replace(', "198.51.100.0/24"', '');
  writeFileSync(file, edited);
  const plan = await vsip('apply', '-f', file, '--dry-run');
  assert.match(plan.stdout, /^~ trunk sales: max_concurrent_calls: 10 → 20$/m);
  assert.match(plan.stdout, /^~ trunk sales: number \+14155550123: mode flow → pstn$/m);
  assert.doesNotMatch(plan.stdout, /^- /m, 'nothing removed without --prune');
  const pruned = await vsip('apply', '-f', file, '--prune', '--dry-run');
  assert.match(pruned.stdout, /^- trunk sales: number \+919876543210$/m);
  assert.match(pruned.stdout, /^- trunk sales: ip 198\.51\.100\.0\/24$/m);
  assert.match(pruned.stdout, /^- trunk handmade \(and everything under it\)$/m);
  assert.equal((await vsip('apply', '-f', file, '--prune')).code, 0);
  assert.equal((await vsip('apply', '-f', file, '--prune')).stdout.trim(), 'No changes: the account matches the file.');
  const names = json(await vsip('trunks', 'list', '--json')).map((t: any) => t.trunk_name);
  assert.deepEqual(names.sort(), ['backup', 'sales']);
  assert.ok(!names.includes(kept));

  const bad = join(srv.dataDir, 'bad.yaml');
  writeFileSync(bad, 'trunks:\n  - name: x\n    colour: red\n');
  const refused = await vsip('apply', '-f', bad);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /trunks\[0\]\.colour: unknown field/);
});
