import { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { isUuid, queryRows } from '../../db/sql';
import { badInput, FlywheelError, InputProblem } from '../../errors';
import type { PageResult } from '../../schema/connection';
import type { DatasetFormat, DatasetService } from '../curate/dataset.service';
import { Keyset, PageArgs } from '../paging/keyset';
import { TAG_RE } from '../tag.service';

export const POLICY_KINDS = ['DRIFT', 'SCHEDULE', 'CLUSTER', 'VOLUME', 'ACCURACY'] as const;
export type PolicyKind = (typeof POLICY_KINDS)[number];

/** The reference lesson: retraining on fewer than ~100 corrected rows trades one set of regressions for another. */
export const DEFAULT_MIN_CORRECTED = 100;

/** Thresholds; which ones apply depends on the kind (see POLICY_RULES). */
export interface PolicyParams {
  /** DRIFT: accepted corrections on rows in an open drift event's window. */
  minCorrected?: number | null;
  /** SCHEDULE: hours between retrains. */
  intervalHours?: number | null;
  /** Every kind: fewest new accepted corrections (since the last training run) worth retraining on. */
  minExamples?: number | null;
  /** CLUSTER: the failure cluster's tag, how many open entries, within how many hours. */
  tag?: string | null;
  threshold?: number | null;
  periodHours?: number | null;
  /** VOLUME: new accepted corrections, and/or the share of flagged entries corrected. */
  minNewCorrections?: number | null;
  minCorrectedShare?: number | null;
  /** ACCURACY: fire when ground-truth accuracy over the last windowHours is below accuracyBelow, on ≥ minLabelled labelled rows. */
  accuracyBelow?: number | null;
  windowHours?: number | null;
  minLabelled?: number | null;
}

/** What a RETRAIN builds (the rest of the dataset version follows from the model version's lineage). */
export interface DatasetTemplate {
  name?: string | null;
  tags?: string[] | null;
  systemPrompt?: string | null;
  formats?: DatasetFormat[] | null;
  validationFraction?: number | null;
}

export interface RetrainPolicyRow {
  id: string;
  modelVersion: string;
  kind: PolicyKind;
  enabled: boolean;
  params: PolicyParams;
  dataset: DatasetTemplate;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface PolicyInput extends PolicyParams {
  modelVersion: string;
  kind: PolicyKind;
  enabled?: boolean | null;
  dataset?: DatasetTemplate | null;
}

export interface PolicyUpdate extends PolicyParams {
  enabled?: boolean | null;
  dataset?: DatasetTemplate | null;
}

type ParamName = keyof PolicyParams;
/** Per kind: the parameters it needs, and the ones it may have. Anything else is refused, so a typo never passes silently. */
const POLICY_RULES: Record<PolicyKind, { required: ParamName[]; optional: ParamName[] }> = {
  DRIFT: { required: [], optional: ['minCorrected'] },
  SCHEDULE: { required: ['intervalHours'], optional: ['minExamples'] },
  CLUSTER: { required: ['tag', 'threshold', 'periodHours'], optional: ['minExamples'] },
  VOLUME: { required: [], optional: ['minNewCorrections', 'minCorrectedShare', 'minExamples'] },
  ACCURACY: { required: ['accuracyBelow', 'windowHours'], optional: ['minLabelled', 'minExamples'] },
};
const PARAM_NAMES: ParamName[] = [
  'minCorrected',
  'intervalHours',
  'minExamples',
  'tag',
  'threshold',
  'periodHours',
  'minNewCorrections',
  'minCorrectedShare',
  'accuracyBelow',
  'windowHours',
  'minLabelled',
];

/** The thresholds also come flattened (`minCorrected`, …), as the API shows them. */
export const POLICY_COLUMNS = `p.id, p.model_version AS "modelVersion", p.kind, p.enabled, p.params, p.dataset, p.created_by AS "createdBy",
  p.created_at AS "createdAt", p.updated_at AS "updatedAt",
  (p.params->>'minCorrected')::int AS "minCorrected", (p.params->>'intervalHours')::float8 AS "intervalHours",
  (p.params->>'minExamples')::int AS "minExamples", p.params->>'tag' AS tag, (p.params->>'threshold')::int AS threshold,
  (p.params->>'periodHours')::float8 AS "periodHours", (p.params->>'minNewCorrections')::int AS "minNewCorrections",
  (p.params->>'minCorrectedShare')::float8 AS "minCorrectedShare", (p.params->>'accuracyBelow')::float8 AS "accuracyBelow",
  (p.params->>'windowHours')::float8 AS "windowHours", (p.params->>'minLabelled')::int AS "minLabelled"`;
const POLICIES_KEYSET = new Keyset('retrainPolicies', [
  { expr: 'p.created_at', dir: 'ASC', type: 'timestamptz' },
  { expr: 'p.id', dir: 'ASC', type: 'uuid' },
]);
const MODEL_VERSION_MAX = 200;

/** Retrain policies (admin CRUD). Several per model version; each can be disabled. */
export class RetrainPolicyService {
  constructor(
    private readonly config: Config,
    private readonly datasets: DatasetService,
  ) {}

  async create(tx: EntityManager, input: PolicyInput, createdBy: string): Promise<RetrainPolicyRow> {
    const params = this.checked(input.kind, input, input.modelVersion, input.dataset ?? {});
    const [row]: RetrainPolicyRow[] = await tx.query(
      `INSERT INTO retrain_policy AS p (model_version, kind, enabled, params, dataset, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${POLICY_COLUMNS}`,
      [input.modelVersion, input.kind, input.enabled ?? true, JSON.stringify(params), JSON.stringify(input.dataset ?? {}), createdBy],
    );
    return row;
  }

  /** Fields left out keep their values; a parameter set to null goes back to its default. */
  async update(tx: EntityManager, id: string, input: PolicyUpdate): Promise<RetrainPolicyRow> {
    const [current]: RetrainPolicyRow[] = isUuid(id) ? await tx.query(`SELECT ${POLICY_COLUMNS} FROM retrain_policy p WHERE p.id = $1 FOR UPDATE`, [id]) : [];
    if (!current) throw new FlywheelError('NOT_FOUND', 'No retrain policy with this id');
    const merged: PolicyParams = { ...current.params };
    for (const k of PARAM_NAMES) if (input[k] !== undefined) (merged as Record<string, unknown>)[k] = input[k];
    const dataset = input.dataset !== undefined ? (input.dataset ?? {}) : current.dataset;
    const params = this.checked(current.kind, merged, current.modelVersion, dataset);
    const [row] = await queryRows<RetrainPolicyRow>(
      tx,
      `UPDATE retrain_policy p SET enabled = $2, params = $3, dataset = $4, updated_at = now() WHERE p.id = $1 RETURNING ${POLICY_COLUMNS}`,
      [id, input.enabled ?? current.enabled, JSON.stringify(params), JSON.stringify(dataset)],
    );
    return row;
  }

  /** Decisions keep their record of which policy fired (their policy becomes null). */
  async remove(tx: EntityManager, id: string): Promise<RetrainPolicyRow> {
    const rows = isUuid(id) ? await queryRows<RetrainPolicyRow>(tx, `DELETE FROM retrain_policy p WHERE p.id = $1 RETURNING ${POLICY_COLUMNS}`, [id]) : [];
    if (rows.length === 0) throw new FlywheelError('NOT_FOUND', 'No retrain policy with this id');
    return rows[0];
  }

  byIds(db: EntityManager, ids: string[]): Promise<RetrainPolicyRow[]> {
    return db.query(`SELECT ${POLICY_COLUMNS} FROM retrain_policy p WHERE p.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  /** The enabled policies of one model version, oldest first (the order they are checked in). */
  enabledFor(db: EntityManager, modelVersion: string): Promise<RetrainPolicyRow[]> {
    return db.query(`SELECT ${POLICY_COLUMNS} FROM retrain_policy p WHERE p.model_version = $1 AND p.enabled ORDER BY p.created_at, p.id`, [modelVersion]);
  }

  list(db: EntityManager, modelVersion: string | null | undefined, page: PageArgs): Promise<PageResult<RetrainPolicyRow>> {
    const one = modelVersion != null;
    return POLICIES_KEYSET.fetch<RetrainPolicyRow>(db, page, this.config.maxPageSize, {
      columns: POLICY_COLUMNS,
      from: 'retrain_policy p',
      filter: one ? ['p.model_version = $1'] : [],
      params: one ? [modelVersion] : [],
    });
  }

  /** The parameters the kind uses (nulls dropped), or BAD_USER_INPUT naming each problem. */
  private checked(kind: PolicyKind, input: PolicyParams, modelVersion: string, dataset: DatasetTemplate): PolicyParams {
    const problems: InputProblem[] = [];
    const rules = POLICY_RULES[kind];
    if (!rules) throw badInput([{ field: 'kind', message: `must be one of ${POLICY_KINDS.join(', ')}` }]);
    if (modelVersion.length === 0 || modelVersion.length > MODEL_VERSION_MAX) problems.push({ field: 'modelVersion', message: `must be 1–${MODEL_VERSION_MAX} characters` });
    const params: PolicyParams = {};
    for (const k of PARAM_NAMES) {
      const v = input[k];
      if (v == null) {
        if (rules.required.includes(k)) problems.push({ field: k, message: `is required for a ${kind} policy` });
        continue;
      }
      if (!rules.required.includes(k) && !rules.optional.includes(k)) {
        problems.push({ field: k, message: `does not apply to a ${kind} policy (it takes ${[...rules.required, ...rules.optional].join(', ') || 'nothing'})` });
        continue;
      }
      (params as Record<string, unknown>)[k] = v;
    }
    const positiveInt = (k: 'minCorrected' | 'minExamples' | 'threshold' | 'minNewCorrections' | 'minLabelled') => {
      const v = params[k];
      if (v != null && !(Number.isInteger(v) && v >= 1 && v <= 10_000_000)) problems.push({ field: k, message: 'must be a whole number from 1 to 10,000,000' });
    };
    positiveInt('minCorrected');
    positiveInt('minExamples');
    positiveInt('threshold');
    positiveInt('minNewCorrections');
    positiveInt('minLabelled');
    for (const k of ['intervalHours', 'periodHours', 'windowHours'] as const) {
      const v = params[k];
      if (v != null && !(v > 0 && v <= 24 * 366)) problems.push({ field: k, message: 'must be more than 0 and at most 8784 (a year)' });
    }
    if (params.tag != null && !TAG_RE.test(params.tag)) problems.push({ field: 'tag', message: 'must be 1–64 of a-z 0-9 _ . : -' });
    if (params.minCorrectedShare != null && !(params.minCorrectedShare > 0 && params.minCorrectedShare <= 1)) {
      problems.push({ field: 'minCorrectedShare', message: 'must be in (0, 1]' });
    }
    if (params.accuracyBelow != null && !(params.accuracyBelow > 0 && params.accuracyBelow <= 1)) problems.push({ field: 'accuracyBelow', message: 'must be in (0, 1]' });
    if (kind === 'VOLUME' && params.minNewCorrections == null && params.minCorrectedShare == null) {
      problems.push({ field: 'minNewCorrections', message: 'a VOLUME policy needs minNewCorrections, minCorrectedShare or both' });
    }
    problems.push(...this.datasets.templateProblems(dataset, modelVersion));
    if (problems.length) throw badInput(problems);
    return params;
  }
}
