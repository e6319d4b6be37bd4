import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { REVIEW_ITEM_COLUMNS, ReviewItemRow } from '../services/review.service';

/** Review items by requestId (one per entry), for mutation payloads and `node`. */
export const createReviewItemLoader = (db: EntityManager) =>
  new DataLoader<string, ReviewItemRow | null>(async (ids) => {
    const rows: ReviewItemRow[] = await db.query(`SELECT ${REVIEW_ITEM_COLUMNS} FROM review_item ri WHERE ri.request_id = ANY ($1::text[])`, [ids as string[]]);
    const byId = new Map(rows.map((r) => [r.requestId, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
