import { Counter, Gauge, type Registry } from 'prom-client';
import type { MediaAnchor } from './media-anchor.js';

/**
 * The media plane in /metrics: whether media is anchored, rtpengine sessions open, RTP packets
 * rtpengine received per party (counted when calls end), and failed ng commands. Plain fields read
 * at scrape time.
 */
export function registerMediaMetrics(registry: Registry, media: MediaAnchor | null): void {
  new Gauge({
    name: 'vsip_media_anchored',
    help: '1 when calls are anchored through rtpengine, 0 when the gateway runs signalling-only',
    registers: [registry],
    collect() {
      this.set(media === null ? 0 : 1);
    },
  });
  if (media === null) return;
  new Gauge({
    name: 'vsip_media_sessions',
    help: 'rtpengine sessions of calls in progress',
    registers: [registry],
    collect() {
      this.set(media.counters.sessions);
    },
  });
  new Counter({
    name: 'vsip_media_packets_total',
    help: 'RTP packets rtpengine received, by the party that sent them (pbx, carrier), counted when calls end',
    labelNames: ['from'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ from: 'pbx' }, media.counters.packetsFromPbx);
      this.inc({ from: 'carrier' }, media.counters.packetsFromCarrier);
    },
  });
  new Counter({
    name: 'vsip_media_errors_total',
    help: 'rtpengine commands that failed (no answer, or an error reply)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(media.counters.errors);
    },
  });
}
