/**
 * Kamailio 5.6 as the reference proxy of bench/media: the same sipp UAC and UAS, the same rtpengine.
 * One Kamailio with two UDP sockets: calls to `plainPort` are relayed signalling-only, calls to
 * `anchorPort` get rtpengine_offer on the INVITE, rtpengine_answer on SDP replies and
 * rtpengine_delete on BYE or a failed INVITE (three ng commands per call, as vsip sends). No policy
 * beyond Max-Forwards and Record-Route: what is measured is the relay and the media control.
 * A bench-only tool (`apt-get install kamailio`), never a test dependency.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MODULES = ['/usr/lib/x86_64-linux-gnu/kamailio/modules', '/usr/lib/kamailio/modules'];

export function findKamailio(): string | null {
  for (const f of ['/usr/sbin/kamailio', '/usr/bin/kamailio', '/usr/local/sbin/kamailio']) if (existsSync(f)) return f;
  return null;
}

export interface KamailioProxy {
  child: ChildProcess;
  /** The end of its stderr (start-up errors). */
  tail(): string;
  /** Every process of the Kamailio tree (it forks its workers), for their CPU. */
  pids(): number[];
  stop(): Promise<void>;
}

function config(o: { plainPort: number; anchorPort: number; ngPort: number; uasPort: number; mpath: string }): string {
  const media = 'trust-address replace-origin replace-session-connection';
  return `#!KAMAILIO
debug=-1
log_stderror=yes
fork=yes
children=2
auto_aliases=no
listen=udp:127.0.0.1:${o.plainPort}
listen=udp:127.0.0.1:${o.anchorPort}
mpath="${o.mpath}"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "rtpengine.so"
modparam("rtpengine", "rtpengine_sock", "udp:127.0.0.1:${o.ngPort}")

request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (has_totag()) {
    if (loose_route()) {
      if (is_method("BYE") && $Rp == ${o.anchorPort}) rtpengine_delete();
      t_relay();
      exit;
    }
    if (is_method("ACK") && t_check_trans()) t_relay();
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (!is_method("INVITE")) { sl_send_reply("405", "Method Not Allowed"); exit; }
  record_route();
  if ($Rp == ${o.anchorPort}) {
    rtpengine_offer("${media} ICE=remove");
    t_on_reply("ANCHORED");
    t_on_failure("ANCHOR_FAILED");
  }
  $du = "sip:127.0.0.1:${o.uasPort}";
  t_relay();
  exit;
}

onreply_route[ANCHORED] {
  if (has_body("application/sdp")) rtpengine_answer("${media}");
}

failure_route[ANCHOR_FAILED] {
  rtpengine_delete();
}
`;
}

export async function startKamailio(o: {
  binary: string;
  plainPort: number;
  anchorPort: number;
  ngPort: number;
  uasPort: number;
}): Promise<KamailioProxy> {
  const mpath = MODULES.find((d) => existsSync(join(d, 'rtpengine.so')));
  if (mpath === undefined) throw new Error('kamailio rtpengine.so not found');
  const dir = mkdtempSync(join(tmpdir(), 'vsip-bench-kamailio-'));
  const cfg = join(dir, 'kamailio.cfg');
  writeFileSync(cfg, config({ ...o, mpath }));
  let tail = '';
  // -DD: no daemonizing, but still forking workers; -E: log to stderr; -P/-Y: runtime files in our own dir.
  const child = spawn(
    o.binary,
    ['-f', cfg, '-DD', '-E', '-m', '256', '-M', '16', '-P', join(dir, 'k.pid'), '-Y', dir, '-w', dir],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    tail = (tail + c).slice(-4000);
  });
  const pids = (): number[] => {
    // Kamailio's workers are children of its main process.
    const out = [child.pid as number];
    for (const d of readdirSync('/proc')) {
      if (!/^\d+$/.test(d)) continue;
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === child.pid) out.push(Number(d));
      } catch {
        /* gone */
      }
    }
    return out;
  };
  const proxy = { child, pids, stop: () => stopChild(child), tail: () => tail };
  try {
    await answersOptions(o.plainPort, () => child.exitCode !== null);
  } catch (err) {
    await proxy.stop();
    throw new Error(`kamailio did not start: ${(err as Error).message}\n${tail.trim()}`);
  }
  return proxy;
}

/** Resolves once something on 127.0.0.1:`port` answers an OPTIONS (our route answers 405). */
async function answersOptions(port: number, gone: () => boolean): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const local = s.address().port;
  const msg = Buffer.from(
    `OPTIONS sip:ping@127.0.0.1:${port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${local};branch=z9hG4bKping\r\n` +
      `From: <sip:bench@127.0.0.1>;tag=1\r\nTo: <sip:ping@127.0.0.1>\r\nCall-ID: ping-${local}\r\n` +
      'CSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n',
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 10_000;
      s.on('message', () => resolve());
      const again = (): void => {
        if (gone()) return reject(new Error('exited'));
        if (Date.now() > deadline) return reject(new Error('no answer to OPTIONS'));
        s.send(msg, port, '127.0.0.1');
        t = setTimeout(again, 200);
      };
      let t = setTimeout(again, 0);
      s.once('message', () => clearTimeout(t));
    });
  } finally {
    s.close();
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(t);
}
