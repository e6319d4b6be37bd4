import crypto from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { queryRows } from '../db/sql';
import { badInput, FlywheelError, InputProblem } from '../errors';
import { holdOffCompaction } from './compaction-references';
import { redactText } from './redaction/redactor';

export type CorrectionSource = 'OPERATOR' | 'MODEL';
export type CorrectionStatus = 'ACCEPTED' | 'PROPOSED' | 'REJECTED';

export interface CorrectionInput {
  requestId: string;
  completion: string;
  source: CorrectionSource;
  annotator: string;
  confidence?: number | null;
}

export interface CorrectionRow {
  id: string;
  requestId: string;
  completion: string;
  source: CorrectionSource;
  annotator: string;
  confidence: number | null;
  status: CorrectionStatus;
  reviewedBy: string | null;
  reviewedAt: Date | null;
  createdAt: Date;
  /** Another ACCEPTED correction of the same normalised prompt says something else. */
  conflict: boolean;
}

export const CORRECTION_COLUMNS = `c.id, c.request_id AS "requestId", c.completion, c.source, c.annotator, c.confidence, c.status,
  c.reviewed_by AS "reviewedBy", c.reviewed_at AS "reviewedAt", c.created_at AS "createdAt",
  (c.status = 'ACCEPTED' AND EXISTS (SELECT 1 FROM correction o WHERE o.prompt_key = c.prompt_key AND o.status = 'ACCEPTED'
                                      AND o.completion_key <> c.completion_key)) AS conflict`;

/**
 * Label keys: the same question asked with different case, spacing or trailing punctuation is the same
 * prompt; two accepted corrections for it that differ after the same normalisation are a label conflict.
 */
export function normalisedKey(text: string): string {
  const norm = text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim().replace(/[\s.!?。！？]+$/u, '');
  return crypto.createHash('sha256').update(norm, 'utf8').digest('hex');
}

/**
 * Corrections carry the completion the model should have produced, with annotation metadata
 * (annotator, source, confidence, time). Routing: OPERATOR corrections are ACCEPTED; MODEL corrections
 * with confidence ≥ AUTO_ACCEPT_CONFIDENCE are ACCEPTED automatically; the rest are PROPOSED and wait for
 * a human. An ACCEPTED correction takes its entry out of the review queue.
 */
export class CorrectionService {
  constructor(private readonly config: Config) {}

