import type { EntityManager } from 'typeorm';

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

