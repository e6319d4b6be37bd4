import type { EntityManager } from 'typeorm';
import { POLICY_COLUMNS, RetrainPolicyRow } from '../services/decide/retrain-policy.service';
import { rowsById } from './by-id';

/** Retrain policies by id: the policy a decision names. */
export const createRetrainPolicyLoader = (db: EntityManager) =>
  rowsById<RetrainPolicyRow>(db, `SELECT ${POLICY_COLUMNS} FROM retrain_policy p WHERE p.id = ANY ($1::uuid[])`);
