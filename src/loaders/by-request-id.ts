import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';

/**
 * A loader of child rows by request_id: one `= ANY($1)` statement per page, whatever its size. `sql`
 * must select a `request_id` column and take the id array as $1.
 */
export function childrenByRequestId<T>(db: EntityManager, sql: string): DataLoader<string, T[]> {
  return new DataLoader<string, T[]>(async (ids) => {
    const rows: (T & { request_id: string })[] = await db.query(sql, [ids as string[]]);
    const byId = new Map<string, T[]>();
    for (const { request_id, ...row } of rows) {
      const list = byId.get(request_id);
      if (list) list.push(row as T);
      else byId.set(request_id, [row as T]);
    }
    return ids.map((id) => byId.get(id) ?? []);
  });
}
