/**
 * better-sqlite3 behind Kysely with prepared statements reused. Kysely's SQLite driver calls
 * `prepare(sql)` for every query, and preparing costs as much as running a small indexed
 * query; the SQL text of a given Kysely query is the same every time (values are bound
 * parameters), so a map from SQL text to statement removes that cost. Safe because Kysely
 * runs one query at a time per connection and we never stream (a statement being iterated
 * could not be reused).
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

export function withStatementCache(db: BetterSqlite3.Database, max = 1000): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      cache.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (stmt === undefined) {
        // Bounded: generated SQL varies only with list lengths, so the set is small in practice.
        if (cache.size >= max) cache.clear();
        stmt = db.prepare(sql) as unknown as SqliteStatement;
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}
