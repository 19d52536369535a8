import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { openapiDocument } from '../../src/api/openapi-document.js';
import { openapiToPostman } from '../../src/api/openapi-to-postman.js';

test(
  'the committed Postman collection is what the OpenAPI document generates (run ' + 'scripts/generate-postman.mjs)',
  async () => {
    const generated = `${JSON.stringify(openapiToPostman(await openapiDocument()), null, 2)}\n`;
    const committed = readFileSync(
      new URL('../../../postman/Exotel_vSIP_API_Collection.json', import.meta.url),
      'utf8',
    );
    assert.equal(
      committed,
      generated,
      'postman/Exotel_vSIP_API_Collection.json is stale: run `npm run build && node scripts/generate-postman.mjs`',
    );
  },
);

test(
  'every API operation of the OpenAPI document is in the collection, with Basic auth and example ' + 'bodies',
  async () => {
    const doc = (await openapiDocument()) as { paths: Record<string, Record<string, object>> };
    const collection = openapiToPostman(doc);
    const requests = collection.item.flatMap((folder) =>
      (folder.item as Array<{ request: { method: string; url: { raw: string }; body?: { raw: string } } }>).map(
        (i) => i.request,
      ),
    );
    let operations = 0;
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (!path.startsWith('/v2/') || path.startsWith('/v2/operator/')) continue; // operator API: own credential
      for (const method of ['get', 'post', 'put', 'delete']) {
        if (ops[method] === undefined) continue;
        operations += 1;
        const raw = `{{base_url}}${path.replace(/\{(\w+)\}/g, '{{$1}}')}`;
        assert.ok(
          requests.some((r) => r.method === method.toUpperCase() && r.url.raw.split('?')[0] === raw),
          `${method} ${path}`,
        );
      }
    }
    assert.equal(requests.length, operations);
    assert.equal(collection.auth.type, 'basic');
    const create = requests.find((r) => r.method === 'POST' && r.url.raw.endsWith('/trunks'));
    assert.deepEqual(JSON.parse(create?.body?.raw ?? '{}'), {
      trunk_name: 'my_trunk',
      nso_code: 'ANY-ANY',
      domain_name: '{{account_sid}}.pstn.exotel.com',
    });
  },
);
