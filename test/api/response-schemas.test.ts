import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  callSchema,
  credentialsSchema,
  destinationUriSchema,
  phoneNumberSchema,
  settingSchema,
  trunkSchema,
  whitelistedIpCreatedSchema,
} from '../../src/api/response-schemas.js';
import { apiFixture, type ApiFixture } from './api-fixture.js';

/** The documented response fields (OpenAPI) are exactly the fields real answers carry. */
function sameKeys(
  actual: Record<string, unknown>,
  schema: { properties: Record<string, unknown> },
  what: string,
): void {
  assert.deepEqual(Object.keys(actual).sort(), Object.keys(schema.properties).sort(), what);
}

describe('documented response schemas match real answers', () => {
  let f: ApiFixture;
  before(async () => {
    f = await apiFixture('sqlite');
  });
  after(() => f.close());

  test('every resource object', async () => {
    const trunk = await f.createTrunk('doc_check');
    // A single trunk also carries `gateway`, its region's addresses (documented on that route).
    const withGateway = { properties: { ...trunkSchema.properties, gateway: {} } };
    sameKeys((await f.api('GET', `/trunks/${trunk}`)).body.response.data, withGateway, 'trunk');
    sameKeys(
      (await f.api('GET', `/trunks/${trunk}`)).body.response.data.links,
      trunkSchema.properties.links as { properties: Record<string, unknown> },
      'trunk links',
    );
    sameKeys(
      (await f.api('POST', `/trunks/${trunk}/phone-numbers`, { phone_number: '+14155550177' })).body.response.data,
      phoneNumberSchema,
      'phone number',
    );
    sameKeys(
      (await f.api('POST', `/trunks/${trunk}/whitelisted-ips`, { ip: '127.0.0.1', mask: 32 })).body.response.data,
      whitelistedIpCreatedSchema,
      'ip',
    );
    const dest = await f.api('POST', `/trunks/${trunk}/destination-uris`, {
      destinations: [{ destination: '127.0.0.1:5061;transport=tls' }],
    });
    sameKeys(dest.body.response.data[0].data, destinationUriSchema, 'destination');
    const setting = await f.api('POST', `/trunks/${trunk}/settings`, {
      settings: [{ name: 'trunk_external_alias', value: '+14155550177' }],
    });
    sameKeys(setting.body.response.data[0].data, settingSchema, 'setting');
    sameKeys((await f.api('GET', `/trunks/${trunk}/credentials`)).body.response.data, credentialsSchema, 'credentials');
    await f.store.insertCalls([
      {
        callId: 'doc',
        accountSid: f.account.accountSid,
        trunkSid: trunk,
        direction: 'termination',
        caller: null,
        callee: null,
        sourceIp: '127.0.0.1',
        sourcePort: 5060,
        transport: 'udp',
        finalCode: 403,
        cause: 'ip_not_whitelisted',
        destination: null,
        startedAt: '2026-01-01T00:00:00Z',
        answeredAt: null,
        endedAt: null,
        durationMs: null,
      },
    ]);
    sameKeys((await f.api('GET', `/trunks/${trunk}/calls`)).body.response.data[0], callSchema, 'call');
  });

  test('the OpenAPI document carries them, with the failure envelope for each error status', async () => {
    const doc = (await f.app.inject({ url: '/openapi.json' })).json();
    const post = doc.paths['/v2/accounts/{account_sid}/trunks/{trunk_sid}/destination-uris'].post;
    // Each error status is its own answer, the failure envelope with that status's vSIP codes.
    assert.deepEqual(Object.keys(post.responses).sort(), [
      '200',
      '207',
      '400',
      '401',
      '403',
      '404',
      '409',
      '413',
      '415',
      '422',
      '429',
      '500',
    ]);
    const failure = doc.components.schemas.Failure409.properties.response.properties;
    assert.deepEqual(failure.error_data.properties.code.enum, [1002, 1041, 1042]);
    assert.deepEqual(failure.data, { type: 'null' });
    const ok = doc.paths['/v2/accounts/{account_sid}/trunks'].post.responses['200'].content['application/json'].schema;
    // The trunk is a named component the answer refers to.
    assert.deepEqual(ok.properties.response.properties.data, { $ref: '#/components/schemas/Trunk' });
    assert.deepEqual(
      Object.keys(doc.components.schemas.Trunk.properties).sort(),
      Object.keys(trunkSchema.properties).sort(),
    );
  });
});
