import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { SERVE_OPTIONS } from '../../src/config/options.js';
import { REPO_ROOT, tempDir } from '../support/serve-process.js';

const DEPLOY = join(REPO_ROOT, 'deploy');
/** Every variable `vsip serve` reads: the option table's plus the secret key (environment only). */
const VSIP_ENV = new Set<string>([...SERVE_OPTIONS.map((o) => o.env), 'VSIP_SECRET_KEY']);
const DEFAULT_OF = (env: string): string | null => SERVE_OPTIONS.find((o) => o.env === env)?.default ?? null;

function hasBinary(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

describe('deploy/systemd/vsip.service', () => {
  const unit = readFileSync(join(DEPLOY, 'systemd/vsip.service'), 'utf8');

  test('systemd-analyze verify accepts it without a warning', { skip: !hasBinary('systemd-analyze') }, () => {
    const copy = join(tempDir(), 'vsip.service');
    copyFileSync(join(DEPLOY, 'systemd/vsip.service'), copy);
    const r = spawnSync('systemd-analyze', ['verify', copy], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    // Unknown keys and bad values are only warnings: none is allowed.
    assert.equal(r.stderr.trim(), '', r.stderr);
  });

  test('its sandbox rates "OK" or better in systemd-analyze security', { skip: !hasBinary('systemd-analyze') }, () => {
    const copy = join(tempDir(), 'vsip.service');
    copyFileSync(join(DEPLOY, 'systemd/vsip.service'), copy);
    // --threshold is out of 100: exposure above 2.0 of 10 fails.
    const r = spawnSync('systemd-analyze', ['security', '--offline=true', '--threshold=20', copy], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stdout.split('\n').slice(-3).join('\n'));
  });

  test('runs unprivileged, drains on SIGTERM, and sets only variables vsip reads', () => {
    assert.match(unit, /^DynamicUser=yes$/m);
    assert.match(unit, /^NoNewPrivileges=yes$/m);
    assert.match(unit, /^CapabilityBoundingSet=$/m);
    assert.match(unit, /^KillSignal=SIGTERM$/m);
    const env = [...unit.matchAll(/^Environment=(.*)$/gm)].flatMap((m) => (m[1] as string).split(/\s+/));
    for (const pair of env) assert.ok(VSIP_ENV.has(pair.split('=')[0] as string), pair);
  });
});

describe('deploy/Dockerfile', () => {
  const lines = readFileSync(join(DEPLOY, 'Dockerfile'), 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'));
  const lastStage = lines.slice(lines.findLastIndex((l) => l.startsWith('FROM ')));

  test('the image runs as a non-root user and has a HEALTHCHECK on the ops port', () => {
    const user = lastStage.findLast((l) => l.startsWith('USER '));
    assert.ok(user && !/^USER\s+(root|0)\b/.test(user), `USER: ${user}`);
    const health = lastStage.find((l) => l.startsWith('HEALTHCHECK '));
    assert.ok(health, 'no HEALTHCHECK');
    assert.match(health, /VSIP_OPS_PORT.*\/ready/);
  });

  test('ENV sets only variables vsip reads, and EXPOSE lists the ports they configure', () => {
    const env = Object.fromEntries(
      lastStage
        .filter((l) => l.startsWith('ENV '))
        .flatMap((l) => l.slice(4).trim().split(/\s+/))
        .map((pair) => pair.split('=') as [string, string]),
    );
    for (const name of Object.keys(env)) if (name !== 'NODE_ENV') assert.ok(VSIP_ENV.has(name), name);
    assert.ok(env.VSIP_OPS_PORT, 'the HEALTHCHECK needs VSIP_OPS_PORT');
    const exposed = new Set(lastStage.filter((l) => l.startsWith('EXPOSE ')).flatMap((l) => l.split(/\s+/).slice(1)));
    const port = (name: string) => env[name] ?? DEFAULT_OF(name);
    for (const p of [`${port('VSIP_API_PORT')}/tcp`, `${port('VSIP_OPS_PORT')}/tcp`, `${port('VSIP_SIPS_PORT')}/tcp`])
      assert.ok(exposed.has(p), `EXPOSE lacks ${p}`);
    for (const name of ['VSIP_SIP_PORT', 'VSIP_CARRIER_PORT'])
      for (const proto of ['udp', 'tcp'])
        assert.ok(exposed.has(`${port(name)}/${proto}`), `EXPOSE lacks ${name}/${proto}`);
  });

  test('it starts the CLI that the build stage compiles', () => {
    assert.ok(lastStage.some((l) => l.includes('/app/dist/src/cli/main.js')));
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: { vsip: string } };
    assert.equal(pkg.bin.vsip, 'dist/src/cli/main.js');
    assert.ok(existsSync(join(REPO_ROOT, '.dockerignore')));
  });
});

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, unknown> | string[];
}

describe('deploy/compose.yaml (no Docker engine here: parsed and checked against vsip flags)', () => {
  const compose = parse(readFileSync(join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const services = compose.services;
  const vsipNodes = Object.entries(services).filter(([, s]) => s.image === 'vsip:local');

  test('PostgreSQL, one API node, two SIP nodes, Prometheus and Grafana', () => {
    const roles = vsipNodes.map(([, s]) => s.environment?.VSIP_ROLE).sort();
    assert.deepEqual(roles, ['api', 'sip', 'sip']);
    for (const name of ['postgres', 'prometheus', 'grafana']) assert.ok(services[name], `no ${name} service`);
  });

  test('every vsip node: known variables, the same store and key, built from deploy/Dockerfile', () => {
    const pg = services.postgres?.environment ?? {};
    const keys = new Set<string>();
    for (const [name, s] of vsipNodes) {
      const env = s.environment ?? {};
      for (const key of Object.keys(env)) assert.ok(VSIP_ENV.has(key), `${name}: ${key} is not a vsip variable`);
      const url = new URL(env.VSIP_DATABASE_URL ?? '');
      assert.equal(url.hostname, 'postgres', name);
      assert.equal(url.username, pg.POSTGRES_USER);
      assert.equal(decodeURIComponent(url.password), pg.POSTGRES_PASSWORD);
      assert.equal(url.pathname, `/${pg.POSTGRES_DB}`);
      keys.add(env.VSIP_SECRET_KEY ?? '');
      assert.ok(env.VSIP_OPS_PORT, `${name} has no ops port for Prometheus`);
      assert.equal(s.build?.dockerfile, 'deploy/Dockerfile');
      assert.ok(existsSync(join(DEPLOY, s.build?.context ?? '', s.build?.dockerfile ?? '')));
      assert.ok(s.depends_on && 'postgres' in s.depends_on, `${name} must wait for postgres`);
    }
    assert.equal(keys.size, 1, 'every node must share one VSIP_SECRET_KEY');
    assert.match([...keys][0] as string, /^\$\{VSIP_SECRET_KEY:\?/);
  });

  test('published ports are the ports each node listens on, SIP ports unmapped and never shared', () => {
    const taken = new Set<string>();
    for (const [name, s] of vsipNodes) {
      const env = s.environment ?? {};
      const listens = new Set(
        ['VSIP_API_PORT', 'VSIP_SIP_PORT', 'VSIP_SIPS_PORT', 'VSIP_CARRIER_PORT']
          .filter((k) => (k === 'VSIP_API_PORT' ? env.VSIP_ROLE !== 'sip' : env.VSIP_ROLE !== 'api'))
          .map((k) => env[k] ?? DEFAULT_OF(k)),
      );
      for (const spec of s.ports ?? []) {
        const m = /^(?:[\d.]+:)?(\d+):(\d+)\/(udp|tcp)$/.exec(spec);
        assert.ok(m, `${name}: ${spec}`);
        const [, host, inner, proto] = m;
        assert.ok(listens.has(inner as string), `${name} publishes ${inner}, which it does not listen on`);
        // Via and Record-Route name the listening port: the host must publish that same port.
        assert.equal(host, inner, `${name}: ${spec}`);
        assert.ok(!taken.has(`${host}/${proto}`), `${host}/${proto} published twice`);
        taken.add(`${host}/${proto}`);
      }
      if (env.VSIP_ROLE === 'sip') {
        assert.ok(env.VSIP_SIP_ADVERTISE, `${name}: a SIP node behind Docker NAT must advertise the public address`);
        for (const p of [env.VSIP_SIP_PORT, env.VSIP_CARRIER_PORT])
          for (const proto of ['udp', 'tcp']) assert.ok(taken.has(`${p}/${proto}`), `${name}: ${p}/${proto}`);
      }
    }
  });

  test('Prometheus scrapes each node on its ops port; Grafana gets the datasource and the dashboard', () => {
    const prom = parse(readFileSync(join(DEPLOY, 'prometheus/prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = prom.scrape_configs.flatMap((c) => c.static_configs.flatMap((sc) => sc.targets)).sort();
    const expected = vsipNodes.map(([name, s]) => `${name}:${s.environment?.VSIP_OPS_PORT}`).sort();
    assert.deepEqual(targets, expected);
    if (hasBinary('promtool')) execFileSync('promtool', ['check', 'config', join(DEPLOY, 'prometheus/prometheus.yml')]);
    for (const [name, s] of Object.entries(services))
      for (const v of s.volumes ?? []) {
        const source = v.split(':')[0] as string;
        if (source.startsWith('./')) assert.ok(existsSync(join(DEPLOY, source)), `${name} mounts missing ${source}`);
      }
    const grafana = services.grafana?.volumes ?? [];
    assert.ok(grafana.some((v) => v.startsWith('./grafana/vsip.json:')));
  });
});
