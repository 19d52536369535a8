/** What `/health`, the start-up banner and `vsip doctor` say about the media plane. */
export interface MediaStatus {
  /** `anchored`: RTP goes through rtpengine; `signalling-only`: RTP flows straight between PBX and carrier. */
  mode: 'anchored' | 'signalling-only';
  /** ng control addresses (`udp:host:port`). */
  engines: string[];
  /** Started by this vsip (`vsip serve` without `--rtpengine`). */
  local: boolean;
  /** RTP port range of the local engine. */
  rtpPorts: string | null;
  /** Why signalling-only. */
  reason: string | null;
}

export const SIGNALLING_ONLY_REASON =
  'rtpengine is not installed (apt-get install rtpengine-daemon) and no --rtpengine was given: ' +
  'RTP flows directly between the PBX and the carrier, NAT traversal and SRTP are not available';
