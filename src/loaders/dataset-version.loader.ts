import type { EntityManager } from 'typeorm';
import { DATASET_COLUMNS, DatasetVersionRow } from '../services/curate/dataset.service';
import { rowsById } from './by-id';

/** Dataset versions by id: a version's parent, a decision's or a run's dataset. */
export const createDatasetVersionLoader = (db: EntityManager) =>
  rowsById<DatasetVersionRow>(db, `SELECT ${DATASET_COLUMNS} FROM dataset_version d WHERE d.id = ANY ($1::uuid[])`);
