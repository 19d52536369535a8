import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RouteIndex } from '../../src/carriers/route-index.js';
import { weightedOrder } from '../../src/carriers/weighted-order.js';
import { CarrierRouter } from '../../src/carriers/carrier-router.js';
import { staticCarrierPlan } from '../../src/carriers/static-carrier-plan.js';
import { CarrierSources } from '../../src/carriers/carrier-sources.js';
import { MemoryPlanSource, testCarrier } from '../gateway/carrier-fixtures.js';

const route = (prefix: string) => ({ sid: `r${prefix}`, prefix, carriers: [] });

test('route index: the longest matching prefix wins; "" is the default; none → undefined', () => {
  const idx = new RouteIndex([route(''), route('1'), route('1415'), route('44')]);
  const rows: Array<[string, string | undefined]> = [
    ['+14155550100', '1415'],
    ['14155550100', '1415'],
    ['+12125550100', '1'],
    ['+442071838750', '44'],
    ['+919800000000', ''],
    ['', ''],
  ];
  for (const [n, p] of rows) assert.equal(idx.match(n)?.prefix, p, n);
  assert.equal(new RouteIndex([route('1')]).match('+44'), undefined);
});

test('route index: 1,000 routes, look-ups stay exact', () => {
  const routes = [];
  for (let i = 0; i < 1000; i++) routes.push(route(String(1000 + i)));
  const idx = new RouteIndex(routes);
  assert.equal(idx.size, 1000);
  assert.equal(idx.match('+15550000')?.prefix, '1555');
  assert.equal(idx.match('+99'), undefined);
});

test('weighted order: priority first; within one, picks by weight; weight 0 last', () => {
  const items = [
    { id: 'b', priority: 2, weight: 1 },
    { id: 'a1', priority: 1, weight: 3 },
    { id: 'a2', priority: 1, weight: 1 },
    { id: 'a0', priority: 1, weight: 0 },
  ];
  // random() = 0 picks the first weighted item; 0.8 of a total 4 lands in a2's share.
  assert.deepEqual(
    weightedOrder(items, () => 0).map((x) => x.id),
    ['a1', 'a2', 'a0', 'b'],
  );
  assert.deepEqual(
    weightedOrder(items, () => 0.8).map((x) => x.id),
    ['a2', 'a1', 'a0', 'b'],
  );
  // Over many draws the shares follow the weights (3:1).
  let first = 0;
  for (let i = 0; i < 4000; i++) if (weightedOrder(items)[0]?.id === 'a1') first++;
  assert.ok(first > 2700 && first < 3300, `a1 first ${first} of 4000`);
});

test('router: carriers of the route by priority, their URIs by priority, down URIs left out, plan changes', () => {
  const x = testCarrier('x', [
    ['sip:10.0.0.2', 1, 1],
    ['sip:10.0.0.1;transport=tcp', 0, 1],
  ]);
  const y = testCarrier('y', [['sip:10.0.0.3:5070', 0, 1]]);
  const plan = new MemoryPlanSource(
    [x, y],
    [
      [
        '1',
        [
          ['y', 1, 1],
          ['x', 0, 1],
        ],
      ],
    ],
  );
  const down = new Set<string>();
  const router = new CarrierRouter(plan, { isDown: (id) => down.has(id) });
  const uris = (n: string) => router.choices(n)?.map((c) => `${c.carrier.name} ${c.uri.hostPort}${c.uri.params}`);
  assert.deepEqual(uris('+1415'), ['x 10.0.0.1;transport=tcp', 'x 10.0.0.2', 'y 10.0.0.3:5070']);
  down.add('x-1');
  assert.deepEqual(uris('+1415'), ['x 10.0.0.2', 'y 10.0.0.3:5070']);
  assert.equal(router.choices('+44'), null, 'no route');
  plan.set([y], [['', [['y', 0, 1]]]]);
  assert.deepEqual(uris('+44'), ['y 10.0.0.3:5070']);
  router.close();
});

test('static plan (--carrier): one carrier on the default route; its IP is its source, a host name any', () => {
  const ip = staticCarrierPlan('sip:203.0.113.5:5060');
  const r = new CarrierRouter(ip);
  assert.deepEqual(
    r.choices('+14155550100')?.map((c) => c.uri.uri.uri),
    ['sip:203.0.113.5:5060'],
  );
  const s = new CarrierSources(ip);
  assert.equal(s.match('203.0.113.5', null)?.carrier.name, 'default');
  assert.equal(s.match('::ffff:203.0.113.5', null)?.carrier.name, 'default');
  assert.equal(s.match('203.0.113.6', null), null);
  const named = new CarrierSources(staticCarrierPlan('sip:carrier.example.com'));
  assert.notEqual(named.match('198.51.100.1', null), null);
  assert.notEqual(named.match('2001:db8::1', null), null);
});
