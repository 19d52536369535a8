#!/usr/bin/env node
// Brings what the test suite needs, so that `npm test` alone works on a fresh clone:
// npm packages (when node_modules is missing), sipp and baresip (apt, when root), then the TypeScript build.
import { execSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';

const run = (cmd) => execSync(cmd, { stdio: 'inherit' });
const has = (bin) => {
  try {
    execSync(`command -v ${bin}`, { stdio: 'ignore', shell: '/bin/sh' });
    return true;
  } catch {
    return false;
  }
};

if (!existsSync('node_modules/.package-lock.json')) {
  console.log('pretest: installing npm packages (npm ci)');
  run('npm ci');
}

// The real peers of the interop tests: sipp (PBX, carrier, load), baresip (a softphone), chromium
// (the console's browser tests), dnsmasq (the DNS server of the RFC 3263 carrier tests) and
// rtpengine (the media engine), promtool (Debian prometheus: the metrics names check),
// openssl (a webhook signature computed by hand).
const packages = {
  sipp: 'sip-tester',
  baresip: 'baresip',
  chromium: 'chromium',
  dnsmasq: 'dnsmasq',
  rtpengine: 'rtpengine-daemon',
  promtool: 'prometheus',
  openssl: 'openssl',
};
const missing = Object.keys(packages).filter((bin) => !has(bin));
if (missing.length > 0) {
  const debs = missing.map((bin) => packages[bin]).join(' ');
  if (process.getuid?.() === 0 && has('apt-get')) {
    console.log(`pretest: installing ${debs} with apt-get`);
    run(`apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${debs}`);
  } else {
    console.error(
      `pretest: ${missing.join(' and ')} not installed; run as root or \`sudo apt-get install ${debs}\`. SIP interop ` +
        `tests will fail.`,
    );
  }
}

// A clean build: compiled files of deleted sources must not linger in dist/ and run as tests.
rmSync('dist', { recursive: true, force: true });
run('npx tsc -p tsconfig.json');
// The web console (console/ → dist/console), served by `vsip serve` and driven by test/console.
run('npx vite build --config console/vite.config.ts');
