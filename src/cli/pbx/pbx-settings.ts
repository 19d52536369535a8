/**
 * The spec's "Configure Your PBX" table, filled in for one trunk. The spec names the SIP server
 * `<your_sid>.pstn.exotel.com`; a self-hosted vsip is reached at its own address, so both are
 * given: the domain (From/Request-URI host, how the gateway finds the account) and the address
 * to send packets to.
 */
export interface PbxSettings {
  sip_server: string;
  gateway_address: string;
  port_tcp: number;
  port_tls: number;
  username: string;
  password: string;
  caller_id: string | null;
  realm: string;
  codecs: string[];
}

export function pbxSettings(input: {
  accountSid: string;
  domainName?: string;
  gatewayHost: string;
  sipPort: number;
  sipsPort: number;
  trunkSid: string;
  password: string;
  callerId: string | null;
  realm?: string;
}): PbxSettings {
  return {
    sip_server: input.domainName ?? `${input.accountSid}.pstn.exotel.com`,
    gateway_address: input.gatewayHost,
    port_tcp: input.sipPort,
    port_tls: input.sipsPort,
    username: input.trunkSid,
    password: input.password,
    caller_id: input.callerId,
    realm: input.realm ?? 'pstn.exotel.com',
    codecs: ['PCMU', 'PCMA', 'G729'],
  };
}

/** Rows of the spec's table: Setting | Value. */
export function pbxSettingsRows(s: PbxSettings): Array<[string, string]> {
  return [
    ['SIP Server', `${s.sip_server}  (vsip gateway at ${s.gateway_address})`],
    ['Port', `${s.port_tcp} (TCP) or ${s.port_tls} (TLS)`],
    ['Username', s.username],
    ['Password', s.password],
    ['Caller ID', s.caller_id ?? 'Your mapped phone number'],
    ['Auth', `Digest, realm ${s.realm}`],
    ['Codecs', 'G.711 μ-law (PCMU), G.711 A-law (PCMA), G.729'],
  ];
}
