import { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { isUuid, queryRows } from '../../db/sql';
import { badInput, FlywheelError, InputProblem } from '../../errors';
import type { PageResult } from '../../schema/connection';
import { httpUrlProblem } from '../input-rules';
import { Keyset, PageArgs } from '../paging/keyset';
import { nestedList } from '../paging/nested';

export type TrainingRunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';

export interface ModelLineRow {
  name: string;
  probationHours: number | null;
  groundTruthMatch: 'EXACT' | 'NUMERIC';
  groundTruthTolerance: number;
  rawLogRetentionDays: number | null;
  createdBy: string;
  createdAt: Date;
}

export interface ModelVersionRow {
  name: string;
  modelLine: string;
  createdAt: Date;
}

export interface TrainingRunRow {
  id: string;
  datasetVersionId: string;
  baseModelVersion: string;
  candidateModelVersion: string;
  modelLine: string;
  status: TrainingRunStatus;
  externalUrl: string | null;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface DeploymentRow {
  id: string;
  modelLine: string;
  modelVersion: string;
  trainingRunId: string | null;
  kind: 'ADOPTED' | 'PROMOTED' | 'ROLLED_BACK';
  reason: string;
  deployedBy: string;
  deployedAt: Date;
  probationUntil: Date | null;
  endedAt: Date | null;
  endReason: string | null;
  replacesId: string | null;
  gates: GateSnapshot[];
}

/** A gate as a deployment passed it: its definition then, and the deployed version's score. */
export interface GateSnapshot {
  gate: string;
  direction: 'HIGHER_IS_BETTER' | 'LOWER_IS_BETTER';
  threshold: number;
  tolerance: number;
  value: number;
}

export const LINE_COLUMNS = `m.name, m.probation_hours AS "probationHours", m.ground_truth_match AS "groundTruthMatch",
  m.ground_truth_tolerance AS "groundTruthTolerance", m.raw_log_retention_days AS "rawLogRetentionDays", m.created_by AS "createdBy", m.created_at AS "createdAt"`;
export const VERSION_COLUMNS = `v.name, v.model_line AS "modelLine", v.created_at AS "createdAt"`;
export const RUN_COLUMNS = `t.id, t.dataset_version_id AS "datasetVersionId", t.base_model_version AS "baseModelVersion",
  t.candidate_model_version AS "candidateModelVersion", t.model_line AS "modelLine", t.status, t.external_url AS "externalUrl",
  t.created_by AS "createdBy", t.created_at AS "createdAt", t.updated_at AS "updatedAt"`;
export const DEPLOYMENT_COLUMNS = `p.id, p.model_line AS "modelLine", p.model_version AS "modelVersion", p.training_run_id AS "trainingRunId", p.kind,
  p.reason, p.deployed_by AS "deployedBy", p.deployed_at AS "deployedAt", p.probation_until AS "probationUntil", p.ended_at AS "endedAt",
  p.end_reason AS "endReason", p.replaces_id AS "replacesId", p.gates`;

const LINES_KEYSET = new Keyset('modelLines', [{ expr: 'm.name', dir: 'ASC', type: 'text' }]);
const RUNS_KEYSET = new Keyset('trainingRuns', [
  { expr: 't.created_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 't.id', dir: 'DESC', type: 'uuid' },
]);
const DEPLOYMENTS_KEYSET = new Keyset('deployments', [
  { expr: 'p.deployed_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'p.id', dir: 'DESC', type: 'uuid' },
]);

// Nested connections (one statement per page of parents): their own list names, so a cursor of one
// list is never taken for a position in another.
const VERSION_DEPLOYMENTS_KEYSET = new Keyset('versionDeployments', [
  { expr: 'p.deployed_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'p.id', dir: 'DESC', type: 'uuid' },
]);
const DATASET_RUNS_KEYSET = new Keyset('datasetTrainingRuns', [
  { expr: 't.created_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 't.id', dir: 'DESC', type: 'uuid' },
]);

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.:@/-]{0,199}$/;
const RUN_TRANSITIONS: Record<TrainingRunStatus, TrainingRunStatus[]> = { RUNNING: ['SUCCEEDED', 'FAILED'], SUCCEEDED: [], FAILED: [] };

/**
 * Model lines, their versions and the training runs between them: the lineage from a log entry
 * (its corrections → the dataset versions holding it → the runs trained on them → the candidate model
 * versions → their deployments) and back. A version belongs to one line; a run's candidate joins its
 * base version's line.
 */
export class LineageService {
  constructor(private readonly config: Config) {}

  /** ModelVersion.deployments: a model version's deployments, newest first. */
  readonly versionDeployments = nestedList<DeploymentRow>('versionDeployments', VERSION_DEPLOYMENTS_KEYSET, () => this.config.maxPageSize, {
    columns: DEPLOYMENT_COLUMNS,
    from: 'deployment p',
    parent: 'p.model_version',
    parentType: 'text',
  });

  /** DatasetVersion.trainingRuns: the runs trained on a dataset version, newest first. */
  readonly datasetRuns = nestedList<TrainingRunRow>('datasetTrainingRuns', DATASET_RUNS_KEYSET, () => this.config.maxPageSize, {
    columns: RUN_COLUMNS,
    from: 'training_run t',
    parent: 't.dataset_version_id',
    parentType: 'uuid',
  });

  /** Creates the line, or changes its probation period. */
  async saveLine(
    tx: EntityManager,
    input: { name: string; probationHours?: number | null; groundTruthMatch?: 'EXACT' | 'NUMERIC' | null; groundTruthTolerance?: number | null; rawLogRetentionDays?: number | null },
    by: string,
  ): Promise<ModelLineRow> {
    const problems: InputProblem[] = [];
    if (!NAME_RE.test(input.name)) problems.push({ field: 'name', message: 'must be 1–200 of A-Z a-z 0-9 _ . : @ / - starting with a letter or digit' });
    if (input.probationHours != null && !(input.probationHours >= 0 && input.probationHours <= 24 * 90)) problems.push({ field: 'probationHours', message: 'must be 0–2160 (90 days)' });
    if (input.groundTruthTolerance != null && !(input.groundTruthTolerance >= 0 && Number.isFinite(input.groundTruthTolerance))) {
      problems.push({ field: 'groundTruthTolerance', message: 'must be a finite number ≥ 0' });
    }
    // 36,500 days (100 years) is "forever" in practice; 0 says forever outright.
    if (input.rawLogRetentionDays != null && !(Number.isInteger(input.rawLogRetentionDays) && input.rawLogRetentionDays >= 0 && input.rawLogRetentionDays <= 36_500)) {
      problems.push({ field: 'rawLogRetentionDays', message: 'must be an integer 0–36500 (0: keep forever)' });
    }
    if (problems.length) throw badInput(problems);
    const [row]: ModelLineRow[] = await tx.query(
      `INSERT INTO model_line AS m (name, probation_hours, ground_truth_match, ground_truth_tolerance, created_by, raw_log_retention_days)
       VALUES ($1, $2, coalesce($3::text, 'EXACT'), coalesce($4::float8, 0), $5, $6)
       ON CONFLICT (name) DO UPDATE SET probation_hours = coalesce($2::float8, m.probation_hours),
         ground_truth_match = coalesce($3::text, m.ground_truth_match), ground_truth_tolerance = coalesce($4::float8, m.ground_truth_tolerance),
         raw_log_retention_days = coalesce($6::int, m.raw_log_retention_days)
       RETURNING ${LINE_COLUMNS}`,
      [input.name, input.probationHours ?? null, input.groundTruthMatch ?? null, input.groundTruthTolerance ?? null, by, input.rawLogRetentionDays ?? null],
    );
    return row;
  }

  async line(db: EntityManager, name: string): Promise<ModelLineRow | null> {
    return (await this.linesByName(db, [name]))[0] ?? null;
  }

  linesByName(db: EntityManager, names: string[]): Promise<ModelLineRow[]> {
    return db.query(`SELECT ${LINE_COLUMNS} FROM model_line m WHERE m.name = ANY ($1::text[])`, [names]);
  }

  lines(db: EntityManager, page: PageArgs): Promise<PageResult<ModelLineRow>> {
    return LINES_KEYSET.fetch<ModelLineRow>(db, page, this.config.maxPageSize, { columns: LINE_COLUMNS, from: 'model_line m', filter: [], params: [] });
  }

  /** Records a version in a line (the line is created if new); a version already in another line is refused. */
  async addVersion(tx: EntityManager, line: string, version: string, by: string, field = 'modelVersion'): Promise<ModelVersionRow> {
    if (!NAME_RE.test(version)) throw badInput([{ field, message: 'must be 1–200 of A-Z a-z 0-9 _ . : @ / - starting with a letter or digit' }]);
    if (!(await this.line(tx, line))) await this.saveLine(tx, { name: line }, by);
    await tx.query(`INSERT INTO model_version (name, model_line) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING`, [version, line]);
    const [row]: ModelVersionRow[] = await tx.query(`SELECT ${VERSION_COLUMNS} FROM model_version v WHERE v.name = $1`, [version]);
    if (row.modelLine !== line) throw new FlywheelError('CONFLICT', `${field}: the version already belongs to another model line`, { field });
    return row;
  }

  versionsByName(db: EntityManager, names: string[]): Promise<ModelVersionRow[]> {
    return db.query(`SELECT ${VERSION_COLUMNS} FROM model_version v WHERE v.name = ANY ($1::text[])`, [names]);
  }

  /**
   * A training run: READY dataset + a base version with a line → a new candidate version in that line.
   * Registering the same run again (same dataset, base and candidate) returns the first: a pipeline's
   * retry is safe.
   */
  async registerRun(
    tx: EntityManager,
    input: { datasetVersionId: string; baseModelVersion: string; candidateModelVersion: string; externalUrl?: string | null },
    by: string,
  ): Promise<TrainingRunRow> {
    const problems: InputProblem[] = [];
    if (!NAME_RE.test(input.candidateModelVersion)) problems.push({ field: 'candidateModelVersion', message: 'must be 1–200 of A-Z a-z 0-9 _ . : @ / - starting with a letter or digit' });
    if (input.candidateModelVersion === input.baseModelVersion) problems.push({ field: 'candidateModelVersion', message: 'must differ from baseModelVersion' });
    const urlProblem = input.externalUrl != null ? httpUrlProblem('externalUrl', input.externalUrl) : null;
    if (urlProblem) problems.push(urlProblem);
    if (problems.length) throw badInput(problems);
    const [dataset]: { status: string }[] = await tx.query(`SELECT status FROM dataset_version WHERE id = $1`, [input.datasetVersionId]);
    if (!dataset) throw new FlywheelError('NOT_FOUND', 'datasetVersionId: no dataset version with this id');
    if (dataset.status !== 'READY') throw badInput([{ field: 'datasetVersionId', message: `must be a READY dataset version (it is ${dataset.status})` }]);
    const [base] = await this.versionsByName(tx, [input.baseModelVersion]);
    if (!base) {
      throw new FlywheelError('NOT_FOUND', 'baseModelVersion: not in any model line; record the version in production with adoptDeployment first', {
        field: 'baseModelVersion',
      });
    }
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('flywheel:model-version:' || $1))`, [input.candidateModelVersion]);
    const [existing]: TrainingRunRow[] = await tx.query(`SELECT ${RUN_COLUMNS} FROM training_run t WHERE t.candidate_model_version = $1`, [input.candidateModelVersion]);
    if (existing) {
      if (existing.datasetVersionId === input.datasetVersionId && existing.baseModelVersion === input.baseModelVersion) return existing;
      throw new FlywheelError('CONFLICT', 'candidateModelVersion: already registered by another training run', { field: 'candidateModelVersion' });
    }
    const [known] = await this.versionsByName(tx, [input.candidateModelVersion]);
    if (known) throw new FlywheelError('CONFLICT', 'candidateModelVersion: the version already exists in a model line', { field: 'candidateModelVersion' });
    await this.addVersion(tx, base.modelLine, input.candidateModelVersion, by, 'candidateModelVersion');
    const [row]: TrainingRunRow[] = await tx.query(
      `INSERT INTO training_run AS t (dataset_version_id, base_model_version, candidate_model_version, model_line, external_url, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${RUN_COLUMNS}`,
      [input.datasetVersionId, input.baseModelVersion, input.candidateModelVersion, base.modelLine, input.externalUrl ?? null, by],
    );
    return row;
  }

  /** RUNNING → SUCCEEDED | FAILED; the same status again is a no-op; a finished run stays finished. */
  async updateRun(tx: EntityManager, id: string, input: { status: TrainingRunStatus; externalUrl?: string | null }): Promise<TrainingRunRow> {
    const urlProblem = input.externalUrl != null ? httpUrlProblem('externalUrl', input.externalUrl) : null;
    if (urlProblem) throw badInput([urlProblem]);
    const [run]: TrainingRunRow[] = isUuid(id) ? await tx.query(`SELECT ${RUN_COLUMNS} FROM training_run t WHERE t.id = $1 FOR UPDATE`, [id]) : [];
    if (!run) throw new FlywheelError('NOT_FOUND', 'No training run with this id');
    if (run.status !== input.status && !RUN_TRANSITIONS[run.status].includes(input.status)) {
      throw new FlywheelError('CONFLICT', `The run is ${run.status}; a finished run does not change status`);
    }
    const [row] = await queryRows<TrainingRunRow>(
      tx,
      `UPDATE training_run t SET status = $2, external_url = coalesce($3, external_url), updated_at = now() WHERE t.id = $1 RETURNING ${RUN_COLUMNS}`,
      [id, input.status, input.externalUrl ?? null],
    );
    return row;
  }

  runsByIds(db: EntityManager, ids: string[]): Promise<TrainingRunRow[]> {
    return db.query(`SELECT ${RUN_COLUMNS} FROM training_run t WHERE t.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  runs(db: EntityManager, f: { modelLine?: string | null; datasetVersionId?: string | null }, page: PageArgs): Promise<PageResult<TrainingRunRow>> {
    const filter: string[] = [];
    const params: unknown[] = [];
    if (f.modelLine != null) filter.push(`t.model_line = $${params.push(f.modelLine)}`);
    if (f.datasetVersionId != null) filter.push(`t.dataset_version_id = $${params.push(isUuid(f.datasetVersionId) ? f.datasetVersionId : null)}`);
    return RUNS_KEYSET.fetch<TrainingRunRow>(db, page, this.config.maxPageSize, { columns: RUN_COLUMNS, from: 'training_run t', filter, params });
  }

  deploymentsByIds(db: EntityManager, ids: string[]): Promise<DeploymentRow[]> {
    return db.query(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployment p WHERE p.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  async current(db: EntityManager, line: string, lock = false): Promise<DeploymentRow | null> {
    const [row]: DeploymentRow[] = await db.query(
      `SELECT ${DEPLOYMENT_COLUMNS} FROM deployment p WHERE p.model_line = $1 AND p.ended_at IS NULL${lock ? ' FOR UPDATE' : ''}`,
      [line],
    );
    return row ?? null;
  }

  deployments(db: EntityManager, line: string, page: PageArgs): Promise<PageResult<DeploymentRow>> {
    return DEPLOYMENTS_KEYSET.fetch<DeploymentRow>(db, page, this.config.maxPageSize, {
      columns: DEPLOYMENT_COLUMNS,
      from: 'deployment p',
      filter: ['p.model_line = $1'],
      params: [line],
    });
  }
}
