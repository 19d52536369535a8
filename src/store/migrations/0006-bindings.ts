/**
 * What a registration binding needs beyond 0001's row so that a call can reach it (RFC 5626 flow
 * semantics): the connection the REGISTER came over (TCP/TLS: the flow to send the INVITE on), the
 * SIP node holding that connection (a call arriving at another node is relayed through it), and
 * when the binding was first made. All nullable: rows written before this migration have none.
 * Also the SIP node registry (`sip_nodes`).
 */
import type { Kysely, Migration } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any */
export function bindingsMigration(): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('registrations').addColumn('connection_id', 'text').execute();
      await db.schema.alterTable('registrations').addColumn('node_id', 'text').execute();
      await db.schema.alterTable('registrations').addColumn('registered_at', 'text').execute();
      // The node registry: each SIP node's region and public addresses, kept fresh by its heartbeat,
      // so the API can list the addresses customers must allow and nodes can find each other.
      await db.schema
        .createTable('sip_nodes')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('region', 'text', (c) => c.notNull())
        .addColumn('signalling', 'text', (c) => c.notNull())
        .addColumn('rtp_ports', 'text')
        .addColumn('api_url', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('heartbeat_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
