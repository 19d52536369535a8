#!/usr/bin/env node
// Runs every compiled test file under dist/test with node:test.
// `npm test -- sip/codec` runs only the test files whose path contains one of the given words.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...findTests(path));
    else if (entry.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
const files = findTests('dist/test')
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  // A hung test fails after 2 minutes instead of stalling CI; --test-force-exit ends a file whose
  // test left a handle open.
  ['--test', '--test-concurrency=2', '--test-timeout=120000', '--test-force-exit', '--test-reporter=spec', ...files],
  { stdio: 'inherit', env: { ...process.env, VSIP_LOG_LEVEL: process.env.VSIP_LOG_LEVEL ?? 'silent' } },
);
process.exit(result.status ?? 1);
