import type { MediaCall } from '../media/media-call.js';
import { byeBothLegs } from './answered-dialog.js';
import type { CallState } from './call-record.js';
import type { ProxyDeps } from './proxy-deps.js';

/** The last RTP of a call as rtpengine saw it (ms), or null when it could not be asked. */
async function lastRtpAt(media: MediaCall): Promise<number | null> {
  const reply = await media.query().catch(() => null);
  if (reply === null) return null;
  const f = media.facts(reply);
  return Math.max(f.pbx.lastPacket ?? 0, f.carrier.lastPacket ?? 0) * 1000;
}

/**
 * `--media-timeout`: every `everyMs` the answered, anchored calls that are older than the timeout
 * are asked for their last RTP; one without any for that long is hung up with a BYE to each party
 * and logged as `media_timeout` (a PBX that crashed, a network that dropped, a call left on hold
 * with no RTP at all). A call whose last RTP was at L cannot time out before L + timeout, so it is
 * not asked again until then: a call with audio costs one query per timeout, not one per check.
 * Returns the stop function.
 */
export function watchMedia(proxy: ProxyDeps, timeoutMs: number, everyMs: number): () => void {
  let running = false;
  const notBefore = new WeakMap<CallState, number>();
  const check = async (): Promise<void> => {
    const now = Date.now();
    const due: CallState[] = [];
    for (const call of proxy.dialogs.calls()) {
      if (call.answeredAt === null) continue;
      if (now - call.answeredAt < timeoutMs) break; // answer order: the rest are younger
      if (call.media != null && call.dialog !== undefined && (notBefore.get(call) ?? 0) <= now) due.push(call);
    }
    await Promise.all(
      due.map(async (call) => {
        const last = await lastRtpAt(call.media as MediaCall);
        if (last === null || call.dialog === undefined) return;
        const quietSince = Math.max(last, call.answeredAt ?? 0);
        if (Date.now() - quietSince < timeoutMs) {
          notBefore.set(call, quietSince + timeoutMs);
          return;
        }
        if (proxy.dialogs.get(call.callId) !== call) return; // ended meanwhile
        byeBothLegs(call.dialog, call.callId, proxy.signer);
        proxy.dialogs.end(call.callId, 200, 'media_timeout');
      }),
    );
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    void check().finally(() => {
      running = false;
    });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
