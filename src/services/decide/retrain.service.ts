import crypto from 'node:crypto';
import { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { isUuid } from '../../db/sql';
import { badInput } from '../../errors';
import type { PageResult } from '../../schema/connection';
import { DatasetService, retrainDatasetName } from '../curate/dataset.service';
import { Keyset, PageArgs } from '../paging/keyset';
import { DEFAULT_MIN_CORRECTED, RetrainPolicyRow, RetrainPolicyService } from './retrain-policy.service';
import type { WebhookService } from './webhook.service';
import type { GroundTruthService } from './ground-truth.service';
import { toGlobalId } from '../../schema/node';

export type RetrainOutcome = 'RETRAIN' | 'WAIT';
type Counts = Record<string, number | string | null>;

/** One policy's verdict, with the numbers behind it. */
export interface PolicyCheck {
  policyId: string;
  kind: string;
  fired: boolean;
  reason: string;
  counts: Counts;
}

/** What the policies say now (nothing written). */
export interface RetrainAssessment {
  modelVersion: string;
  outcome: RetrainOutcome;
  firing: PolicyCheck | null;
  checks: PolicyCheck[];
  reasons: string[];
  counts: Counts;
  /** The dataset version a RETRAIN extends: the one the model version was trained on, when READY. */
  baseDatasetVersionId: string | null;
  /** The firing policy and the state of its data; equal fingerprints build one dataset version. */
  fingerprint: string | null;
}

export interface RetrainDecisionRow {
  id: string;
  modelVersion: string;
  outcome: RetrainOutcome;
  policyId: string | null;
  reasons: string[];
  counts: Counts & { checks?: PolicyCheck[] };
  datasetVersionId: string | null;
  decidedBy: string;
  decidedAt: Date;
}

export const DECISION_COLUMNS = `x.id, x.model_version AS "modelVersion", x.outcome, x.policy_id AS "policyId", x.reasons, x.counts,
  x.dataset_version_id AS "datasetVersionId", x.decided_by AS "decidedBy", x.decided_at AS "decidedAt"`;
const DECISIONS_KEYSET = new Keyset('retrainDecisions', [
  { expr: 'x.decided_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'x.id', dir: 'DESC', type: 'uuid' },
]);

/** Fewest labelled rows an ACCURACY policy judges on: below ~50, one wrong answer moves accuracy by 2 points. */
const DEFAULT_MIN_LABELLED = 50;
const iso = (d: Date | string | null) => (d == null ? null : new Date(d).toISOString());

/**
 * When to retrain, from the loop's own state. Every count is "since the last training run started
 * from this model version" (none yet: since the beginning), so data a run already used never fires a
 * policy again. Counts read `correction_accepted_model_idx` (model version, accepted time) and
 * narrow indexes on drift events, tags and the review queue: cheap enough for CI to poll.
 *
 * A RETRAIN builds a dataset version through the curate build: the version's traffic with accepted
 * corrections, extending the dataset the model version was itself trained on. Deciding again on the
 * same data (same firing policy, same corrections) points at the same dataset version instead of
 * building another.
 */
export class RetrainService {
  constructor(
    private readonly config: Config,
    private readonly policies: RetrainPolicyService,
    private readonly datasets: DatasetService,
    private readonly webhooks: WebhookService,
    private readonly groundTruth: GroundTruthService,
  ) {}

  async assess(db: EntityManager, modelVersion: string, now = new Date()): Promise<RetrainAssessment> {
    if (modelVersion.length === 0 || modelVersion.length > 200) throw badInput([{ field: 'modelVersion', message: 'must be 1–200 characters' }]);
    const policies = await this.policies.enabledFor(db, modelVersion);
    const [lineage]: { last_run_at: Date | null; base_dataset: string | null }[] = await db.query(
      `SELECT (SELECT max(created_at) FROM training_run WHERE base_model_version = $1) AS last_run_at,
              (SELECT t.dataset_version_id FROM training_run t JOIN dataset_version d ON d.id = t.dataset_version_id AND d.status = 'READY'
               WHERE t.candidate_model_version = $1 ORDER BY t.created_at DESC LIMIT 1) AS base_dataset`,
      [modelVersion],
    );
    const since: Date | null = lineage.last_run_at;
    const [fresh]: { n: number; last_at: Date | null }[] = await db.query(
      `SELECT count(DISTINCT request_id)::int AS n, max(accepted_at) AS last_at FROM correction
       WHERE status = 'ACCEPTED' AND model_version = $1 AND ($2::timestamptz IS NULL OR accepted_at > $2)`,
      [modelVersion, since],
    );
    const counts: Counts = { newAcceptedCorrections: fresh.n, lastTrainingRunAt: iso(since), policies: policies.length };
    const sinceText = since ? `since the last training run (${iso(since)})` : 'so far (no training run from this version yet)';
    const checks: PolicyCheck[] = [];
    for (const p of policies) checks.push(await this.check(db, p, { since, sinceText, newAccepted: fresh.n, now }));
    const firing = checks.find((c) => c.fired) ?? null;
    const reasons = policies.length === 0 ? [`no enabled retrain policy for ${modelVersion}`] : checks.map((c) => `${c.kind}: ${c.reason}`);
    const fingerprint = firing
      ? crypto
          .createHash('sha256')
          .update(JSON.stringify([modelVersion, firing.policyId, lineage.base_dataset, iso(since), fresh.n, iso(fresh.last_at)]))
          .digest('hex')
      : null;
    return {
      modelVersion,
      outcome: firing ? 'RETRAIN' : 'WAIT',
      firing,
      checks,
      reasons,
      counts,
      baseDatasetVersionId: lineage.base_dataset,
      fingerprint,
    };
  }

  /**
   * Assesses and records a decision; on RETRAIN, the dataset version for it (or the one an earlier
   * decision on the same data built). One decision per model version at a time (advisory lock), so
   * the scheduled job and a CI call cannot both build. `onlyIfChanged` (the scheduled job) skips
   * recording a WAIT that says what the last decision already said.
   */
  async decide(tx: EntityManager, modelVersion: string, decidedBy: string, opts: { onlyIfChanged?: boolean } = {}): Promise<RetrainDecisionRow | null> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('flywheel:retrain:' || $1))`, [modelVersion]);
    const a = await this.assess(tx, modelVersion);
    if (opts.onlyIfChanged) {
      const [last]: { outcome: string; reasons: string[]; fingerprint: string | null }[] = await tx.query(
        `SELECT outcome, reasons, fingerprint FROM retrain_decision WHERE model_version = $1 ORDER BY decided_at DESC, id DESC LIMIT 1`,
        [modelVersion],
      );
      const sameWait = a.outcome === 'WAIT' && last?.outcome === 'WAIT' && JSON.stringify(last.reasons) === JSON.stringify(a.reasons);
      const sameRetrain = a.outcome === 'RETRAIN' && last?.outcome === 'RETRAIN' && last.fingerprint === a.fingerprint;
      if (sameWait || sameRetrain) return null;
    }
    let datasetVersionId: string | null = null;
    let built: { id: string; name: string; version: number } | null = null;
    if (a.firing && a.fingerprint) {
      const [earlier]: { dataset_version_id: string }[] = await tx.query(
        `SELECT dataset_version_id FROM retrain_decision WHERE fingerprint = $1 AND dataset_version_id IS NOT NULL ORDER BY decided_at LIMIT 1`,
        [a.fingerprint],
      );
      if (earlier) datasetVersionId = earlier.dataset_version_id;
      else {
        const [policy] = await this.policies.byIds(tx, [a.firing.policyId]);
        const t = policy.dataset;
        const created = await this.datasets.create(
          tx,
          {
            name: t.name ?? retrainDatasetName(modelVersion),
            tags: t.tags,
            systemPrompt: t.systemPrompt,
            formats: t.formats,
            validationFraction: t.validationFraction,
            modelVersions: [modelVersion],
            baseVersionId: a.baseDatasetVersionId,
          },
          decidedBy,
        );
        datasetVersionId = created.id;
        built = created;
      }
    }
    const [row]: RetrainDecisionRow[] = await tx.query(
      `INSERT INTO retrain_decision AS x (model_version, outcome, policy_id, reasons, counts, fingerprint, dataset_version_id, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING ${DECISION_COLUMNS}`,
      [
        modelVersion,
        a.outcome,
        a.firing?.policyId ?? null,
        JSON.stringify(a.reasons),
        JSON.stringify({ ...a.counts, checks: a.checks }),
        a.fingerprint,
        datasetVersionId,
        decidedBy,
      ],
    );
    // The pipeline is started once per state of the data: a decision that reuses a dataset says nothing new.
    if (built) {
      await this.webhooks.emit(tx, 'RETRAIN_DECIDED', {
        retrainDecisionId: toGlobalId('RetrainDecision', row.id),
        modelVersion,
        outcome: row.outcome,
        policyKind: a.firing?.kind ?? null,
        reasons: a.reasons,
        counts: a.counts,
        datasetVersion: { id: toGlobalId('DatasetVersion', built.id), name: built.name, version: built.version },
      });
    }
    return row;
  }

  /** Model versions the scheduled job evaluates: those with an enabled policy. */
  async versionsWithPolicies(db: EntityManager): Promise<string[]> {
    const rows: { model_version: string }[] = await db.query(`SELECT DISTINCT model_version FROM retrain_policy WHERE enabled ORDER BY 1`);
    return rows.map((r) => r.model_version);
  }

  async lastDecision(db: EntityManager, modelVersion: string): Promise<RetrainDecisionRow | null> {
    const [row]: RetrainDecisionRow[] = await db.query(
      `SELECT ${DECISION_COLUMNS} FROM retrain_decision x WHERE x.model_version = $1 ORDER BY x.decided_at DESC, x.id DESC LIMIT 1`,
      [modelVersion],
    );
    return row ?? null;
  }

  byIds(db: EntityManager, ids: string[]): Promise<RetrainDecisionRow[]> {
    return db.query(`SELECT ${DECISION_COLUMNS} FROM retrain_decision x WHERE x.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  list(db: EntityManager, modelVersion: string | null | undefined, page: PageArgs): Promise<PageResult<RetrainDecisionRow>> {
    const one = modelVersion != null;
    return DECISIONS_KEYSET.fetch<RetrainDecisionRow>(db, page, this.config.maxPageSize, {
      columns: DECISION_COLUMNS,
      from: 'retrain_decision x',
      filter: one ? ['x.model_version = $1'] : [],
      params: one ? [modelVersion] : [],
    });
  }

  private async check(
    db: EntityManager,
    p: RetrainPolicyRow,
    s: { since: Date | null; sinceText: string; newAccepted: number; now: Date },
  ): Promise<PolicyCheck> {
    const minExamples = p.params.minExamples ?? 1;
    const enoughData = s.newAccepted >= minExamples;
    const dataText = `${s.newAccepted} of ${minExamples} new accepted corrections ${s.sinceText}`;
    const verdict = (fired: boolean, reason: string, counts: Counts): PolicyCheck => ({ policyId: p.id, kind: p.kind, fired, reason, counts });
    switch (p.kind) {
      case 'DRIFT': {
        const need = p.params.minCorrected ?? DEFAULT_MIN_CORRECTED;
        const events: { id: string; detected_at: Date; window_hours: number; metric: string; value: number; threshold: number; corrected: number }[] = await db.query(
          `SELECT e.id, e.detected_at, e.window_hours, e.metric, e.value, e.threshold,
                  (SELECT count(DISTINCT c.request_id)::int FROM correction c JOIN inference_request r ON r.request_id = c.request_id
                   WHERE c.status = 'ACCEPTED' AND c.model_version = e.model_version AND ($2::timestamptz IS NULL OR c.accepted_at > $2)
                     AND r.ts >= e.detected_at - e.window_hours * interval '1 hour' AND r.ts <= e.detected_at) AS corrected
           FROM drift_event e WHERE e.model_version = $1 AND e.resolved_at IS NULL ORDER BY e.detected_at`,
          [p.modelVersion, s.since],
        );
        if (events.length === 0) return verdict(false, 'no open drift event', { openDriftEvents: 0, minCorrected: need });
        const best = events.reduce((a, b) => (b.corrected > a.corrected ? b : a));
        const fired = best.corrected >= need;
        const text =
          `drift event ${best.id} (${best.metric} ${best.value} against ${best.threshold}) open since ${iso(best.detected_at)}; ` +
          `${best.corrected} of ${need} corrected rows in its ${best.window_hours} h window${fired ? '' : ' — not enough to retrain on yet'}`;
        return verdict(fired, text, { openDriftEvents: events.length, driftEventId: best.id, correctedInWindow: best.corrected, minCorrected: need });
      }
      case 'SCHEDULE': {
        const interval = p.params.intervalHours! * 3_600_000;
        const [last]: { at: Date | null }[] = await db.query(
          `SELECT max(decided_at) AS at FROM retrain_decision WHERE policy_id = $1 AND outcome = 'RETRAIN'`,
          [p.id],
        );
        const anchors = [s.since, last.at].filter((d): d is Date => d != null).map((d) => new Date(d).getTime());
        const anchor = anchors.length ? Math.max(...anchors) : new Date(p.createdAt).getTime();
        const dueAt = anchor + interval;
        const due = s.now.getTime() >= dueAt;
        const when = due ? `due since ${new Date(dueAt).toISOString()}` : `next due ${new Date(dueAt).toISOString()}`;
        return verdict(due && enoughData, `every ${p.params.intervalHours} h: ${when}; ${dataText}`, {
          dueAt: new Date(dueAt).toISOString(),
          newAcceptedCorrections: s.newAccepted,
          minExamples,
        });
      }
      case 'CLUSTER': {
        const [c]: { n: number }[] = await db.query(
          `SELECT count(*)::int AS n FROM log_tag t JOIN inference_request r ON r.request_id = t.request_id
             JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
           WHERE t.tag = $2 AND t.removed_at IS NULL AND t.created_at >= $3 AND l.model_version = $1
             AND NOT EXISTS (SELECT 1 FROM correction k WHERE k.request_id = t.request_id AND k.status = 'ACCEPTED')`,
          [p.modelVersion, p.params.tag, new Date(s.now.getTime() - p.params.periodHours! * 3_600_000)],
        );
        const crossed = c.n >= p.params.threshold!;
        return verdict(
          crossed && enoughData,
          `cluster "${p.params.tag}": ${c.n} open entries tagged in the last ${p.params.periodHours} h (threshold ${p.params.threshold}); ${dataText}`,
          { openTagged: c.n, threshold: p.params.threshold!, newAcceptedCorrections: s.newAccepted, minExamples },
        );
      }
      case 'VOLUME': {
        const [q]: { flagged: number; corrected: number }[] = await db.query(
          `SELECT count(*)::int AS flagged, count(*) FILTER (WHERE ri.status = 'DONE')::int AS corrected
           FROM review_item ri JOIN inference_request r ON r.request_id = ri.request_id
             JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
           WHERE l.model_version = $1 AND ($2::timestamptz IS NULL OR ri.created_at > $2)`,
          [p.modelVersion, s.since],
        );
        const share = q.flagged ? q.corrected / q.flagged : 0;
        const byCount = p.params.minNewCorrections != null && s.newAccepted >= p.params.minNewCorrections;
        const byShare = p.params.minCorrectedShare != null && q.flagged > 0 && share >= p.params.minCorrectedShare;
        const parts: string[] = [];
        if (p.params.minNewCorrections != null) parts.push(`${s.newAccepted} of ${p.params.minNewCorrections} new accepted corrections`);
        if (p.params.minCorrectedShare != null) {
          parts.push(`${q.corrected} of ${q.flagged} flagged entries corrected (${(share * 100).toFixed(1)}%, threshold ${(p.params.minCorrectedShare * 100).toFixed(1)}%)`);
        }
        return verdict((byCount || byShare) && enoughData, `${parts.join('; ')} ${s.sinceText}`, {
          newAcceptedCorrections: s.newAccepted,
          flagged: q.flagged,
          flaggedCorrected: q.corrected,
          minExamples,
        });
      }
      case 'ACCURACY': {
        const minLabelled = p.params.minLabelled ?? DEFAULT_MIN_LABELLED;
        const w = await this.groundTruth.window(db, p.modelVersion, new Date(s.now.getTime() - p.params.windowHours! * 3_600_000));
        const accuracy = w.labelled ? w.correct / w.labelled : null;
        const below = accuracy !== null && w.labelled >= minLabelled && accuracy < p.params.accuracyBelow!;
        const measured = accuracy === null ? 'no labelled rows' : `accuracy ${(accuracy * 100).toFixed(1)}% (${w.correct} of ${w.labelled} labelled rows)`;
        const enough = w.labelled >= minLabelled ? '' : `; needs ${minLabelled} labelled rows to judge`;
        return verdict(
          below && enoughData,
          `${measured} in the last ${p.params.windowHours} h against ${(p.params.accuracyBelow! * 100).toFixed(1)}%${enough}; ${dataText}`,
          { labelled: w.labelled, correct: w.correct, accuracy, minLabelled, newAcceptedCorrections: s.newAccepted, minExamples },
        );
      }
    }
  }
}
