import assert from 'node:assert/strict';

/** Asserts the failure envelope: this status everywhere it appears, this vSIP error code, no data. */
export function expectFailure(
  r: { status: number; body: any },
  status: number,
  code: number,
  description?: RegExp,
): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.http_code, status);
  assert.equal(r.body.response.code, status);
  assert.equal(r.body.response.status, 'failure');
  assert.equal(r.body.response.error_data.code, code);
  assert.equal(r.body.response.data, null);
  if (description) assert.match(r.body.response.error_data.description, description);
}
