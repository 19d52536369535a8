/**
 * The call log's media facts: what rtpengine saw of each anchored call's RTP (packets, bytes,
 * errors, source address, codec, loss and jitter per party), as one JSON text column — read
 * back whole with the call, never queried by its parts.
 */
import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function mediaMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('calls').addColumn('media', 'text').execute();
    },
  };
}
