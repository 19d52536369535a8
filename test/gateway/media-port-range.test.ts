import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mediaPortRange } from '../../src/gateway/media-port-range.js';

test('the RTP range published for firewalls: the local engine only, and only when media is anchored', () => {
  assert.equal(mediaPortRange({ rtpengine: null, rtpPorts: '10000-20000' }, true), '10000-20000');
  assert.equal(mediaPortRange({ rtpengine: null, rtpPorts: '10000-20000' }, false), null, 'signalling-only');
  assert.equal(mediaPortRange({ rtpengine: 'udp:10.0.0.5:2223', rtpPorts: '10000-20000' }, true), null, 'remote');
});
