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
