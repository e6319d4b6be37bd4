import type { EntityManager } from 'typeorm';

/** A canonical uuid: checked before a value reaches a `uuid` parameter (a malformed one would be an SQL error). */
export const isUuid = (value: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/**
 * Rows of any statement. TypeORM's `query()` returns `[rows, count]` for a top-level UPDATE or DELETE
 * and plain rows otherwise; this always returns the rows (RETURNING included).
 */
export async function queryRows<T>(m: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = m.queryRunner ?? m.connection.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).records as T[];
  } finally {
    if (!m.queryRunner) await runner.release();
  }
}

