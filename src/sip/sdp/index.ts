export { parseSdp } from './parse-sdp.js';
export { offeredCodecs, STATIC_PAYLOAD_TYPES } from './offered-codecs.js';
export type { SdpConnection, SdpMedia, SdpRtpmap, SdpSession } from './types.js';
