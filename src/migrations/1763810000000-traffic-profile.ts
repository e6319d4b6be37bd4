import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reference profiles of recent healthy traffic, per model version, for out-of-distribution flags. */
export class TrafficProfile1763810000000 implements MigrationInterface {
  name = 'TrafficProfile1763810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE traffic_profile (
        model_version text NOT NULL,
        samples integer NOT NULL,
        log_length_mean double precision NOT NULL,
        log_length_std double precision NOT NULL,
        non_latin_mean double precision NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT traffic_profile_pk PRIMARY KEY (model_version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE traffic_profile`);
  }
}
