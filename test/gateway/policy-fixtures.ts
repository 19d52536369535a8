import type { GatewayTrunk } from '../../src/store/types.js';
import { ConfigSnapshot, compileTrunk } from '../../src/gateway/config-snapshot.js';

let seq = 0;

/** A GatewayTrunk with sensible defaults, for policy and snapshot tests. */
export function gatewayTrunk(
  over: Partial<GatewayTrunk> & {
    sid?: string;
    accountSid?: string;
    authType?: GatewayTrunk['trunk']['authType'];
    status?: 'active' | 'inactive';
  } = {},
): GatewayTrunk {
  seq++;
  const sid = over.sid ?? `trmum1${String(seq).padStart(24, '0')}`;
  return {
    trunk: {
      sid,
      accountSid: over.accountSid ?? 'vsipacc1',
      name: `t${seq}`,
      nsoCode: 'ANY-ANY',
      domainName: `${over.accountSid ?? 'vsipacc1'}.pstn.exotel.com`,
      status: over.status ?? 'active',
      authType: over.authType ?? 'ip_whitelist',
      registrationEnabled: false,
      edgePreference: null,
      secureTrunking: false,
      maxCallsPerSecond: null,
      maxConcurrentCalls: null,
      dateCreated: '2025-01-01T00:00:00Z',
      dateUpdated: '2025-01-01T00:00:00Z',
    },
    sipPassword: over.sipPassword ?? 'secret',
    numbers: over.numbers ?? [],
    ips: over.ips ?? [],
    destinations: over.destinations ?? [],
    settings: over.settings ?? {},
  };
}

const noStore = {
  loadGatewayTrunks: async () => [],
  loadGatewayTrunk: async () => null,
  onChange: () => () => {},
};

export function snapshotOf(...trunks: GatewayTrunk[]): ConfigSnapshot {
  const s = new ConfigSnapshot(noStore);
  for (const t of trunks) s.apply(t.trunk.sid, compileTrunk(t));
  return s;
}
