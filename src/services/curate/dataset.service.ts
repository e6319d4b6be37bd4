import { isUuid, queryRows } from '../../db/sql';
import { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { badInput, FlywheelError, InputProblem } from '../../errors';
import type { JobQueue } from '../../jobs/job-queue';
import type { PageResult } from '../../schema/connection';
import { TAG_RE } from '../tag.service';
import { Keyset, PageArgs } from '../paging/keyset';
import { nestedList } from '../paging/nested';

export const DATASET_BUILD_JOB = 'dataset-build';

export type DatasetKind = 'TRAIN' | 'EVAL';
export type DatasetFormat = 'SFT' | 'PREFERENCE';
export type DatasetStatus = 'PENDING' | 'BUILDING' | 'READY' | 'FAILED';

export interface DatasetFilter {
  tags?: string[] | null;
  from?: string | null;
  to?: string | null;
  modelVersions?: string[] | null;
}

export interface CreateDatasetInput {
  name: string;
  kind?: DatasetKind | null;
  formats?: DatasetFormat[] | null;
  tags?: string[] | null;
  from?: Date | null;
  to?: Date | null;
  modelVersions?: string[] | null;
  /** Internal ids (the resolver decodes global ids). */
  baseVersionId?: string | null;
  referenceVersionId?: string | null;
  systemPrompt?: string | null;
  validationFraction?: number | null;
  maxPsi?: number | null;
}

export interface DatasetVersionRow {
  id: string;
  name: string;
  version: number;
  kind: DatasetKind;
  status: DatasetStatus;
  formats: DatasetFormat[];
  filter: DatasetFilter;
  baseVersionId: string | null;
  referenceVersionId: string | null;
  systemPrompt: string | null;
  validationFraction: number;
  maxPsi: number;
  exampleCount: number | null;
  validationCount: number | null;
  contentHash: string | null;
  files: Record<string, { file: string; sha256: string; bytes: number; lines: number }> | null;
  qualityReport: Record<string, unknown> | null;
  jobId: string | null;
  error: string | null;
  createdBy: string;
  createdAt: Date;
  builtAt: Date | null;
  /** eraseUser's record on the version: `[{ at, examples }]` (issue 14). */
  erasures?: { at: string; examples: number }[];
}

export const DATASET_COLUMNS = `d.id, d.name, d.version, d.kind, d.status, d.formats, d.filter, d.base_version_id AS "baseVersionId",
  d.reference_version_id AS "referenceVersionId", d.system_prompt AS "systemPrompt", d.validation_fraction AS "validationFraction",
  d.max_psi AS "maxPsi", d.example_count AS "exampleCount", d.validation_count AS "validationCount", d.content_hash AS "contentHash",
  d.files, d.quality_report AS "qualityReport", d.job_id AS "jobId", d.error, d.created_by AS "createdBy", d.created_at AS "createdAt",
  d.built_at AS "builtAt", d.erasures`;

const NAME_RE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** The dataset name a retrain of `modelVersion` builds unless its policy names one: `<model version>-retrain`, made a valid name. */
export function retrainDatasetName(modelVersion: string): string {
  const base = modelVersion.toLowerCase().replace(/[^a-z0-9_.-]+/g, '-').replace(/^[^a-z0-9]+/, '');
  return `${base.slice(0, 56) || 'model'}-retrain`;
}
const MAX_SYSTEM_PROMPT = 8000;
const MEMBERS_KEYSET = new Keyset('datasetEntries', [{ expr: 'e.request_id', dir: 'ASC', type: 'text' }]);
const ENTRY_VERSIONS_KEYSET = new Keyset('entryDatasetVersions', [
  { expr: 'd.created_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'd.id', dir: 'DESC', type: 'uuid' },
]);
const VERSIONS_KEYSET = new Keyset('datasetVersions', [
  { expr: 'd.created_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'd.id', dir: 'DESC', type: 'uuid' },
]);

/**
 * Dataset versions: a request is recorded PENDING and its build job is enqueued in the same
 * transaction, so a version never exists without the job that builds it. The build (dataset-build.ts)
 * applies the quality gate and writes the files; the version's number is the next one for its name,
 * taken under a per-name lock so two concurrent requests never get the same number.
 */
export class DatasetService {
  constructor(
    private readonly config: Config,
    private readonly jobs: JobQueue,
  ) {}

  /** DatasetVersion.entries: a version's members by requestId (the primary key's order). */
  readonly versionMembers = nestedList<{ requestId: string }>('datasetEntries', MEMBERS_KEYSET, () => this.config.maxPageSize, {
    columns: 'e.request_id AS "requestId"',
    from: 'dataset_example e',
    parent: 'e.dataset_version_id',
    parentType: 'uuid',
  });

  /** LogEntry.datasetVersions: the versions an entry is a member of, newest first. */
  readonly entryVersions = nestedList<DatasetVersionRow>('entryDatasetVersions', ENTRY_VERSIONS_KEYSET, () => this.config.maxPageSize, {
    columns: DATASET_COLUMNS,
    from: 'dataset_example e JOIN dataset_version d ON d.id = e.dataset_version_id',
    parent: 'e.request_id',
    parentType: 'text',
  });

  async create(tx: EntityManager, input: CreateDatasetInput, createdBy: string): Promise<DatasetVersionRow> {
    const kind = input.kind ?? 'TRAIN';
    const formats = [...new Set(input.formats?.length ? input.formats : (['SFT'] as DatasetFormat[]))];
    this.validate(input);
    for (const [field, id] of [['baseVersionId', input.baseVersionId], ['referenceVersionId', input.referenceVersionId]] as const) {
      if (id == null) continue;
      const [row]: { status: string }[] = isUuid(id) ? await tx.query(`SELECT status FROM dataset_version WHERE id = $1`, [id]) : [];
      if (!row) throw new FlywheelError('NOT_FOUND', `${field}: no dataset version with this id`);
      if (row.status !== 'READY') throw badInput([{ field, message: `must be a READY version (it is ${row.status})` }]);
    }
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('flywheel:dataset:' || $1))`, [input.name]);
    const filter: DatasetFilter = {
      tags: input.tags?.length ? [...new Set(input.tags)].sort() : null,
      from: input.from?.toISOString() ?? null,
      to: input.to?.toISOString() ?? null,
      modelVersions: input.modelVersions?.length ? [...new Set(input.modelVersions)].sort() : null,
    };
    const [row]: DatasetVersionRow[] = await tx.query(
      // created_at is taken under the per-name lock (clock_timestamp, not the transaction's start), so
      // "newest first" and the version numbers agree even for requests that raced for the lock.
      `INSERT INTO dataset_version AS d (name, version, kind, status, formats, filter, base_version_id, reference_version_id, system_prompt,
         validation_fraction, max_psi, created_by, created_at)
       VALUES ($1, (SELECT coalesce(max(version), 0) + 1 FROM dataset_version WHERE name = $1), $2, 'PENDING', $3, $4, $5, $6, $7, $8, $9, $10, clock_timestamp())
       RETURNING ${DATASET_COLUMNS}`,
      [
        input.name,
        kind,
        formats,
        JSON.stringify(filter),
        input.baseVersionId ?? null,
        input.referenceVersionId ?? null,
        input.systemPrompt ?? null,
        input.validationFraction ?? 0,
        input.maxPsi ?? this.config.datasetMaxPsi,
        createdBy,
      ],
    );
    const jobId = await this.jobs.send(DATASET_BUILD_JOB, { datasetVersionId: row.id }, tx);
    await tx.query(`UPDATE dataset_version SET job_id = $2 WHERE id = $1`, [row.id, jobId]);
    return { ...row, jobId };
  }

  /**
   * Before a build job is cancelled. One row-locked statement decides against the build's own
   * publishing statement: a version already READY stays READY and its job is left to complete
   * ('built'); otherwise the request is recorded and a version whose build never started is FAILED at
   * once (pg-boss never runs a cancelled job), while a running build sees it and cleans up.
   */
  async requestCancel(db: EntityManager, jobId: string): Promise<'cancel' | 'built'> {
    const rows = await queryRows<{ status: string }>(
      db,
      `UPDATE dataset_version SET cancel_requested_at = now(),
         error = CASE WHEN status = 'PENDING' THEN 'cancelled' ELSE error END,
         status = CASE WHEN status = 'PENDING' THEN 'FAILED' ELSE status END
       WHERE job_id = $1 AND status <> 'READY' RETURNING status`,
      [jobId],
    );
    if (rows.length > 0) return 'cancel';
    const [ready]: unknown[] = await db.query(`SELECT 1 FROM dataset_version WHERE job_id = $1 AND status = 'READY'`, [jobId]);
    return ready ? 'built' : 'cancel';
  }

  byIds(db: EntityManager, ids: string[]): Promise<DatasetVersionRow[]> {
    return db.query(`SELECT ${DATASET_COLUMNS} FROM dataset_version d WHERE d.id = ANY ($1::uuid[])`, [ids.filter((id) => isUuid(id))]);
  }

  /** Newest first; optionally one name. */
  async list(db: EntityManager, name: string | null | undefined, page: PageArgs): Promise<PageResult<DatasetVersionRow>> {
    const byName = name != null;
    return VERSIONS_KEYSET.fetch<DatasetVersionRow>(db, page, this.config.maxPageSize, {
      columns: DATASET_COLUMNS,
      from: 'dataset_version d',
      filter: byName ? ['d.name = $1'] : [],
      params: byName ? [name] : [],
    });
  }

  /**
   * Problems of the dataset a retrain policy will build (checked when the policy is written, so a
   * policy never fires into a refusal). Fields are named `dataset.<field>`.
   */
  templateProblems(t: { name?: string | null; tags?: string[] | null; systemPrompt?: string | null; validationFraction?: number | null }, modelVersion: string): InputProblem[] {
    return this.problems({ name: t.name ?? retrainDatasetName(modelVersion), tags: t.tags, systemPrompt: t.systemPrompt, validationFraction: t.validationFraction }).map((p) => ({
      ...p,
      field: `dataset.${p.field}`,
    }));
  }

  private validate(input: CreateDatasetInput): void {
    const problems = this.problems(input);
    if (problems.length) throw badInput(problems);
  }

  private problems(input: CreateDatasetInput): InputProblem[] {
    const problems: InputProblem[] = [];
    if (!NAME_RE.test(input.name)) problems.push({ field: 'name', message: 'use 1–64 of a-z 0-9 _ . - starting with a letter or digit (it becomes a folder name)' });
    for (const t of input.tags ?? []) if (!TAG_RE.test(t)) problems.push({ field: 'tags', message: 'each tag is 1–64 of a-z 0-9 _ . : -' });
    if ((input.modelVersions ?? []).some((m) => m.length === 0 || m.length > 200)) problems.push({ field: 'modelVersions', message: 'each must be 1–200 characters' });
    if (input.from && input.to && !(input.from < input.to)) problems.push({ field: 'from', message: 'must be before to' });
    if (input.systemPrompt != null && (input.systemPrompt.trim() === '' || input.systemPrompt.length > MAX_SYSTEM_PROMPT)) {
      problems.push({ field: 'systemPrompt', message: `must be 1–${MAX_SYSTEM_PROMPT} characters` });
    }
    const f = input.validationFraction;
    if (f != null && !(f >= 0 && f < 1)) problems.push({ field: 'validationFraction', message: 'must be in [0, 1)' });
    if (input.maxPsi != null && !(input.maxPsi >= 0)) problems.push({ field: 'maxPsi', message: 'must be ≥ 0' });
    if (input.kind === 'EVAL' && f) problems.push({ field: 'validationFraction', message: 'an EVAL (gold) version has no validation split' });
    return problems;
  }
}
