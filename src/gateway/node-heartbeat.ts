import type { SipNode, Store } from '../store/types.js';

/** How often a SIP node refreshes its row in the node registry. */
export const NODE_HEARTBEAT_MS = 10_000;
/** A node whose heartbeat is older than this is down (three missed beats). */
export const NODE_STALE_MS = 3 * NODE_HEARTBEAT_MS;

/**
 * This SIP node in the store's node registry: written at start, its heartbeat refreshed every
 * `NODE_HEARTBEAT_MS`, removed at a clean stop (a crashed node ages out after `NODE_STALE_MS`).
 * What `GET /gateways` lists and how nodes learn of each other.
 */
export async function joinNodeRegistry(
  store: Pick<Store, 'upsertSipNode' | 'removeSipNode'>,
  node: Omit<SipNode, 'heartbeatAt' | 'startedAt'>,
  onError: (err: unknown) => void,
  intervalMs = NODE_HEARTBEAT_MS,
): Promise<() => Promise<void>> {
  const startedAt = iso(Date.now());
  await store.upsertSipNode({ ...node, startedAt, heartbeatAt: startedAt });
  const timer = setInterval(() => {
    store.upsertSipNode({ ...node, startedAt, heartbeatAt: iso(Date.now()) }).catch(onError);
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await store.removeSipNode(node.id).catch(onError);
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
