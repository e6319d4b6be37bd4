import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import { LOG_ENTRY_COLUMNS, LogRow } from '../services/log-query.service';

/** Log entries by requestId (through the register, which knows each row's ts). */
export const createLogEntryLoader = (db: EntityManager) =>
  new DataLoader<string, LogRow | null>(async (ids) => {
    const rows: LogRow[] = await db.query(
      `SELECT ${LOG_ENTRY_COLUMNS} FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
       WHERE r.request_id = ANY ($1::text[])`,
      [ids as string[]],
    );
    const byId = new Map(rows.map((r) => [r.requestId, r]));
    return ids.map((id) => byId.get(id) ?? null);
  });
