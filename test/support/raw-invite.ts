import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { getHeader, SipStreamParser } from '../../src/sip/message/index.js';
import { request } from './sip-message.js';

/**
 * One INVITE from a would-be PBX over TCP, bound to `localAddress` (127.0.0.x tells sources apart),
 * waiting for the final answer. Enough to make the gateway reject and log a call; an answered
 * call is acknowledged and hung up by `sipp` in the first-call test instead.
 */
export async function sendInvite(o: {
  port: number;
  localAddress: string;
  domain: string;
  caller: string;
  callee: string;
}): Promise<{ callId: string; status: number }> {
  const callId = `${randomBytes(8).toString('hex')}@cli-test`;
  const sdp =
    `v=0\r\no=pbx 1 1 IN IP4 ${o.localAddress}\r\ns=-\r\nc=IN IP4 ${o.localAddress}\r\nt=0 0\r\nm=audio ` +
    `40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n`;
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: o.port, localAddress: o.localAddress });
    const parser = new SipStreamParser();
    socket.setTimeout(5000, () => {
      socket.destroy();
      reject(new Error('no final answer to INVITE'));
    });
    socket.on('error', reject);
    socket.on('connect', () => {
      const local = `${socket.localAddress}:${socket.localPort}`;
      socket.write(
        request({
          method: 'INVITE',
          uri: `sip:${o.callee}@${o.domain}`,
          from: `<sip:${o.caller}@${o.localAddress}>`,
          viaHost: socket.localAddress ?? o.localAddress,
          viaPort: socket.localPort ?? 0,
          transport: 'TCP',
          callId,
          contact: `sip:pbx@${local};transport=tcp`,
          body: sdp,
        }),
      );
    });
    socket.on('data', (chunk: Buffer) => {
      for (const item of parser.push(chunk)) {
        if (
          item.type === 'message' &&
          item.message.kind === 'response' &&
          item.message.status >= 200 &&
          getHeader(item.message, 'call-id') === callId
        ) {
          socket.destroy();
          resolve({ callId, status: item.message.status });
        }
      }
    });
  });
}
