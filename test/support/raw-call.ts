import { UdpProbe, type Target } from './sip-probe.js';
import { branch, header, request, statusOf, tag } from './sip-message.js';
import { waitFor } from './wait-for.js';

/** A call placed with raw SIP over UDP (INVITE → final → ACK), hung up with `bye()`. */
export interface RawCall {
  status: number;
  /** The final response as it came. */
  final: Buffer;
  /** Body of the final response (the SDP answer of a 200). */
  sdp: string;
  callId: string;
  /** Provisional and final responses to the INVITE, in order. */
  statuses: number[];
  /** Sends BYE; resolves with its status (null: no answer). */
  bye(): Promise<number | null>;
  /** Sends a re-INVITE with `body` (and ACKs a 2xx); resolves with its status and answer body. */
  reinvite(body: string): Promise<{ status: number | null; sdp: string }>;
  close(): void;
}

/**
 * Places a call to `to` the way a plain PBX would, bytes on the wire: the INVITE with `body`
 * (an SDP offer, or anything at all for bad-input tests), then an ACK for a 2xx.
 */
export async function rawCall(
  to: Target,
  o: { number: string; body: string; contentType?: string; timeoutMs?: number; ackBody?: string },
): Promise<RawCall> {
  const probe = await UdpProbe.open();
  const callId = `${tag()}${tag()}@raw-call`;
  const fromTag = tag();
  const uri = `sip:${o.number}@${to.address}:${to.port}`;
  const from = `<sip:+919800000001@127.0.0.1>;tag=${fromTag}`;
  let invite = request({ method: 'INVITE', uri, from, fromTag: null, viaPort: probe.port, callId, body: o.body });
  if (o.contentType !== undefined)
    invite = invite.replace('Content-Type: application/sdp', `Content-Type: ${o.contentType}`);
  await probe.send(invite, to);
  const final = await waitFor(
    () => probe.replies.find((r) => (statusOf(r) ?? 0) >= 200),
    o.timeoutMs ?? 5000,
    'a final response to the INVITE',
  ).catch((err: unknown) => {
    probe.close();
    throw err;
  });
  const status = statusOf(final) as number;
  const toHeader = header(final, 'to') ?? '';
  const text = final.toString();
  const sdp = text.slice(text.indexOf('\r\n\r\n') + 4);
  const inDialog = (method: string, seq: number, body = ''): string =>
    [
      `${method} sip:pstn@${to.address}:${to.port} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${probe.port};branch=${branch()};rport`,
      'Max-Forwards: 70',
      `From: ${from}`,
      `To: ${toHeader}`,
      `Call-ID: ${callId}`,
      `CSeq: ${seq} ${method}`,
      ...(body === '' ? [] : ['Content-Type: application/sdp', `Contact: <sip:probe@127.0.0.1:${probe.port}>`]),
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n');
  if (status < 300) await probe.send(inDialog('ACK', 1, o.ackBody), to);
  let cseq = 2;
  return {
    status,
    final,
    sdp,
    callId,
    statuses: probe.replies.map((r) => statusOf(r) ?? 0),
    reinvite: async (body: string) => {
      const seen = probe.replies.length;
      const n = cseq++;
      await probe.send(inDialog('INVITE', n, body), to);
      const r = await waitFor(
        () => probe.replies.slice(seen).find((x) => header(x, 'cseq') === `${n} INVITE` && (statusOf(x) ?? 0) >= 200),
        5000,
        'the answer to the re-INVITE',
      ).catch(() => null);
      const st = statusOf(r);
      if (st !== null && st < 300) await probe.send(inDialog('ACK', n), to);
      const t = r?.toString() ?? '';
      return { status: st, sdp: t.slice(t.indexOf('\r\n\r\n') + 4) };
    },
    bye: async () => {
      const seen = probe.replies.length;
      await probe.send(inDialog('BYE', cseq++), to);
      const r = await waitFor(
        () => probe.replies.slice(seen).find((x) => header(x, 'cseq')?.endsWith('BYE')) ?? false,
        5000,
        'the answer to BYE',
      ).catch(() => null);
      return statusOf(r);
    },
    close: () => probe.close(),
  };
}

/** An SDP offer for an RTP socket at `port` (127.0.0.1), with `formats` and their rtpmaps. */
export function offer(port: number, formats = '0 8 101', address = '127.0.0.1'): string {
  const maps: Record<string, string> = { '0': 'PCMU/8000', '8': 'PCMA/8000', '18': 'G729/8000' };
  const lines = formats
    .split(' ')
    .map((pt) => `a=rtpmap:${pt} ${maps[pt] ?? 'telephone-event/8000'}`)
    .join('\r\n');
  return (
    `v=0\r\no=pbx 1 1 IN IP4 ${address}\r\ns=-\r\nc=IN IP4 ${address}\r\nt=0 0\r\n` +
    `m=audio ${port} RTP/AVP ${formats}\r\n${lines}\r\n`
  );
}
