import type { EntityManager } from 'typeorm';
import { DATASET_COLUMNS, DatasetVersionRow } from '../services/curate/dataset.service';
import { DEPLOYMENT_COLUMNS, DeploymentRow, RUN_COLUMNS, TrainingRunRow } from '../services/decide/lineage.service';
import { EVALUATION_COLUMNS, EvaluationRow } from '../services/decide/promotion.service';
import { rowsById, rowsByKey } from './by-id';

/**
 * The lineage, walked both ways with one statement per hop per page: entry → dataset versions → runs →
 * candidate versions → deployments, and back.
 */
export const createLineageLoaders = (db: EntityManager) => ({
  trainingRun: rowsById<TrainingRunRow>(db, `SELECT ${RUN_COLUMNS} FROM training_run t WHERE t.id = ANY ($1::uuid[])`),
  deployment: rowsById<DeploymentRow>(db, `SELECT ${DEPLOYMENT_COLUMNS} FROM deployment p WHERE p.id = ANY ($1::uuid[])`),
  /** The runs trained on a dataset version, newest first. */
  runsByDataset: rowsByKey<TrainingRunRow>(
    db,
    `SELECT t.dataset_version_id::text AS _key, ${RUN_COLUMNS} FROM training_run t WHERE t.dataset_version_id::text = ANY ($1::text[]) ORDER BY t.created_at DESC, t.id DESC`,
  ),
  /** The run that produced a model version (at most one). */
  runByCandidate: rowsByKey<TrainingRunRow>(db, `SELECT t.candidate_model_version AS _key, ${RUN_COLUMNS} FROM training_run t WHERE t.candidate_model_version = ANY ($1::text[])`),
  /** A model version's deployments, newest first. */
  deploymentsByVersion: rowsByKey<DeploymentRow>(
    db,
    `SELECT p.model_version AS _key, ${DEPLOYMENT_COLUMNS} FROM deployment p WHERE p.model_version = ANY ($1::text[]) ORDER BY p.deployed_at DESC, p.id DESC`,
  ),
  /** A line's current deployment (at most one). */
  currentByLine: rowsByKey<DeploymentRow>(db, `SELECT p.model_line AS _key, ${DEPLOYMENT_COLUMNS} FROM deployment p WHERE p.model_line = ANY ($1::text[]) AND p.ended_at IS NULL`),
  /** A model version's scores, newest first. */
  evaluationsByVersion: rowsByKey<EvaluationRow>(
    db,
    `SELECT e.model_version AS _key, ${EVALUATION_COLUMNS} FROM evaluation e WHERE e.model_version = ANY ($1::text[]) ORDER BY e.recorded_at DESC, e.id DESC`,
  ),
  /** The dataset versions an entry is a member of, newest first. */
  datasetVersionsByEntry: rowsByKey<DatasetVersionRow>(
    db,
    `SELECT e.request_id AS _key, ${DATASET_COLUMNS} FROM dataset_example e JOIN dataset_version d ON d.id = e.dataset_version_id
     WHERE e.request_id = ANY ($1::text[]) ORDER BY d.created_at DESC, d.id DESC`,
  ),
});
