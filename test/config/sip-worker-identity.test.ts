import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/config.js';
import { sipWorkerEnv, sipWorkerIdentity } from '../../src/config/sip-worker-identity.js';

test('a SIP worker reads back the index and steering key its primary put in its environment', () => {
  const key = Buffer.alloc(16, 0xab);
  const identity = sipWorkerIdentity({ PATH: '/bin', ...sipWorkerEnv(3, key) });
  assert.deepEqual(identity, { index: 3, key });
});

test('a process not forked as a SIP worker has no identity; a garbled one is refused', () => {
  assert.equal(sipWorkerIdentity({}), null);
  assert.throws(
    () => sipWorkerIdentity({ ...sipWorkerEnv(0, Buffer.alloc(16)), VSIP_SIP_WORKER_INDEX: 'x' }),
    ConfigError,
  );
  assert.throws(() => sipWorkerIdentity({ VSIP_SIP_WORKER_INDEX: '1' }), ConfigError);
});
