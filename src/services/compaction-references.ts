import type { EntityManager } from 'typeorm';

/**
 * Everything that can point at a log row. A log row referenced from any of these tables is never
 * compacted, whatever its keep reasons. Features that reference log rows (tags, feedback, corrections,
 * dataset membership) add their table here — and index its request_id column, since compaction probes
 * it once per candidate row — and take `holdOffCompaction` in the transaction that adds a reference.
 * Nothing else in compaction needs to change.
 */
export interface LogReference {
  table: string;
  /** Column holding the referenced log row's request_id. */
  column: string;
  /** Extra condition on the referencing row (alias `ref`), e.g. only active tags. */
  where?: string;
}

export const LOG_REFERENCES: LogReference[] = [
  { table: 'log_tag', column: 'request_id', where: 'ref.removed_at IS NULL' },
  { table: 'feedback', column: 'request_id' },
  { table: 'correction', column: 'request_id' },
  { table: 'dataset_example', column: 'request_id' },
  { table: 'ground_truth', column: 'request_id' },
];

export function notReferencedSql(alias: string, references: readonly LogReference[] = LOG_REFERENCES): string {
  return references
    .map((r) => `AND NOT EXISTS (SELECT 1 FROM ${r.table} ref WHERE ref.${r.column} = ${alias}.request_id${r.where ? ` AND ${r.where}` : ''})`)
    .join('\n      ');
}

/** Arbitrary but fixed advisory lock id shared by compaction and reference writers. */
export const COMPACTION_LOCK_ID = 727_003;

/**
 * A compaction batch decides "unreferenced" from its snapshot, then deletes. A reference committed in
 * between would point at a deleted row. So reference writers hold this lock shared for their
 * transaction, and each compaction batch takes it exclusively before its statement takes its snapshot:
 * the two never overlap, and writers never wait on each other. Call inside the writer's transaction.
 */
export async function holdOffCompaction(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock_shared($1)', [COMPACTION_LOCK_ID]);
}
