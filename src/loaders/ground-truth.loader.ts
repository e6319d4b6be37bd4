import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { GROUND_TRUTH_COLUMNS, GroundTruthRow } from '../services/decide/ground-truth.service';

/** Ground truth by requestId (one per entry). */
export const createGroundTruthLoader = (db: EntityManager) =>
  new DataLoader<string, GroundTruthRow | null>(async (ids) => {
    const rows: GroundTruthRow[] = await db.query(`SELECT ${GROUND_TRUTH_COLUMNS} FROM ground_truth g WHERE g.request_id = ANY ($1::text[])`, [ids as string[]]);
    const byId = new Map(rows.map((r) => [r.requestId, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
