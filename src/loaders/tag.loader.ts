import type { EntityManager } from 'typeorm';
import { childrenByRequestId } from './by-request-id';

export interface TagView {
  id: string;
  name: string;
  source: string;
  actor: string;
  createdAt: Date;
}

/** Active tags of each entry, oldest first. */
export const createTagLoader = (db: EntityManager) =>
  childrenByRequestId<TagView>(
    db,
    `SELECT request_id, id::text AS id, tag AS name, source, actor, created_at AS "createdAt" FROM log_tag
     WHERE request_id = ANY ($1::text[]) AND removed_at IS NULL ORDER BY created_at, id`,
  );
