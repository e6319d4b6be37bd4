import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhooks that start the work: admin-managed URLs per event type, and a delivery log. A delivery is
 * written (with its job) in the same transaction as the decision, promotion or rollback it reports,
 * so a committed event is always delivered (or its failure recorded) and a rolled-back one never is.
 */
export class Webhooks1764710000000 implements MigrationInterface {
  name = 'Webhooks1764710000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE webhook (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        url text NOT NULL,
        events text[] NOT NULL,
        secret text NOT NULL,
        description text,
        enabled boolean NOT NULL DEFAULT true,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT webhook_pk PRIMARY KEY (id)
      )`);
    await q.query(`
      CREATE TABLE webhook_delivery (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL,
        event text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'PENDING',
        attempts integer NOT NULL DEFAULT 0,
        last_status_code integer,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz,
        CONSTRAINT webhook_delivery_pk PRIMARY KEY (id),
        CONSTRAINT webhook_delivery_status_ck CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED'))
      )`);
    await q.query(`CREATE INDEX webhook_delivery_hook_idx ON webhook_delivery (webhook_id, created_at, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook`);
  }
}
