import type { EntityManager } from 'typeorm';
import { CORRECTION_COLUMNS, CorrectionRow } from '../services/correction.service';
import { childrenByRequestId } from './by-request-id';

export const createCorrectionLoader = (db: EntityManager) =>
  childrenByRequestId<CorrectionRow>(db, `SELECT c.request_id, ${CORRECTION_COLUMNS} FROM correction c WHERE c.request_id = ANY ($1::text[]) ORDER BY c.created_at, c.id`);
