/** The subset of an SDP session description (RFC 4566) the gateway needs to read an offer. */

export interface SdpConnection {
  netType: string;
  addrType: string;
  address: string;
}

export interface SdpRtpmap {
  /** Encoding name as written (`PCMU`, `opus`, `telephone-event`). */
  encoding: string;
  clockRate: number;
  channels: number | null;
}

export interface SdpMedia {
  /** `audio`, `video`, `application`, … */
  media: string;
  port: number;
  /** `m=` `<port>/<number of ports>`, else null. */
  portCount: number | null;
  proto: string;
  /** Payload types (RTP) or formats, as written. */
  formats: string[];
  /** rtpmap attributes keyed by payload type. */
  rtpmap: Map<string, SdpRtpmap>;
  connection: SdpConnection | null;
  /** `a=` lines of this media section without the `a=`, in order. */
  attributes: string[];
}

export interface SdpSession {
  version: number;
  origin: string | null;
  sessionName: string | null;
  connection: SdpConnection | null;
  /** Session-level `a=` lines without the `a=`. */
  attributes: string[];
  media: SdpMedia[];
}
