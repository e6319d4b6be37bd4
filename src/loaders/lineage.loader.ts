import type { EntityManager } from 'typeorm';
import { DEPLOYMENT_COLUMNS, DeploymentRow, RUN_COLUMNS, TrainingRunRow } from '../services/decide/lineage.service';
import { rowsById, rowsByKey } from './by-id';

/**
 * The lineage, walked both ways with one statement per hop per page: entry → dataset versions → runs →
 * candidate versions → deployments, and back. The hops that can grow (an entry's dataset versions, a
 * version's runs, a model version's deployments and scores) are connections, loaded through
 * `loaders.pages` (page.loader.ts); these are the single-object hops.
 */
export const createLineageLoaders = (db: EntityManager) => ({
  trainingRun: rowsById<TrainingRunRow>(db, `SELECT ${RUN_COLUMNS} FROM training_run t WHERE t.id = ANY ($1::uuid[])`),
  deployment: rowsById<DeploymentRow>(db, `SELECT ${DEPLOYMENT_COLUMNS} FROM deployment p WHERE p.id = ANY ($1::uuid[])`),
  /** The run that produced a model version (at most one). */
  runByCandidate: rowsByKey<TrainingRunRow>(db, `SELECT t.candidate_model_version AS _key, ${RUN_COLUMNS} FROM training_run t WHERE t.candidate_model_version = ANY ($1::text[])`),
  /** A line's current deployment (at most one). */
  currentByLine: rowsByKey<DeploymentRow>(db, `SELECT p.model_line AS _key, ${DEPLOYMENT_COLUMNS} FROM deployment p WHERE p.model_line = ANY ($1::text[]) AND p.ended_at IS NULL`),
});
