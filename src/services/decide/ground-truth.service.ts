import { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { badInput, FlywheelError, InputProblem } from '../../errors';
import { holdOffCompaction } from '../compaction-references';
import { checkListLength, REQUEST_ID_RE } from '../input-rules';
import { normalisedKey } from '../correction.service';
import { redactText } from '../redaction/redactor';
import { countRedactions, type Metrics } from '../../metrics';
import type { TagService } from '../tag.service';

export interface GroundTruthInput {
  requestId: string;
  expected: string;
  observedAt?: Date | null;
}

export type GroundTruthStatus = 'PENDING' | 'MATCH' | 'MISMATCH';

export interface GroundTruthRow {
  requestId: string;
  expected: string;
  observedAt: Date;
  receivedAt: Date;
  reportedBy: string;
  status: GroundTruthStatus;
  comparedAt: Date | null;
}

export interface GroundTruthResult extends GroundTruthRow {
  /** False when this request's ground truth had been reported already (the same value: a safe retry). */
  created: boolean;
}

export interface AccuracyBucket {
  hour: Date;
  labelled: number;
  correct: number;
  accuracy: number;
}

export const GROUND_TRUTH_COLUMNS = `g.request_id AS "requestId", g.expected, g.observed_at AS "observedAt", g.received_at AS "receivedAt",
  g.reported_by AS "reportedBy", CASE WHEN g.compared_at IS NULL THEN 'PENDING' WHEN g.matched THEN 'MATCH' ELSE 'MISMATCH' END AS status,
  g.compared_at AS "comparedAt"`;
const NUMBER_RE = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;
const MAX_ACCURACY_HOURS = 24 * 93;
/** Pending reports matched per job run; the rest wait for the next minute. */
const MATCH_BATCH = 2000;

/**
 * Delayed ground truth (the practice's "prediction errors when ground truth labels become
 * available"). An endpoint reports the true outcome of a logged request; it is redacted like any text,
 * idempotent per requestId, and compared with the logged response by the model line's rule: EXACT
 * after the same normalisation as corrections (NFKC, case, whitespace, trailing punctuation), or
 * NUMERIC (the first number in each, within the line's tolerance). A mismatch tags the entry
 * prediction_error (source GROUND_TRUTH), which queues it for review, and proposes the true label as
 * a PROPOSED correction for a human to accept. Reports that outrun their log row wait for it.
 */
export class GroundTruthService {
  constructor(
    private readonly config: Config,
    private readonly tags: TagService,
    private readonly metrics?: Metrics,
  ) {}

  async report(tx: EntityManager, items: GroundTruthInput[], reportedBy: string): Promise<GroundTruthResult[]> {
    const problems: InputProblem[] = [];
    if (items.length === 0) throw badInput([{ field: 'items', message: 'give at least one item' }]);
    checkListLength('ReportGroundTruthsInput.items', items.length, this.config);
    const seen = new Set<string>();
    items.forEach((it, index) => {
      const at = items.length > 1 ? { index } : {};
      if (!REQUEST_ID_RE.test(it.requestId)) problems.push({ ...at, field: 'requestId', message: 'must be 1–200 printable ASCII characters without spaces' });
      else if (seen.has(it.requestId)) problems.push({ ...at, field: 'requestId', message: 'appears twice in this call' });
      seen.add(it.requestId);
      if (it.expected.trim() === '' || it.expected.length > this.config.maxTextChars) problems.push({ ...at, field: 'expected', message: `must be 1–${this.config.maxTextChars} characters` });
      if (it.expected.includes('\u0000')) problems.push({ ...at, field: 'expected', message: 'contains a NUL character (\\u0000); remove it' });
    });
    if (problems.length) throw badInput(problems);
    await holdOffCompaction(tx);
    const redacted = items.map((it) => redactText(it.expected));
    const inserted: { request_id: string }[] = await tx.query(
      `INSERT INTO ground_truth (request_id, expected, redactions, observed_at, reported_by)
       SELECT r.id, r.expected, r.redactions, coalesce(r.observed_at, now()), $5
       FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::timestamptz[]) AS r(id, expected, redactions, observed_at)
       ON CONFLICT (request_id) DO NOTHING RETURNING request_id`,
      [
        items.map((it) => it.requestId),
        redacted.map((r) => r.text),
        redacted.map((r) => (r.total > 0 ? JSON.stringify(r.counts) : null)),
        items.map((it) => it.observedAt ?? null),
        reportedBy,
      ],
    );
    const created = new Set(inserted.map((r) => r.request_id));
    items.forEach((it, index) => {
      if (created.has(it.requestId)) countRedactions(this.metrics, redacted[index].counts);
    });
    const rows = await this.byRequestIds(tx, items.map((it) => it.requestId));
    const byId = new Map(rows.map((r) => [r.requestId, r]));
    const conflicts: InputProblem[] = [];
    items.forEach((it, index) => {
      const row = byId.get(it.requestId)!;
      if (!created.has(it.requestId) && row.expected !== redacted[index].text) {
        conflicts.push({ ...(items.length > 1 ? { index } : {}), field: 'expected', message: 'ground truth for this requestId was already reported with a different value' });
      }
    });
    if (conflicts.length) throw new FlywheelError('CONFLICT', `Ground truth was already reported differently for ${conflicts.length} request(s); the first report stands`, { problems: conflicts });
    if (created.size) await this.compare(tx, [...created], reportedBy);
    const after = new Map((await this.byRequestIds(tx, items.map((it) => it.requestId))).map((r) => [r.requestId, r]));
    return items.map((it) => ({ ...after.get(it.requestId)!, created: created.has(it.requestId) }));
  }

  byRequestIds(db: EntityManager, ids: string[]): Promise<GroundTruthRow[]> {
    return db.query(`SELECT ${GROUND_TRUTH_COLUMNS} FROM ground_truth g WHERE g.request_id = ANY ($1::text[])`, [ids]);
  }

  /**
   * Compares the given pending reports whose log rows exist; the others stay pending. Returns how
   * many were compared.
   */
  async compare(tx: EntityManager, ids: string[], actor: string): Promise<number> {
    const rows: {
      request_id: string;
      expected: string;
      prompt: string;
      response: string;
      model_version: string;
      ts: Date;
      mode: string | null;
      tolerance: number | null;
      reported_by: string;
    }[] = await tx.query(
      `SELECT g.request_id, g.expected, g.reported_by, l.prompt, l.response, l.model_version, l.ts, ml.ground_truth_match AS mode, ml.ground_truth_tolerance AS tolerance
       FROM ground_truth g JOIN inference_request r ON r.request_id = g.request_id
         JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
         LEFT JOIN model_version mv ON mv.name = l.model_version LEFT JOIN model_line ml ON ml.name = mv.model_line
       WHERE g.request_id = ANY ($1::text[]) AND g.compared_at IS NULL
       FOR UPDATE OF g`,
      [ids],
    );
    if (rows.length === 0) return 0;
    const verdicts = rows.map((r) => ({ ...r, matched: matches(r.expected, r.response, r.mode === 'NUMERIC' ? (r.tolerance ?? 0) : null) }));
    await tx.query(
      `UPDATE ground_truth g SET matched = v.matched, model_version = v.model_version, ts = v.ts, compared_at = now()
       FROM unnest($1::text[], $2::boolean[], $3::text[], $4::timestamptz[]) AS v(request_id, matched, model_version, ts)
       WHERE g.request_id = v.request_id`,
      [verdicts.map((v) => v.request_id), verdicts.map((v) => v.matched), verdicts.map((v) => v.model_version), verdicts.map((v) => v.ts)],
    );
    const wrong = verdicts.filter((v) => !v.matched);
    if (wrong.length) {
      await this.tags.addTags(tx, wrong.map((w) => w.request_id), ['prediction_error'], 'GROUND_TRUTH', actor);
      // The true label, proposed: a human accepts it (nobody accepts their own; the reporter is a key, not an operator).
      await tx.query(
        `INSERT INTO correction (request_id, completion, source, annotator, confidence, status, prompt_key, completion_key, model_version)
         SELECT w.request_id, w.expected, 'GROUND_TRUTH', w.reported_by, 1, 'PROPOSED', w.prompt_key, w.completion_key, w.model_version
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) AS w(request_id, expected, reported_by, prompt_key, completion_key, model_version)`,
        [
          wrong.map((w) => w.request_id),
          wrong.map((w) => w.expected),
          wrong.map((w) => w.reported_by),
          wrong.map((w) => normalisedKey(w.prompt)),
          wrong.map((w) => normalisedKey(w.expected)),
          wrong.map((w) => w.model_version),
        ],
      );
    }
    return rows.length;
  }

  /** The ground-truth-match job: pending reports whose log rows have arrived since. */
  async matchPending(db: EntityManager): Promise<number> {
    return db.transaction(async (tx) => {
      await holdOffCompaction(tx);
      const pending: { request_id: string; reported_by: string }[] = await tx.query(
        `SELECT g.request_id, g.reported_by FROM ground_truth g
         WHERE g.compared_at IS NULL AND EXISTS (SELECT 1 FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id WHERE r.request_id = g.request_id)
         ORDER BY g.received_at LIMIT ${MATCH_BATCH}`,
      );
      let compared = 0;
      const byActor = new Map<string, string[]>();
      for (const p of pending) byActor.set(p.reported_by, [...(byActor.get(p.reported_by) ?? []), p.request_id]);
      for (const [actor, ids] of byActor) compared += await this.compare(tx, ids, actor);
      return compared;
    });
  }

  /** Live accuracy per hour of the entries' time: labelled (compared) reports and how many matched. */
  async accuracy(db: EntityManager, modelVersion: string, from: Date, to: Date): Promise<AccuracyBucket[]> {
    if (!(from < to)) throw badInput([{ field: 'from', message: 'must be before to' }]);
    if (to.getTime() - from.getTime() > MAX_ACCURACY_HOURS * 3_600_000) throw badInput([{ field: 'from', message: `the range is at most ${MAX_ACCURACY_HOURS} hours` }]);
    const rows: { hour: Date; labelled: number; correct: number }[] = await db.query(
      `SELECT date_trunc('hour', ts) AS hour, count(*)::int AS labelled, count(*) FILTER (WHERE matched)::int AS correct
       FROM ground_truth WHERE model_version = $1 AND compared_at IS NOT NULL AND ts >= $2 AND ts < $3 GROUP BY 1 ORDER BY 1`,
      [modelVersion, from, to],
    );
    return rows.map((r) => ({ ...r, accuracy: r.labelled ? r.correct / r.labelled : 0 }));
  }

  /** Labelled and correct reports of a model version since a time (the ACCURACY retrain policy). */
  async window(db: EntityManager, modelVersion: string, since: Date): Promise<{ labelled: number; correct: number }> {
    const [r]: { labelled: number; correct: number }[] = await db.query(
      `SELECT count(*)::int AS labelled, count(*) FILTER (WHERE matched)::int AS correct FROM ground_truth
       WHERE model_version = $1 AND compared_at IS NOT NULL AND ts >= $2`,
      [modelVersion, since],
    );
    return r;
  }
}

/** EXACT: equal after normalisation. NUMERIC (tolerance given): the first number of each within it. */
export function matches(expected: string, response: string, tolerance: number | null): boolean {
  if (tolerance === null) return normalisedKey(expected) === normalisedKey(response);
  const a = NUMBER_RE.exec(expected.replace(/(\d),(?=\d{3}\b)/g, '$1'));
  const b = NUMBER_RE.exec(response.replace(/(\d),(?=\d{3}\b)/g, '$1'));
  if (!a || !b) return normalisedKey(expected) === normalisedKey(response);
  return Math.abs(Number(a[0]) - Number(b[0])) <= tolerance + 1e-12;
}