  async submit(tx: EntityManager, input: CorrectionInput): Promise<CorrectionRow> {
    this.validate(input);
    await holdOffCompaction(tx);
    const [entry]: { prompt: string }[] = await tx.query(
      `SELECT l.prompt FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id WHERE r.request_id = $1`,
      [input.requestId],
    );
    if (!entry) throw new FlywheelError('NOT_FOUND', `No stored log entry ${input.requestId} (never logged, or compacted)`);
    const status: CorrectionStatus =
      input.source === 'OPERATOR' || (input.confidence != null && input.confidence >= this.config.autoAcceptConfidence) ? 'ACCEPTED' : 'PROPOSED';
    const completion = redactText(input.completion);
    const [row]: { id: string }[] = await tx.query(
      `INSERT INTO correction (request_id, completion, redactions, source, annotator, confidence, status, prompt_key, completion_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        input.requestId,
        completion.text,
        completion.total > 0 ? JSON.stringify(completion.counts) : null,
        input.source,
        input.annotator,
        input.confidence ?? null,
        status,
        normalisedKey(entry.prompt),
        normalisedKey(completion.text),
      ],
    );
    await this.syncReviewItem(tx, input.requestId);
    return this.byId(tx, row.id);
  }

  async review(tx: EntityManager, id: string, to: 'ACCEPTED' | 'REJECTED', reviewer: string): Promise<CorrectionRow> {
    if (!/^\S(.{0,98}\S)?$/.test(reviewer)) throw badInput([{ field: 'reviewer', message: 'must be 1–100 characters' }]);
    const from = to === 'ACCEPTED' ? ['PROPOSED', 'REJECTED'] : ['PROPOSED', 'ACCEPTED'];
    const rows = /^[0-9a-f-]{36}$/i.test(id)
      ? await queryRows<{ request_id: string; status: string }>(
          tx,
          `UPDATE correction SET status = $2, reviewed_by = $3, reviewed_at = now() WHERE id = $1 AND status = ANY ($4::text[])
           RETURNING request_id, status`,
          [id, to, reviewer, from],
        )
      : [];
    if (rows.length === 0) {
      const existing = /^[0-9a-f-]{36}$/i.test(id) ? await tx.query(`SELECT status FROM correction WHERE id = $1`, [id]) : [];
      if (existing.length === 0) throw new FlywheelError('NOT_FOUND', `No correction with id ${id}`);
      if (existing[0].status === to) return this.byId(tx, id);
      throw new FlywheelError('BAD_USER_INPUT', `Correction ${id} is ${existing[0].status}; only ${from.join(' or ')} can become ${to}`);
    }
    await this.syncReviewItem(tx, rows[0].request_id);
    return this.byId(tx, id);
  }

  async labelConflicts(db: EntityManager, first = 50): Promise<{ promptKey: string; corrections: CorrectionRow[] }[]> {
    const groups: { prompt_key: string }[] = await db.query(
      `SELECT prompt_key FROM correction WHERE status = 'ACCEPTED' GROUP BY prompt_key HAVING count(DISTINCT completion_key) > 1
       ORDER BY max(created_at) DESC LIMIT $1`,
      [Math.min(Math.max(first, 1), 500)],
    );
    if (groups.length === 0) return [];
    const rows: (CorrectionRow & { prompt_key: string })[] = await db.query(
      `SELECT ${CORRECTION_COLUMNS}, c.prompt_key FROM correction c WHERE c.prompt_key = ANY ($1::text[]) AND c.status = 'ACCEPTED' ORDER BY c.created_at`,
      [groups.map((g) => g.prompt_key)],
    );
    return groups.map((g) => ({ promptKey: g.prompt_key, corrections: rows.filter((r) => r.prompt_key === g.prompt_key) }));
  }

  private async byId(db: EntityManager, id: string): Promise<CorrectionRow> {
    const [row] = await db.query(`SELECT ${CORRECTION_COLUMNS} FROM correction c WHERE c.id = $1`, [id]);
    return row;
  }

  /** An entry with an accepted correction is DONE (and its claim ends); without one it is OPEN again. */
  private async syncReviewItem(tx: EntityManager, requestId: string): Promise<void> {
    await tx.query(
      `UPDATE review_item SET
         status = CASE WHEN EXISTS (SELECT 1 FROM correction c WHERE c.request_id = $1 AND c.status = 'ACCEPTED') THEN 'DONE' ELSE 'OPEN' END,
         claimed_by = CASE WHEN EXISTS (SELECT 1 FROM correction c WHERE c.request_id = $1 AND c.status = 'ACCEPTED') THEN NULL ELSE claimed_by END,
         lease_expires_at = CASE WHEN EXISTS (SELECT 1 FROM correction c WHERE c.request_id = $1 AND c.status = 'ACCEPTED') THEN NULL ELSE lease_expires_at END,
         updated_at = now()
       WHERE request_id = $1`,
      [requestId],
    );
  }

  private validate(input: CorrectionInput): void {
    const problems: InputProblem[] = [];
    if (input.completion.trim().length === 0) problems.push({ field: 'completion', message: 'must not be empty' });
    if (input.completion.length > this.config.maxTextChars) problems.push({ field: 'completion', message: `must be at most MAX_TEXT_CHARS=${this.config.maxTextChars} characters` });
    if (input.completion.includes('\u0000')) problems.push({ field: 'completion', message: 'contains a NUL character (\\u0000); remove it' });
    if (!/^\S(.{0,98}\S)?$/.test(input.annotator)) problems.push({ field: 'annotator', message: 'must be 1–100 characters' });
    if (input.confidence != null && !(input.confidence >= 0 && input.confidence <= 1)) problems.push({ field: 'confidence', message: 'must be between 0 and 1' });
    if (input.source === 'MODEL' && input.confidence == null) problems.push({ field: 'confidence', message: 'is required for MODEL corrections (0–1)' });
    if (problems.length) throw badInput(problems);
  }
}
