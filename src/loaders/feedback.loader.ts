import type { EntityManager } from 'typeorm';
import { FEEDBACK_COLUMNS, FeedbackRow } from '../services/feedback.service';
import { childrenByRequestId } from './by-request-id';

export const createFeedbackLoader = (db: EntityManager) =>
  childrenByRequestId<FeedbackRow>(db, `SELECT f.request_id, ${FEEDBACK_COLUMNS} FROM feedback f WHERE f.request_id = ANY ($1::text[]) ORDER BY f.created_at, f.id`);
