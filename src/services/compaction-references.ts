/**
 * Everything that can point at a log row. A log row referenced from any of these tables is never
 * compacted, whatever its keep reasons. Features that reference log rows (tags, feedback, corrections,
 * dataset membership) add their table here — and index its request_id column, since compaction probes
 * it once per candidate row. Nothing else in compaction needs to change.
 */
export interface LogReference {
  table: string;
  /** Column holding the referenced log row's request_id. */
  column: string;
}

export const LOG_REFERENCES: LogReference[] = [];

export function notReferencedSql(alias: string, references: readonly LogReference[] = LOG_REFERENCES): string {
  return references
    .map((r) => `AND NOT EXISTS (SELECT 1 FROM ${r.table} ref WHERE ref.${r.column} = ${alias}.request_id)`)
    .join('\n      ');
}
