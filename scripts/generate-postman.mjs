#!/usr/bin/env node
// Regenerates postman/Exotel_vSIP_API_Collection.json from the OpenAPI document (run after `npm run build`).
// test/api/postman-collection.test.ts fails when the committed file is stale.
import { mkdirSync, writeFileSync } from 'node:fs';
import { openapiDocument } from '../dist/src/api/openapi-document.js';
import { openapiToPostman } from '../dist/src/api/openapi-to-postman.js';

const collection = openapiToPostman(await openapiDocument());
mkdirSync(new URL('../postman/', import.meta.url), { recursive: true });
writeFileSync(
  new URL('../postman/Exotel_vSIP_API_Collection.json', import.meta.url),
  `${JSON.stringify(collection, null, 2)}\n`,
);
console.log('wrote postman/Exotel_vSIP_API_Collection.json');
