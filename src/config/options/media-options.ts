/**
 * `vsip serve` settings (the table is in ../options.ts): the media plane: rtpengine, the RTP
 * address and ports, the media timeout.
 */
import type { OptionSpec } from '../option-spec.js';

export const MEDIA_OPTIONS = [
  {
    key: 'rtpengine',
    flag: '--rtpengine',
    env: 'VSIP_RTPENGINE',
    type: 'string',
    default: null,
    help:
      'rtpengine ng control addresses, udp:host:port[=weight][,...] (default: start a local rtpengine when ' +
      'installed, else run signalling-only)',
    arg: 'list',
  },
  {
    key: 'rtpenginePath',
    flag: '--rtpengine-path',
    env: 'VSIP_RTPENGINE_PATH',
    type: 'path',
    default: null,
    help: 'the rtpengine binary for the local media engine (default: /usr/bin/rtpengine or /usr/local/bin/rtpengine)',
    arg: 'file',
  },
  {
    key: 'mediaAddress',
    flag: '--media-address',
    env: 'VSIP_MEDIA_ADDRESS',
    type: 'string',
    default: null,
    help: 'IP the local rtpengine binds RTP to and writes in SDP, ip or ip!advertised-ip (default: the SIP address)',
    arg: 'ip',
  },
  {
    key: 'rtpPorts',
    flag: '--rtp-ports',
    env: 'VSIP_RTP_PORTS',
    type: 'string',
    default: '10000-20000',
    help: 'UDP port range of the local rtpengine for RTP (open it toward PBXs and carriers)',
    arg: 'min-max',
  },
  {
    key: 'mediaTimeout',
    flag: '--media-timeout',
    env: 'VSIP_MEDIA_TIMEOUT',
    type: 'int',
    default: '60',
    min: 0,
    max: 86400,
    help: 'seconds without RTP on an answered call before the gateway hangs it up (0: never)',
    arg: 'seconds',
  },
] as const satisfies readonly OptionSpec[];
