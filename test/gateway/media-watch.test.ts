import { test } from 'node:test';
import assert from 'node:assert/strict';
import { watchMedia } from '../../src/gateway/media-watch.js';
import type { ProxyDeps } from '../../src/gateway/proxy-deps.js';
import { waitFor } from '../support/wait-for.js';

test('media timeout: a call with recent RTP is not asked again before its last packet plus the timeout', async () => {
  let checks = 0;
  let queries = 0;
  const media = {
    ended: false,
    query: async () => {
      queries++;
      return {};
    },
    // RTP from both parties just now (seconds, as rtpengine reports it).
    facts: () => ({ pbx: { lastPacket: Date.now() / 1000 }, carrier: { lastPacket: Date.now() / 1000 } }),
  };
  const call = { callId: 'c1', answeredAt: Date.now() - 10_000, media, dialog: {} };
  const proxy = {
    dialogs: {
      calls: () => {
        checks++;
        return [call][Symbol.iterator]();
      },
      get: () => call,
      end: () => assert.fail('a call with audio was hung up'),
    },
  } as unknown as ProxyDeps;
  const stop = watchMedia(proxy, 5000, 10);
  try {
    await waitFor(() => checks >= 20, 10_000, '20 checks');
    assert.equal(queries, 1, 'one query in the 5 s after the last RTP, however many checks');
  } finally {
    stop();
  }
});
