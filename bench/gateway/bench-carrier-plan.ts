import type { Carrier, CarrierPlan, CarrierPlanSource, CarrierRoute } from '../../src/carriers/carrier-plan.js';

/**
 * `--carriers N --routes M` for the gateway bench: N carriers (all the sipp UAS, so every call is
 * answered by the first) and M routes with distinct 5-digit prefixes plus the default route, each
 * listing every carrier in priority order. The bench's dialled number (+14155550100) takes the
 * default route after the index has probed its longest prefixes, so the look-up works as hard as a
 * real table's would.
 */
export function benchCarrierPlan(uasUri: string, carriers: number, routes: number): CarrierPlanSource {
  const list: Carrier[] = [];
  for (let i = 0; i < carriers; i++)
    list.push({
      sid: `CR${i}`,
      name: `carrier-${i}`,
      uris: [{ id: `CR${i}-0`, uri: uasUri, priority: 0, weight: 1 }],
      credentials: null,
      registration: null,
      sourceCidrs: ['127.0.0.0/8'],
      codecs: [],
      maxCallsPerSecond: null,
      maxConcurrentCalls: null,
      probe: false,
      srtp: false,
    });
  const order = list.map((c, i) => ({ carrierSid: c.sid, priority: i, weight: 1 }));
  const table: CarrierRoute[] = [{ sid: 'RT-default', prefix: '', carriers: order }];
  for (let i = 0; i < routes; i++) table.push({ sid: `RT${i}`, prefix: String(20000 + i), carriers: order });
  const plan: CarrierPlan = { carriers: new Map(list.map((c) => [c.sid, c])), routes: table };
  return { current: () => plan, onChange: () => () => {} };
}
