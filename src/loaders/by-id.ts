import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { isUuid } from '../db/sql';

/**
 * A loader of rows by uuid primary key: one `= ANY($1)` statement per page, whatever its size. `sql`
 * must select an `id` column and take the id array as $1.
 */
export function rowsById<T extends { id: string }>(db: EntityManager, sql: string): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (ids) => {
    const rows: T[] = await db.query(sql, [ids.filter(isUuid)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/**
 * A loader of child rows grouped by a text key: one `= ANY($1)` statement per page. `sql` must select
 * the key as `_key` and take the key array as $1; rows keep the statement's order within a key.
 */
export function rowsByKey<T>(db: EntityManager, sql: string): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (keys) => {
    const rows: (T & { _key: string })[] = await db.query(sql, [keys as string[]]);
    const grouped = new Map<string, T[]>();
    for (const { _key, ...row } of rows) {
      const list = grouped.get(_key);
      if (list) list.push(row as T);
      else grouped.set(_key, [row as T]);
    }
    return keys.map((k) => grouped.get(k) ?? []);
  });
}
