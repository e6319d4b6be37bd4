import { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { isUuid, queryRows } from '../../db/sql';
import { badInput, FlywheelError, InputProblem } from '../../errors';
import type { PageResult } from '../../schema/connection';
import { Keyset, PageArgs } from '../paging/keyset';
import { nestedList } from '../paging/nested';
import { DeploymentRow, DEPLOYMENT_COLUMNS, GateSnapshot, LineageService, TrainingRunRow } from './lineage.service';
import type { WebhookService } from './webhook.service';
import { toGlobalId } from '../../schema/node';
import { checkListLength } from '../input-rules';

export type GateDirection = 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';

export interface EvalGateRow {
  id: string;
  modelLine: string;
  name: string;
  direction: GateDirection;
  threshold: number;
  tolerance: number;
  required: boolean;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface EvaluationRow {
  id: string;
  modelVersion: string;
  trainingRunId: string | null;
  gate: string;
  value: number;
  recordedBy: string;
  recordedAt: Date;
}

/** One gate's verdict on a candidate. */
export interface GateVerdict {
  gate: string;
  required: boolean;
  /** True when the deployed version passed it: the candidate must too. */
  inherited: boolean;
  threshold: number;
  tolerance: number;
  direction: GateDirection;
  candidateValue: number | null;
  deployedValue: number | null;
  passed: boolean;
  reason: string;
}

/** A deployment change: the new current deployment and the one it ended (none for an adoption). */
export interface DeploymentChange {
  deployment: DeploymentRow;
  ended: DeploymentRow | null;
}

export interface PromotionDecision {
  runId: string;
  outcome: 'PROMOTE' | 'REJECT';
  candidateModelVersion: string;
  deployedModelVersion: string | null;
  modelLine: string;
  reasons: string[];
  gates: GateVerdict[];
}

export const GATE_COLUMNS = `g.id, g.model_line AS "modelLine", g.name, g.direction, g.threshold, g.tolerance, g.required, g.created_by AS "createdBy",
  g.created_at AS "createdAt", g.updated_at AS "updatedAt"`;
export const EVALUATION_COLUMNS = `e.id, e.model_version AS "modelVersion", e.training_run_id AS "trainingRunId", e.gate, e.value, e.recorded_by AS "recordedBy",
  e.recorded_at AS "recordedAt"`;
const GATES_KEYSET = new Keyset('evalGates', [{ expr: 'g.name', dir: 'ASC', type: 'text' }]);
const VERSION_EVALUATIONS_KEYSET = new Keyset('versionEvaluations', [
  { expr: 'e.recorded_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'e.id', dir: 'DESC', type: 'uuid' },
]);
const GATE_NAME_RE = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

const passes = (value: number, direction: GateDirection, threshold: number) => (direction === 'HIGHER_IS_BETTER' ? value >= threshold : value <= threshold);
/** How much worse `value` is than `reference` (positive = worse), whatever the direction. */
const shortfall = (value: number, reference: number, direction: GateDirection) => (direction === 'HIGHER_IS_BETTER' ? reference - value : value - reference);
const num = (n: number) => String(Number(n.toFixed(6)));
// Scores are compared after rounding to 1e-9: 0.9 − 0.88 is 0.020000000000000018 in floating point,
// which must not count as beyond a tolerance of 0.02.
const beyond = (worse: number, tolerance: number) => Math.round(worse * 1e9) > Math.round(tolerance * 1e9);

/**
 * Eval gates and promotion. A candidate is promoted only when it passes every required gate, every
 * gate the deployed version passed (inherited, even if the gate was since loosened or deleted: the
 * deployment keeps a snapshot), and regresses on none beyond the gate's tolerance against the
 * deployed version's latest recorded score. A newly promoted version is on probation: a drift event for it,
 * or a gold-set result below the previous deployment's score beyond tolerance, rolls the line back on
 * its own, in the same transaction as the signal.
 */
export class PromotionService {
  constructor(
    private readonly config: Config,
    private readonly lineage: LineageService,
    private readonly webhooks: WebhookService,
  ) {}

  /** ModelVersion.evaluations: a model version's recorded scores, newest first. */
  readonly versionEvaluations = nestedList<EvaluationRow>('versionEvaluations', VERSION_EVALUATIONS_KEYSET, () => this.config.maxPageSize, {
    columns: EVALUATION_COLUMNS,
    from: 'evaluation e',
    parent: 'e.model_version',
    parentType: 'text',
  });

  async saveGate(
    tx: EntityManager,
    input: { modelLine: string; name: string; direction: GateDirection; threshold: number; tolerance?: number | null; required?: boolean | null },
    by: string,
  ): Promise<EvalGateRow> {
    const problems: InputProblem[] = [];
    if (!GATE_NAME_RE.test(input.name)) problems.push({ field: 'name', message: 'must be 1–64 of a-z 0-9 _ . : - starting with a letter or digit' });
    if (!Number.isFinite(input.threshold)) problems.push({ field: 'threshold', message: 'must be a finite number' });
    if (input.tolerance != null && !(input.tolerance >= 0 && Number.isFinite(input.tolerance))) problems.push({ field: 'tolerance', message: 'must be a finite number ≥ 0' });
    if (problems.length) throw badInput(problems);
    if (!(await this.lineage.line(tx, input.modelLine))) throw new FlywheelError('NOT_FOUND', 'modelLine: no model line of this name', { field: 'modelLine' });
    const [row]: EvalGateRow[] = await tx.query(
      `INSERT INTO eval_gate AS g (model_line, name, direction, threshold, tolerance, required, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (model_line, name) DO UPDATE SET direction = EXCLUDED.direction, threshold = EXCLUDED.threshold, tolerance = EXCLUDED.tolerance,
         required = EXCLUDED.required, updated_at = now()
       RETURNING ${GATE_COLUMNS}`,
      [input.modelLine, input.name, input.direction, input.threshold, input.tolerance ?? 0, input.required ?? true, by],
    );
    return row;
  }

  async deleteGate(tx: EntityManager, id: string): Promise<EvalGateRow> {
    const rows = isUuid(id) ? await queryRows<EvalGateRow>(tx, `DELETE FROM eval_gate g WHERE g.id = $1 RETURNING ${GATE_COLUMNS}`, [id]) : [];
    if (!rows.length) throw new FlywheelError('NOT_FOUND', 'No eval gate with this id');
    return rows[0];
  }

  gatesByIds(db: EntityManager, ids: string[]): Promise<EvalGateRow[]> {
    return db.query(`SELECT ${GATE_COLUMNS} FROM eval_gate g WHERE g.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  gates(db: EntityManager, line: string, page: PageArgs): Promise<PageResult<EvalGateRow>> {
    return GATES_KEYSET.fetch<EvalGateRow>(db, page, this.config.maxPageSize, { columns: GATE_COLUMNS, from: 'eval_gate g', filter: ['g.model_line = $1'], params: [line] });
  }

  evaluationsByIds(db: EntityManager, ids: string[]): Promise<EvaluationRow[]> {
    return db.query(`SELECT ${EVALUATION_COLUMNS} FROM evaluation e WHERE e.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  /**
   * Scores for a training run's candidate, or for a model version directly (a gold-set run on the
   * deployed version). Gate names must be gates of the version's line. When the version is deployed
   * and on probation, a score below the previous deployment's beyond tolerance rolls the line back.
   */
  async recordEvaluation(
    tx: EntityManager,
    input: { runId?: string | null; modelVersion?: string | null; results: { gate: string; value: number }[] },
    by: string,
  ): Promise<{ evaluations: EvaluationRow[]; rolledBack: DeploymentRow | null }> {
    if ((input.runId == null) === (input.modelVersion == null)) throw badInput([{ field: 'runId', message: 'give runId (a candidate) or modelVersion (e.g. the deployed version), not both' }]);
    if (input.results.length === 0) throw badInput([{ field: 'results', message: 'give at least one result' }]);
    checkListLength('RecordEvaluationInput.results', input.results.length, this.config);
    let version: string;
    let runId: string | null = null;
    if (input.runId != null) {
      const [run] = await this.lineage.runsByIds(tx, [input.runId]);
      if (!run) throw new FlywheelError('NOT_FOUND', 'runId: no training run with this id');
      version = run.candidateModelVersion;
      runId = run.id;
    } else {
      version = input.modelVersion!;
    }
    const [mv] = await this.lineage.versionsByName(tx, [version]);
    // Named by the field the caller sent (a run's candidate is always in a line, so this is `modelVersion`).
    if (!mv) throw new FlywheelError('NOT_FOUND', 'modelVersion: not in any model line; record it with adoptDeployment or registerTrainingRun first', { field: 'modelVersion' });
    const gates: EvalGateRow[] = await tx.query(`SELECT ${GATE_COLUMNS} FROM eval_gate g WHERE g.model_line = $1`, [mv.modelLine]);
    // A gate deleted after the deployed version passed it still binds candidates, so it still takes scores.
    const deployed = await this.lineage.current(tx, mv.modelLine);
    const known = new Set([...gates.map((g) => g.name), ...(deployed?.gates ?? []).map((s) => s.gate)]);
    const problems: InputProblem[] = [];
    input.results.forEach((r, index) => {
      // The gates the line has are the line's (not the caller's input): listing them says what to send.
      if (!known.has(r.gate)) problems.push({ index, field: 'gate', message: `not a gate of the version's model line; its gates: ${[...known].sort().join(', ') || 'none yet'}` });
      if (!Number.isFinite(r.value)) problems.push({ index, field: 'value', message: 'must be a finite number' });
    });
    if (problems.length) throw badInput(problems);
    const evaluations: EvaluationRow[] = await tx.query(
      `INSERT INTO evaluation AS e (model_version, training_run_id, gate, value, recorded_by)
       SELECT $1, $2, r.gate, r.value, $3 FROM unnest($4::text[], $5::float8[]) AS r(gate, value) RETURNING ${EVALUATION_COLUMNS}`,
      [version, runId, by, input.results.map((r) => r.gate), input.results.map((r) => r.value)],
    );
    const rolledBack = await this.rollBackOnGoldSet(tx, mv.modelLine, version, input.results, gates);
    return { evaluations, rolledBack };
  }

  /** The verdict on a training run's candidate against the deployed version of its line. Writes nothing. */
  async decide(db: EntityManager, runId: string): Promise<PromotionDecision | null> {
    const [run] = await this.lineage.runsByIds(db, [runId]);
    if (!run) return null;
    return this.verdict(db, run, await this.lineage.current(db, run.modelLine));
  }

  /** Deploys the candidate when the decision is PROMOTE; otherwise PROMOTION_REFUSED with the reasons. */
  async promote(tx: EntityManager, runId: string, reason: string | null | undefined, by: string): Promise<DeploymentChange> {
    const [run] = isUuid(runId) ? await this.lineage.runsByIds(tx, [runId]) : [];
    if (!run) throw new FlywheelError('NOT_FOUND', 'runId: no training run with this id');
    const current = await this.lockLine(tx, run.modelLine);
    const d = await this.verdict(tx, run, current);
    if (d.outcome !== 'PROMOTE') {
      throw new FlywheelError('PROMOTION_REFUSED', `runId: the run's candidate may not be promoted: ${d.reasons.filter((r) => !r.startsWith('ok')).join('; ')}`, {
        reasons: d.reasons,
      });
    }
    const line = await this.lineage.line(tx, run.modelLine);
    const probationHours = line?.probationHours ?? this.config.probationHours;
    const snapshot: GateSnapshot[] = d.gates
      .filter((g) => g.candidateValue != null && g.passed)
      .map((g) => ({ gate: g.gate, direction: g.direction, threshold: g.threshold, tolerance: g.tolerance, value: g.candidateValue! }));
    const ended = current ? await this.end(tx, current.id, `replaced by ${run.candidateModelVersion} (promotion of training run ${run.id})`) : null;
    const [row]: DeploymentRow[] = await tx.query(
      `INSERT INTO deployment AS p (model_line, model_version, training_run_id, kind, reason, deployed_by, probation_until, replaces_id, gates)
       VALUES ($1, $2, $3, 'PROMOTED', $4, $5, now() + $6 * interval '1 hour', $7, $8) RETURNING ${DEPLOYMENT_COLUMNS}`,
      [run.modelLine, run.candidateModelVersion, run.id, reason ?? 'promoted: every gate passed', by, probationHours, current?.id ?? null, JSON.stringify(snapshot)],
    );
    await this.webhooks.emit(tx, 'PROMOTED', {
      deploymentId: toGlobalId('Deployment', row.id),
      modelLine: row.modelLine,
      modelVersion: row.modelVersion,
      previousModelVersion: current?.modelVersion ?? null,
      trainingRunId: toGlobalId('TrainingRun', run.id),
      probationUntil: row.probationUntil,
      reason: row.reason,
      gates: d.gates.map((g) => ({ gate: g.gate, value: g.candidateValue, deployedValue: g.deployedValue })),
    });
    return { deployment: row, ended };
  }

  /** Records the version in production before Flywheel (no training run): only for a line with no deployment. */
  async adopt(tx: EntityManager, input: { modelLine: string; modelVersion: string; reason?: string | null }, by: string): Promise<DeploymentChange> {
    await this.lineage.addVersion(tx, input.modelLine, input.modelVersion, by);
    const current = await this.lockLine(tx, input.modelLine);
    if (current) throw new FlywheelError('CONFLICT', 'modelLine: the line already has a deployment; later versions arrive through promote', { field: 'modelLine' });
    const [row]: DeploymentRow[] = await tx.query(
      `INSERT INTO deployment AS p (model_line, model_version, kind, reason, deployed_by, gates)
       VALUES ($1, $2, 'ADOPTED', $3, $4, $5) RETURNING ${DEPLOYMENT_COLUMNS}`,
      [input.modelLine, input.modelVersion, input.reason ?? 'in production before Flywheel', by, JSON.stringify(await this.passedGates(tx, input.modelLine, input.modelVersion))],
    );
    return { deployment: row, ended: null };
  }

  /** Restores the deployment the current one replaced. `automatic` rollbacks act as "flywheel". */
  async rollback(tx: EntityManager, line: string, reason: string, by: string, automatic = false): Promise<DeploymentChange> {
    if (reason.trim() === '' || reason.length > 2000) throw badInput([{ field: 'reason', message: 'say why, in 1–2000 characters' }]);
    const current = await this.lockLine(tx, line);
    if (!current) throw new FlywheelError('NOT_FOUND', 'modelLine: no deployment on a line of this name', { field: 'modelLine' });
    const [previous] = current.replacesId ? await this.lineage.deploymentsByIds(tx, [current.replacesId]) : [];
    if (!previous) throw new FlywheelError('CONFLICT', 'modelLine: the current deployment replaced none, so there is nothing to roll back to', { field: 'modelLine' });
    const ended = await this.end(tx, current.id, `rolled back: ${reason}`);
    const [row]: DeploymentRow[] = await tx.query(
      `INSERT INTO deployment AS p (model_line, model_version, training_run_id, kind, reason, deployed_by, replaces_id, gates)
       VALUES ($1, $2, $3, 'ROLLED_BACK', $4, $5, $6, $7) RETURNING ${DEPLOYMENT_COLUMNS}`,
      [line, previous.modelVersion, previous.trainingRunId, reason, by, previous.replacesId, JSON.stringify(previous.gates)],
    );
    await this.webhooks.emit(tx, 'ROLLED_BACK', {
      deploymentId: toGlobalId('Deployment', row.id),
      modelLine: line,
      modelVersion: row.modelVersion,
      rolledBackModelVersion: current.modelVersion,
      automatic,
      reason,
    });
    return { deployment: row, ended };
  }

  /** A drift event for a version on probation rolls its line back. */
  async rollBackOnDrift(tx: EntityManager, event: { id: string; modelVersion: string; metric: string; value: number; threshold: number }): Promise<DeploymentRow | null> {
    const d = await this.onProbation(tx, event.modelVersion);
    if (!d) return null;
    const change = await this.rollback(
      tx,
      d.modelLine,
      `automatic: drift event ${event.id} (${event.metric} ${num(event.value)} against ${num(event.threshold)}) on ${event.modelVersion} during its probation`,
      AUTOMATIC_ACTOR,
      true,
    );
    return change.deployment;
  }

  private async rollBackOnGoldSet(tx: EntityManager, line: string, version: string, results: { gate: string; value: number }[], gates: EvalGateRow[]): Promise<DeploymentRow | null> {
    const d = await this.onProbation(tx, version);
    if (!d?.replacesId) return null;
    const [previous] = await this.lineage.deploymentsByIds(tx, [d.replacesId]);
    const prior = await this.latestScores(tx, previous.modelVersion);
    for (const r of results) {
      const snap = d.gates.find((s) => s.gate === r.gate);
      const g = gates.find((x) => x.name === r.gate) ?? (snap ? { tolerance: snap.tolerance, direction: snap.direction } : null);
      const before = prior.get(r.gate) ?? previous.gates.find((s) => s.gate === r.gate)?.value;
      if (before == null || !g) continue;
      if (beyond(shortfall(r.value, before, g.direction), g.tolerance)) {
        const change = await this.rollback(
          tx,
          line,
          `automatic: ${r.gate} ${num(r.value)} on ${version} during its probation, worse than ${num(before)} of the previous deployment ${previous.modelVersion} beyond the tolerance ${num(g.tolerance)}`,
          AUTOMATIC_ACTOR,
          true,
        );
        return change.deployment;
      }
    }
    return null;
  }

  /** The deployment of this version, if it is the line's current one and still on probation. */
  private async onProbation(tx: EntityManager, version: string): Promise<DeploymentRow | null> {
    const [d]: DeploymentRow[] = await tx.query(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM deployment p WHERE p.model_version = $1 AND p.ended_at IS NULL AND p.probation_until > now() FOR UPDATE`,
      [version],
    );
    return d ?? null;
  }

  private async verdict(db: EntityManager, run: TrainingRunRow, deployed: DeploymentRow | null): Promise<PromotionDecision> {
    const gates: EvalGateRow[] = await db.query(`SELECT ${GATE_COLUMNS} FROM eval_gate g WHERE g.model_line = $1 ORDER BY g.name`, [run.modelLine]);
    const cand = await this.latestScores(db, run.candidateModelVersion, run.id);
    const dep = deployed ? await this.latestScores(db, deployed.modelVersion) : new Map<string, number>();
    const verdicts: GateVerdict[] = [];
    const names = new Set([...gates.map((g) => g.name), ...(deployed?.gates ?? []).map((s) => s.gate)]);
    for (const name of [...names].sort()) {
      const g = gates.find((x) => x.name === name);
      const snap = deployed?.gates.find((s) => s.gate === name);
      // A gate deleted since the deployment still binds through the deployment's snapshot.
      const def = g ?? { name, direction: snap!.direction, threshold: snap!.threshold, tolerance: snap!.tolerance, required: false };
      const deployedValue = dep.get(name) ?? snap?.value ?? null;
      const inherited = deployed != null && (snap != null || (deployedValue != null && passes(deployedValue, def.direction, def.threshold)));
      const threshold = snap && inherited ? stricter(def.direction, def.threshold, snap.threshold) : def.threshold;
      const candidateValue = cand.get(name) ?? null;
      const cmp = def.direction === 'HIGHER_IS_BETTER' ? '≥' : '≤';
      let passed = true;
      let reason: string;
      if (candidateValue == null) {
        passed = !(def.required || inherited);
        reason = passed
          ? `ok ${name}: no result (optional gate)`
          : `${name}: no result recorded${def.required ? ' (required gate)' : ` (the deployed ${deployed!.modelVersion} passed it)`}`;
      } else if (!passes(candidateValue, def.direction, threshold)) {
        passed = !(def.required || inherited);
        const why = def.required ? 'required' : inherited ? `the deployed ${deployed!.modelVersion} passed it` : 'optional, not inherited';
        reason = `${passed ? 'ok ' : ''}${name}: ${num(candidateValue)} does not meet ${cmp} ${num(threshold)} (${why})`;
      } else if (deployedValue != null && beyond(shortfall(candidateValue, deployedValue, def.direction), def.tolerance)) {
        passed = false;
        reason = `${name}: regresses from ${num(deployedValue)} (deployed ${deployed!.modelVersion}) to ${num(candidateValue)}, beyond the tolerance ${num(def.tolerance)}`;
      } else {
        reason = `ok ${name}: ${num(candidateValue)} ${cmp} ${num(threshold)}${deployedValue != null ? `; deployed ${num(deployedValue)}, tolerance ${num(def.tolerance)}` : ''}`;
      }
      verdicts.push({ gate: name, required: def.required, inherited, threshold, tolerance: def.tolerance, direction: def.direction, candidateValue, deployedValue, passed, reason });
    }
    const reasons = verdicts.map((v) => v.reason);
    if (run.status !== 'SUCCEEDED') reasons.unshift(`training run ${run.id} is ${run.status}, not SUCCEEDED`);
    if (deployed?.modelVersion === run.candidateModelVersion) reasons.unshift(`${run.candidateModelVersion} is already deployed`);
    const blocked = run.status !== 'SUCCEEDED' || deployed?.modelVersion === run.candidateModelVersion || verdicts.some((v) => !v.passed);
    if (verdicts.length === 0) reasons.push(`model line ${run.modelLine} has no eval gates`);
    return {
      runId: run.id,
      outcome: blocked ? 'REJECT' : 'PROMOTE',
      candidateModelVersion: run.candidateModelVersion,
      deployedModelVersion: deployed?.modelVersion ?? null,
      modelLine: run.modelLine,
      reasons,
      gates: verdicts,
    };
  }

  /** The latest score per gate of a version (a run's own results first, when given). */
  private async latestScores(db: EntityManager, version: string, runId?: string): Promise<Map<string, number>> {
    const rows: { gate: string; value: number }[] = await db.query(
      `SELECT DISTINCT ON (gate) gate, value FROM evaluation WHERE model_version = $1
       ORDER BY gate, (training_run_id IS NOT DISTINCT FROM $2::uuid) DESC, recorded_at DESC, id DESC`,
      [version, runId ?? null],
    );
    return new Map(rows.map((r) => [r.gate, r.value]));
  }

  private async passedGates(db: EntityManager, line: string, version: string): Promise<GateSnapshot[]> {
    const gates: EvalGateRow[] = await db.query(`SELECT ${GATE_COLUMNS} FROM eval_gate g WHERE g.model_line = $1`, [line]);
    const scores = await this.latestScores(db, version);
    return gates
      .filter((g) => scores.has(g.name) && passes(scores.get(g.name)!, g.direction, g.threshold))
      .map((g) => ({ gate: g.name, direction: g.direction, threshold: g.threshold, tolerance: g.tolerance, value: scores.get(g.name)! }));
  }

  /** One deployment change per line at a time; returns the line's current deployment. */
  private async lockLine(tx: EntityManager, line: string): Promise<DeploymentRow | null> {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('flywheel:deploy:' || $1))`, [line]);
    return this.lineage.current(tx, line, true);
  }

  /** Ends a deployment; returns it as it is now. */
  private async end(tx: EntityManager, id: string, why: string): Promise<DeploymentRow> {
    const [row] = await queryRows<DeploymentRow>(tx, `UPDATE deployment p SET ended_at = now(), end_reason = $2 WHERE p.id = $1 RETURNING ${DEPLOYMENT_COLUMNS}`, [id, why]);
    return row;
  }
}

/** Who an automatic rollback is recorded as. */
const AUTOMATIC_ACTOR = 'flywheel';
const stricter = (direction: GateDirection, a: number, b: number) => (direction === 'HIGHER_IS_BETTER' ? Math.max(a, b) : Math.min(a, b));

export type { DeploymentRow };
