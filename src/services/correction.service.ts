import crypto from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { isUuid, queryRows } from '../db/sql';
import { badInput, FlywheelError, forbidden, InputProblem } from '../errors';
import type { PageResult } from '../schema/connection';
import { Keyset, PageArgs } from './paging/keyset';
import { holdOffCompaction } from './compaction-references';
import { redactText } from './redaction/redactor';
import { countRedactions, type Metrics } from '../metrics';

export type CorrectionSource = 'OPERATOR' | 'MODEL' | 'GROUND_TRUTH';
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

export interface LabelConflictRow {
  promptKey: string;
  corrections: CorrectionRow[];
}

const CONFLICT_KEYSET = new Keyset('labelConflicts', [
  { expr: 'g.last_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'g.k', dir: 'DESC', type: 'text' },
]);

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
  constructor(
    private readonly config: Config,
    private readonly metrics?: Metrics,
  ) {}

  /**
   * An entry waiting in the review queue is corrected only by the holder of its claim (so two
   * operators never label the same item twice, and a labelling model cannot race a human). Entries
   * outside the queue, or already done, may be corrected by anyone allowed to write corrections.
   */
  async submit(tx: EntityManager, input: CorrectionInput): Promise<CorrectionRow> {
    this.validate(input);
    await holdOffCompaction(tx);
    const [entry]: { prompt: string; model_version: string; status: string | null; claimed_by: string | null; held: boolean | null }[] = await tx.query(
      `SELECT l.prompt, l.model_version, ri.status, ri.claimed_by, ri.lease_expires_at > now() AS held
       FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
       LEFT JOIN review_item ri ON ri.request_id = r.request_id
       WHERE r.request_id = $1`,
      [input.requestId],
    );
    if (!entry) throw new FlywheelError('NOT_FOUND', 'requestId: no stored log entry (never logged, or compacted)', { field: 'requestId' });
    if (entry.status === 'OPEN' && !(entry.held && entry.claimed_by === input.annotator)) {
      throw forbidden(
        entry.held
          ? 'requestId: the entry is claimed by someone else; only the holder of the claim may correct it'
          : 'requestId: the entry is waiting in the review queue: claim it first (claimReviewItems with requestIds)',
        { field: 'requestId' },
      );
    }
    const status: CorrectionStatus =
      input.source === 'OPERATOR' || (input.confidence != null && input.confidence >= this.config.autoAcceptConfidence) ? 'ACCEPTED' : 'PROPOSED';
    const completion = redactText(input.completion);
    const [row]: { id: string }[] = await tx.query(
      `INSERT INTO correction (request_id, completion, redactions, source, annotator, confidence, status, prompt_key, completion_key, model_version, accepted_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $7 = 'ACCEPTED' THEN now() END) RETURNING id`,
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
        entry.model_version,
      ],
    );
    await this.syncReviewItem(tx, input.requestId);
    countRedactions(this.metrics, completion.counts);
    if (status === 'PROPOSED') {
      // The labeller is done with it; the queue hands it to a human who accepts or rejects the proposal.
      await tx.query(`UPDATE review_item SET claimed_by = NULL, lease_expires_at = NULL, updated_at = now() WHERE request_id = $1 AND claimed_by = $2`, [
        input.requestId,
        input.annotator,
      ]);
    }
    return this.byId(tx, row.id);
  }

  async review(tx: EntityManager, id: string, to: 'ACCEPTED' | 'REJECTED', reviewer: string): Promise<CorrectionRow> {
    const from = to === 'ACCEPTED' ? ['PROPOSED', 'REJECTED'] : ['PROPOSED', 'ACCEPTED'];
    if (to === 'ACCEPTED' && isUuid(id)) {
      const [own]: { annotator: string }[] = await tx.query(`SELECT annotator FROM correction WHERE id = $1`, [id]);
      // Four eyes: a label becomes training data only when someone other than its author accepts it.
      if (own?.annotator === reviewer) throw forbidden('correctionId: the correction was written by the acting identity; nobody accepts their own correction', { field: 'correctionId' });
    }
    const rows = isUuid(id)
      ? await queryRows<{ request_id: string; status: string }>(
          tx,
          `UPDATE correction SET status = $2, reviewed_by = $3, reviewed_at = now(), accepted_at = CASE WHEN $2 = 'ACCEPTED' THEN now() END WHERE id = $1 AND status = ANY ($4::text[])
           RETURNING request_id, status`,
          [id, to, reviewer, from],
        )
      : [];
    if (rows.length === 0) {
      const existing = isUuid(id) ? await tx.query(`SELECT status FROM correction WHERE id = $1`, [id]) : [];
      if (existing.length === 0) throw new FlywheelError('NOT_FOUND', 'No correction with this id');
      // Every other status can become `to`, so a miss here means it already is: accepting or rejecting twice is a no-op.
      return this.byId(tx, id);
    }
    await this.syncReviewItem(tx, rows[0].request_id);
    return this.byId(tx, id);
  }

  /** Conflicting prompts, most recently corrected first. */
  async labelConflicts(db: EntityManager, args: PageArgs, maxPageSize: number): Promise<PageResult<LabelConflictRow>> {
    const params: unknown[] = [];
    const plan = CONFLICT_KEYSET.plan(args, maxPageSize, (v) => (params.push(v), `$${params.length}`));
    const groups: { prompt_key: string; _k0: string; _k1: string }[] = await db.query(
      `SELECT g.prompt_key, ${CONFLICT_KEYSET.cursorColumns} FROM (
         SELECT prompt_key, max(created_at) AS last_at, prompt_key AS k FROM correction WHERE status = 'ACCEPTED'
         GROUP BY prompt_key HAVING count(DISTINCT completion_key) > 1
       ) g
       ${plan.where.length ? `WHERE ${plan.where.join(' AND ')}` : ''} ORDER BY ${plan.orderBy} LIMIT ${plan.limit}`,
      params,
    );
    const rows = await this.conflicts(db, groups.map((g) => g.prompt_key));
    return {
      ...plan.finish(groups, (g) => rows.get(g.prompt_key)!),
      totalCount: async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM (SELECT 1 FROM correction WHERE status = 'ACCEPTED' GROUP BY prompt_key HAVING count(DISTINCT completion_key) > 1) g`,
          )
        )[0].n,
    };
  }

  /** The accepted corrections of these prompts, oldest first (prompts without a conflict are left out). */
  async conflicts(db: EntityManager, promptKeys: string[]): Promise<Map<string, LabelConflictRow>> {
    const result = new Map<string, LabelConflictRow>();
    if (promptKeys.length === 0) return result;
    const rows: (CorrectionRow & { prompt_key: string })[] = await db.query(
      `SELECT ${CORRECTION_COLUMNS}, c.prompt_key FROM correction c WHERE c.prompt_key = ANY ($1::text[]) AND c.status = 'ACCEPTED' ORDER BY c.created_at, c.id`,
      [promptKeys],
    );
    for (const { prompt_key, ...row } of rows) {
      const group = result.get(prompt_key) ?? { promptKey: prompt_key, corrections: [] };
      group.corrections.push(row);
      result.set(prompt_key, group);
    }
    for (const [key, group] of result) if (!group.corrections.some((c) => c.conflict)) result.delete(key);
    return result;
  }

  byIds(db: EntityManager, ids: string[]): Promise<CorrectionRow[]> {
    return db.query(`SELECT ${CORRECTION_COLUMNS} FROM correction c WHERE c.id = ANY ($1::uuid[])`, [ids.filter((id) => isUuid(id))]);
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
    if (input.confidence != null && !(input.confidence >= 0 && input.confidence <= 1)) problems.push({ field: 'confidence', message: 'must be between 0 and 1' });
    if (input.source === 'MODEL' && input.confidence == null) problems.push({ field: 'confidence', message: 'is required from a MODEL_LABEL key (0–1)' });
    if (problems.length) throw badInput(problems);
  }
}
