import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The review queue pages by keyset over (priority, ts newest first, request_id). `ts` is null for
 * items whose log row has not arrived; ordering by coalesce(ts, '-infinity') keeps the same order
 * (nulls last) with a non-null key, so cursors need no null cases and this index serves every page.
 */
export class ApiContract1764640000000 implements MigrationInterface {
  name = 'ApiContract1764640000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX review_item_queue_idx`);
    await q.query(
      `CREATE INDEX review_item_queue_order_idx ON review_item (priority, coalesce(ts, '-infinity'::timestamptz) DESC, request_id) WHERE status = 'OPEN'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX review_item_queue_order_idx`);
    await q.query(`CREATE INDEX review_item_queue_idx ON review_item (priority, ts DESC) WHERE status = 'OPEN'`);
  }
}
