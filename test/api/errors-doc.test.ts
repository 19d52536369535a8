import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { API_ERRORS } from '../../src/api/errors.js';

/** docs/errors.md and src/api/errors.ts must describe the same codes, both ways (STYLE 7). */
test('docs/errors.md documents exactly the codes of the errors module', () => {
  const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
  const rows = doc
    .split('\n')
    .map((line) => /^\|\s*(\d{4})\s*\|\s*(\d{3})\s*\|\s*([A-Z_]+)\s*\|\s*([^|]+?)\s*\|/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ code: Number(m[1]), http: Number(m[2]), name: m[3], message: m[4] }));
  const fromModule = Object.entries(API_ERRORS).map(([name, e]) => ({
    code: e.code,
    http: e.http,
    name,
    message: e.message,
  }));
  const byCode = (a: { code: number }, b: { code: number }) => a.code - b.code;
  assert.deepEqual(rows.sort(byCode), fromModule.sort(byCode));
});

test('error codes and names are unique', () => {
  const codes = Object.values(API_ERRORS).map((e) => e.code);
  assert.equal(new Set(codes).size, codes.length);
});

test('the spec codes stand as written', () => {
  assert.deepEqual(API_ERRORS.INVALID_REQUEST, { code: 1000, http: 400, message: 'Invalid request' });
  assert.deepEqual(API_ERRORS.RESOURCE_EXISTS, { code: 1002, http: 409, message: 'Resource exists' });
  assert.deepEqual(API_ERRORS.NOT_FOUND, { code: 1003, http: 404, message: 'Not found' });
  assert.deepEqual(API_ERRORS.AUTH_FAILED, { code: 1010, http: 401, message: 'Auth failed' });
});
