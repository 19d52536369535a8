import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
const num = (i: number) => `+1415${String(6_000_000 + i).padStart(7, '0')}`;

test('vsip numbers import: a file longer than one request, partial failures by file line, export', async () => {
  const trunk = json(await vsip('trunks', 'create', 'imp_one', '--json')).trunk_sid as string;
  const other = json(await vsip('trunks', 'create', 'imp_two', '--json')).trunk_sid as string;
  assert.equal((await vsip('numbers', 'add', other, num(1500))).code, 0);
  const lines = ['phone_number,mode'];
  for (let i = 0; i < 2100; i++)
    lines.push(i === 1500 ? `${num(i)},pstn` : i === 2050 ? 'garbage,pstn' : `${num(i)},flow`);
  const file = join(srv.dataDir, 'numbers.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);

  const r = await vsip('numbers', 'import', trunk, file);
  assert.equal(r.code, 1, 'some failed');
  assert.match(r.stdout, /^Mapped 2098 of 2100 numbers to trunk /);
  assert.match(r.stdout, /already mapped/);
  assert.match(r.stdout, /line 2052\.phone_number: "garbage"/, r.stdout);

  const exported = await vsip('numbers', 'export', trunk);
  assert.equal(exported.code, 0, exported.stderr);
  const rows = exported.stdout.trim().split('\r\n');
  assert.equal(rows.length, 2099);
  assert.match(rows[1] ?? '', new RegExp(`^\\d+,\\${num(0)},flow,`));

  // The export imports as is: into a fresh trunk once the numbers are free; all-or-nothing here fails whole.
  const again = join(srv.dataDir, 'again.csv');
  writeFileSync(again, exported.stdout);
  const all = await vsip('numbers', 'import', other, again, '--all-or-nothing', '--json');
  assert.equal(all.code, 1);
  assert.equal(json(all).mapped, 0);
});
