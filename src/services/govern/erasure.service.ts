import fs from 'node:fs';
import path from 'node:path';
import type { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import { queryRows } from '../../db/sql';
import { badInput } from '../../errors';
import { DATASET_COLUMNS, DatasetVersionRow } from '../curate/dataset.service';
import { writeFiles } from '../curate/dataset-build';
import type { UserIdHasher } from '../user-id-hasher';

/** What one erasure removed, per kind. */
export interface ErasureCounts {
  logEntries: number;
  feedback: number;
  corrections: number;
  reviewItems: number;
  groundTruths: number;
  tags: number;
  datasetExamples: number;
  datasetVersions: number;
  exportFiles: number;
}

export interface ErasureResult {
  counts: ErasureCounts;
  /** The dataset versions that held the user's examples, as they are after the erasure. */
  datasetVersions: DatasetVersionRow[];
}

const EMPTY: ErasureCounts = { logEntries: 0, feedback: 0, corrections: 0, reviewItems: 0, groundTruths: 0, tags: 0, datasetExamples: 0, datasetVersions: 0, exportFiles: 0 };

/**
 * eraseUser: every trace of one end user, found through the keyed hash of their id, in one transaction.
 *
 * Per table (deleted, not anonymised: a row without its user would still carry their words):
 * - `inference_log` rows whose `user_id_hash` is theirs, and each such request's register row
 *   (`inference_request`), tags, review item, corrections, ground truth and feedback;
 * - feedback carrying their hash on any request (also feedback still waiting for its row), and the
 *   `user_negative` tags that feedback wrote;
 * - their examples in every dataset version (`dataset_example`). Each version that held any records
 *   the erasure (`erasures`: time and count, no id) and its counts drop; a READY version's files are
 *   rewritten from its remaining membership, byte for byte what a build of those members writes, with
 *   `erasures` in the manifest. A version still building exports from the log later, which no longer
 *   has the rows.
 * Kept: aggregate counters (`ingest_stats_hourly`: the true volume, no identity) and the audit log
 *   (ids of objects acted on, never user data).
 *
 * SQL is plain DELETE by columns (no ctid), so it works on the partitioned log too. The log has no
 * index on `user_id_hash` (every ingested row would pay for it): finding the user scans the log.
 */
export class ErasureService {
  constructor(
    private readonly config: Config,
    private readonly hasher: UserIdHasher,
  ) {}

  async erase(tx: EntityManager, userId: string): Promise<ErasureResult> {
    if (typeof userId !== 'string' || userId.length === 0 || userId.length > 512) {
      throw badInput([{ field: 'userId', message: 'must be 1–512 characters, as sent with logInference/submitFeedback' }]);
    }
    // Ingestion hashes the well-formed string (lone surrogates replaced); both forms, to be sure.
    const wellFormed = (userId as unknown as { toWellFormed(): string }).toWellFormed();
    const hashes = [...new Set([this.hasher.hash(userId), this.hasher.hash(wellFormed)].filter((h): h is string => h !== null))];
    // Lets this transaction change READY versions (dataset_ready_is_final) and nothing else.
    await tx.query(`SELECT set_config('flywheel.erasure', 'on', true)`);

    const logRows: { ts: string; request_id: string }[] = await tx.query(`SELECT ts::text AS ts, request_id FROM inference_log WHERE user_id_hash = ANY ($1::text[])`, [hashes]);
    const requestIds = [...new Set(logRows.map((r) => r.request_id))];
    const counts: ErasureCounts = { ...EMPTY };

    const members = await queryRows<{ dataset_version_id: string; split: string }>(
      tx,
      `DELETE FROM dataset_example WHERE request_id = ANY ($1::text[]) RETURNING dataset_version_id, split`,
      [requestIds],
    );
    counts.datasetExamples = members.length;
    const feedback = await queryRows<{ id: string }>(
      tx,
      `DELETE FROM feedback WHERE request_id = ANY ($1::text[]) OR user_id_hash = ANY ($2::text[]) RETURNING id::text`,
      [requestIds, hashes],
    );
    counts.feedback = feedback.length;
    counts.tags = (
      await queryRows(
        tx,
        `DELETE FROM log_tag WHERE request_id = ANY ($1::text[]) OR (source = 'USER_FEEDBACK' AND actor = ANY ($2::text[])) RETURNING 1`,
        [requestIds, feedback.map((f) => f.id)],
      )
    ).length;
    counts.corrections = (await queryRows(tx, `DELETE FROM correction WHERE request_id = ANY ($1::text[]) RETURNING 1`, [requestIds])).length;
    counts.reviewItems = (await queryRows(tx, `DELETE FROM review_item WHERE request_id = ANY ($1::text[]) RETURNING 1`, [requestIds])).length;
    counts.groundTruths = (await queryRows(tx, `DELETE FROM ground_truth WHERE request_id = ANY ($1::text[]) RETURNING 1`, [requestIds])).length;
    // By the primary key (ts, request_id; ts as PostgreSQL printed it, microseconds kept): the partitioned
    // log prunes to the rows' partitions.
    counts.logEntries = (
      await queryRows(
        tx,
        `DELETE FROM inference_log l USING unnest($1::timestamptz[], $2::text[]) AS x(ts, request_id)
         WHERE l.ts = x.ts AND l.request_id = x.request_id RETURNING 1`,
        [logRows.map((r) => r.ts), logRows.map((r) => r.request_id)],
      )
    ).length;
    await tx.query(`DELETE FROM inference_request WHERE request_id = ANY ($1::text[])`, [requestIds]);

    const perVersion = new Map<string, { examples: number; validation: number }>();
    for (const m of members) {
      const v = perVersion.get(m.dataset_version_id) ?? { examples: 0, validation: 0 };
      v.examples++;
      if (m.split === 'VALIDATION') v.validation++;
      perVersion.set(m.dataset_version_id, v);
    }
    counts.datasetVersions = perVersion.size;
    const versions: DatasetVersionRow[] = [];
    for (const [id, n] of [...perVersion].sort(([a], [b]) => a.localeCompare(b))) {
      const [v] = await queryRows<DatasetVersionRow>(
        tx,
        `UPDATE dataset_version d SET erasures = d.erasures || jsonb_build_array(jsonb_build_object('at', now(), 'examples', $2::int)),
           example_count = d.example_count - $2::int, validation_count = d.validation_count - $3::int
         WHERE d.id = $1 RETURNING ${DATASET_COLUMNS}`,
        [id, n.examples, n.validation],
      );
      if (v.status === 'READY') {
        const files = await this.rewriteFiles(tx, v);
        counts.exportFiles += Object.keys(files).length;
        const [updated] = await queryRows<DatasetVersionRow>(
          tx,
          `UPDATE dataset_version d SET files = $2, content_hash = $3 WHERE d.id = $1 RETURNING ${DATASET_COLUMNS}`,
          [id, JSON.stringify(files), (files['train.jsonl'] ?? files['preference.jsonl']).sha256],
        );
        versions.push(updated);
      } else versions.push(v);
    }
    return { counts, datasetVersions: versions };
  }

  /**
   * Writes the version's files from its membership as this transaction sees it (without the erased
   * examples) next to the old folder, then swaps the folders and removes the old one before the
   * transaction commits. If the commit then fails, the files already lack the user while the database
   * still has them: the retry any failed erasure needs makes the two agree again. The other order
   * (swap after commit) would leave the user's rows on disk after a crash.
   */
  private async rewriteFiles(tx: EntityManager, v: DatasetVersionRow): Promise<Record<string, { sha256: string }>> {
    const finalDir = path.join(this.config.exportDir, v.name, `v${v.version}`);
    const workDir = `${finalDir}.erasure`;
    const report = { ...(v.qualityReport ?? {}), members: v.exampleCount ?? 0, validation: v.validationCount ?? 0 };
    const files = await writeFiles(
      v,
      workDir,
      report,
      { db: tx, streaming: false, exportDir: this.config.exportDir, maxTextChars: this.config.maxTextChars, signal: new AbortController().signal, progress: async () => undefined },
      { erasures: v.erasures ?? [] },
    );
    const oldDir = `${finalDir}.erased-old`;
    fs.rmSync(oldDir, { recursive: true, force: true });
    if (fs.existsSync(finalDir)) fs.renameSync(finalDir, oldDir);
    fs.renameSync(workDir, finalDir);
    fs.rmSync(oldDir, { recursive: true, force: true });
    return files;
  }
}
