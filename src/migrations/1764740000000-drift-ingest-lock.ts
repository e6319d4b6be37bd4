import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingest and drift reporting take the same per-model-version lock, so a batch that commits while a
 * drift event is being reported cannot miss both the event's window tag and the DRIFT_OPEN keep reason.
 *
 * Why a function: the ingest flush is one autocommit statement (one round trip), and a statement's
 * snapshot is taken before anything in it runs, so a lock taken by the statement itself would come too
 * late to see an event that commits while we wait for it. Inside a VOLATILE PL/pgSQL function, in READ
 * COMMITTED, each query takes a fresh snapshot: the function first takes the shared lock of every model
 * version of the flush (in sorted order: several flushes never deadlock on each other), then reads the
 * open drift events — after any report holding the exclusive lock has committed. Either the report runs
 * first (this flush sees the event: DRIFT_OPEN) or the flush holds the lock first (the report waits for
 * its commit and its tagging statement sees the rows). The lock key is the one DriftService.report takes.
 */
export class DriftIngestLock1764740000000 implements MigrationInterface {
  name = 'DriftIngestLock1764740000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION flywheel_lock_open_drift(model_versions text[]) RETURNS SETOF text
      LANGUAGE plpgsql VOLATILE AS $fn$
      DECLARE
        mv text;
      BEGIN
        FOR mv IN SELECT DISTINCT m FROM unnest(model_versions) AS m ORDER BY m LOOP
          PERFORM pg_advisory_xact_lock_shared(hashtext('flywheel:drift:' || mv));
        END LOOP;
        RETURN QUERY SELECT DISTINCT d.model_version FROM drift_event d
                     WHERE d.resolved_at IS NULL AND d.model_version = ANY (model_versions);
      END
      $fn$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION flywheel_lock_open_drift(text[])`);
  }
}
