import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { EntityManager } from 'typeorm';
import { queryRows } from '../../db/sql';
import { normalisedKey } from '../correction.service';
import { DATASET_COLUMNS, DatasetFormat, DatasetVersionRow } from './dataset.service';
import { populationStabilityIndex, Distribution } from './psi';
import { reportProgress } from '../../jobs/progress';

// dist/src/services/curate → the repository's package.json.
const SERVICE_VERSION = require('../../../../package.json').version as string;

export interface BuildContext {
  db: EntityManager;
  /** A PostgreSQL server (cursor export); false on the embedded database. */
  streaming: boolean;
  exportDir: string;
  maxTextChars: number;
  signal: AbortSignal;
  progress(p: Record<string, unknown>): Promise<void>;
}

export class BuildCancelled extends Error {}
/** The gate refused the version: a final answer, not a fault, so the job is not retried. */
export class GateFailed extends Error {
  constructor(readonly report: Record<string, unknown>) {
    super('the quality gate failed: the distribution moved past maxPsi against the reference version');
  }
}

/** Deterministic validation split: the same entry falls on the same side in every rebuild. */
const SPLIT_SQL = (fraction: string, id: string) =>
  `CASE WHEN ${fraction} > 0 AND ('x' || substr(md5(${id}), 1, 8))::bit(32)::bigint < ${fraction} * 4294967296 THEN 'VALIDATION' ELSE 'TRAIN' END`;

/**
 * The quality gate and membership, in one REPEATABLE READ statement so every check sees the same data.
 * Each candidate (an entry matching the filter with an ACCEPTED correction, its earliest) gets the first
 * reason that excludes it, or none:
 *   incomplete / too_long → schema and completeness; in_base → already a member through the base;
 *   label_conflict → its normalised prompt has accepted corrections that disagree;
 *   eval_contamination → its normalised prompt is in a READY EVAL (gold) version (TRAIN versions only);
 *   duplicate_of_base / duplicate → same normalised prompt and completion as a base member or an
 *   earlier candidate (by ts, request_id).
 *
 * Shaped for 1M candidates (28–35 s → ~11 s; measured with EXPLAIN ANALYZE, equivalence checked row
 * for row against the first version on crafted data covering every reason, on PostgreSQL and PGlite):
 * - the filter is decoded once (f), and its time bounds also reach inference_log_pk as a range;
 * - completeness and length tests avoid trimming and counting every text (btrim only removes spaces,
 *   and length ≤ octet_length);
 * - candidates, conflicting prompt keys, gold prompt keys and base members travel in one stream sorted
 *   once by (prompt_key, completion_key, ts, request_id), so every prompt-level fact is a running window
 *   aggregate: the per-row `IN (SELECT … FROM base)` lookups it replaces stopped being hashed once the
 *   base passed ~100k members and rescanned it per candidate (10k candidates on a 1M base: 356 s);
 * - conflicts are `min <> max` over the accepted (prompt_key, completion_key) index (the keys are NOT
 *   NULL, so that is count(DISTINCT) > 1): 9.9 s of random probes → 0.3 s;
 * - partitions compare keys under COLLATE "C" (equality is bytewise under any deterministic collation;
 *   the window sort halves);
 * - membership is inserted in request_id order, so both btree indexes grow at their right edge
 *   (9.75 → 3.5 s for 1M rows).
 */
const MEMBERSHIP_SQL = `
WITH v AS (SELECT * FROM dataset_version WHERE id = $1),
f AS (  -- the filter, decoded once (not per log row)
  SELECT (filter->>'from')::timestamptz AS ts_from, (filter->>'to')::timestamptz AS ts_to,
         CASE WHEN jsonb_typeof(filter->'modelVersions') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(filter->'modelVersions')) END AS model_versions,
         CASE WHEN jsonb_typeof(filter->'tags') = 'array' THEN ARRAY(SELECT jsonb_array_elements_text(filter->'tags')) END AS tags
  FROM v
),
base AS MATERIALIZED (
  SELECT e.request_id, e.correction_id, e.prompt_key, c.completion_key
  FROM dataset_example e JOIN correction c ON c.id = e.correction_id
  WHERE e.dataset_version_id = (SELECT base_version_id FROM v) AND (SELECT base_version_id FROM v) IS NOT NULL
),
-- Candidates: per request its earliest ACCEPTED correction (by created_at, id), and whether the base has the request.
-- One sort by request_id: base rows (kind 3) sort first in their request's partition.
cand AS MATERIALIZED (
  SELECT request_id, ts, correction_id, prompt_key, completion_key, incomplete, too_long, in_base
  FROM (
    SELECT x.*, count(*) FILTER (WHERE x.kind = 0) OVER w AS nth, bool_or(x.kind = 3) OVER w AS in_base
    FROM (
      SELECT 0 AS kind, l.request_id, l.ts, c.created_at, c.id AS correction_id, c.prompt_key, c.completion_key,
             -- = btrim(prompt) = '' OR btrim(completion) = '' / length(..) > $2, without trimming or counting every text
             (l.prompt = '' OR (starts_with(l.prompt, ' ') AND btrim(l.prompt) = '')
              OR c.completion = '' OR (starts_with(c.completion, ' ') AND btrim(c.completion) = '')) AS incomplete,
             ((octet_length(l.prompt) > $2 AND length(l.prompt) > $2) OR (octet_length(c.completion) > $2 AND length(c.completion) > $2)) AS too_long
      FROM f, inference_log l JOIN correction c ON c.request_id = l.request_id AND c.status = 'ACCEPTED'
      WHERE l.ts >= (SELECT coalesce(ts_from, '-infinity') FROM f)   -- index range on inference_log_pk
        AND l.ts <= (SELECT coalesce(ts_to, 'infinity') FROM f)
        AND (f.ts_to IS NULL OR l.ts < f.ts_to)
        AND (f.model_versions IS NULL OR l.model_version = ANY (f.model_versions))
        AND (f.tags IS NULL OR EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.removed_at IS NULL AND t.tag = ANY (f.tags)))
      UNION ALL
      SELECT 3, request_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM base
    ) x
    WINDOW w AS (PARTITION BY x.request_id COLLATE "C" ORDER BY x.kind DESC, x.created_at, x.correction_id ROWS UNBOUNDED PRECEDING)
  ) y
  WHERE kind = 0 AND nth = 1
),
-- Candidates (0), conflicting prompt keys (1), gold prompt keys (2) and base members (3) in one stream, sorted once by
-- (prompt_key, completion_key, ts, request_id): every prompt-level fact is a running window aggregate, no per-row lookup.
stream AS (
  SELECT 0 AS kind, request_id, ts, correction_id, prompt_key, completion_key,
         CASE WHEN incomplete THEN 'incomplete' WHEN too_long THEN 'too_long' WHEN in_base THEN 'in_base' END AS pre_reason
  FROM cand
  UNION ALL
  SELECT 1, NULL, NULL, NULL, prompt_key, '', NULL FROM correction WHERE status = 'ACCEPTED'
  GROUP BY prompt_key HAVING min(completion_key) <> max(completion_key)
  UNION ALL
  SELECT 2, NULL, NULL, NULL, e.prompt_key, '', NULL FROM dataset_example e JOIN dataset_version g ON g.id = e.dataset_version_id, v
  WHERE g.kind = 'EVAL' AND g.status = 'READY' AND g.id <> v.id AND v.kind = 'TRAIN'
  UNION ALL
  SELECT 3, request_id, NULL, correction_id, prompt_key, completion_key, NULL FROM base
),
ranked AS (
  SELECT kind, request_id, correction_id, prompt_key,
    CASE WHEN kind <> 0 THEN NULL
         WHEN pre_reason IS NOT NULL THEN pre_reason
         WHEN bool_or(kind = 1) OVER pk THEN 'label_conflict'
         WHEN bool_or(kind = 2) OVER pk THEN 'eval_contamination'
         WHEN bool_or(kind = 3) OVER pkck THEN 'duplicate_of_base'
         WHEN count(*) FILTER (WHERE kind = 0 AND pre_reason IS NULL) OVER pkck > 1 THEN 'duplicate'
    END AS final_reason,
    kind = 3 AND bool_or(kind = 2) OVER pk AS contaminated
  FROM stream
  WINDOW pk AS (PARTITION BY prompt_key COLLATE "C" ORDER BY completion_key COLLATE "C", ts NULLS FIRST, request_id ROWS UNBOUNDED PRECEDING),
         pkck AS (PARTITION BY prompt_key COLLATE "C", completion_key COLLATE "C" ORDER BY ts NULLS FIRST, request_id ROWS UNBOUNDED PRECEDING)
),
ins AS (
  INSERT INTO dataset_example (dataset_version_id, request_id, correction_id, split, prompt_key)
  SELECT v.id, m.request_id, m.correction_id, ${SPLIT_SQL('v.validation_fraction', 'm.request_id')}, m.prompt_key
  FROM v, ranked m
  WHERE (m.kind = 0 AND m.final_reason IS NULL) OR (m.kind = 3 AND NOT m.contaminated)
  ORDER BY m.request_id  -- index order: btree inserts stay local
  RETURNING split
)
SELECT (SELECT coalesce(json_object_agg(r, n), '{}') FROM (SELECT coalesce(final_reason, 'accepted') AS r, count(*)::int AS n FROM ranked WHERE kind = 0 GROUP BY 1) x) AS reasons,
       (SELECT count(*)::int FROM ranked WHERE kind = 3) AS base_count,
       (SELECT count(*)::int FROM ranked WHERE kind = 3 AND contaminated) AS base_contaminated,
       i.members, i.validation,
       (SELECT coalesce(json_agg(prompt_key ORDER BY prompt_key), '[]') FROM (SELECT DISTINCT prompt_key FROM ranked WHERE kind = 0 AND final_reason = 'label_conflict' ORDER BY prompt_key LIMIT 50) k) AS conflict_keys
FROM (SELECT count(*)::int AS members, (count(*) FILTER (WHERE split = 'VALIDATION'))::int AS validation FROM ins) i`;

/**
 * Per member (excluding members of `$2`): prompt-length bucket (ln chars), non-Latin share bucket and
 * tags, for the drift check. Members are materialised first (the planner estimated the two-column log
 * join at 1 row and probed 1M times), and the script regex runs only on prompts with a character
 * outside Latin (it cost ~100 µs per ASCII prompt): 1M members 80 s → 7 s.
 */
const DISTRIBUTION_SQL = `
WITH m AS MATERIALIZED (
  SELECT e.request_id, r.ts FROM dataset_example e JOIN inference_request r ON r.request_id = e.request_id
  WHERE e.dataset_version_id = $1 AND ($2::uuid IS NULL OR NOT EXISTS (SELECT 1 FROM dataset_example b WHERE b.dataset_version_id = $2 AND b.request_id = e.request_id))
)
SELECT width_bucket(ln(greatest(length(l.prompt), 1)), 0, 10, 10) AS len_bucket,
       width_bucket(CASE WHEN l.prompt ~ '[^\\u0000-\\u024F]' THEN length(regexp_replace(l.prompt, '[\\u0000-\\u024F]', '', 'g')) ELSE 0 END::float
                    / greatest(length(l.prompt), 1), 0, 1, 4) AS script_bucket,
       1 AS n,
       (SELECT array_agg(DISTINCT t.tag) FROM log_tag t WHERE t.request_id = m.request_id AND t.removed_at IS NULL) AS tags
FROM m JOIN inference_log l ON l.ts = m.ts AND l.request_id = m.request_id`;

async function distribution(db: EntityManager, versionId: string, excludeMembersOf: string | null): Promise<{ length: Distribution; script: Distribution; tags: Distribution; n: number }> {
  const rows: { len_bucket: number; script_bucket: number; n: number; tags: string[] | null }[] = await db.query(DISTRIBUTION_SQL, [versionId, excludeMembersOf]);
  const length: Distribution = {};
  const script: Distribution = {};
  const tags: Distribution = {};
  for (const r of rows) {
    length[r.len_bucket] = (length[r.len_bucket] ?? 0) + r.n;
    script[r.script_bucket] = (script[r.script_bucket] ?? 0) + r.n;
    for (const t of r.tags ?? []) tags[t] = (tags[t] ?? 0) + r.n;
  }
  return { length, script, tags, n: rows.length };
}

/** The tables the gate reads in bulk. */
const GATE_TABLES = ['inference_log', 'inference_request', 'correction', 'log_tag', 'dataset_example'];

/**
 * The gate's plan depends on row estimates. Right after a bulk load (an import, a backfill, a test
 * fixture) and before autovacuum has looked, PostgreSQL thinks these tables are empty and picks
 * nested loops that probe a whole partial index per row: 200k fresh corrections took minutes instead
 * of seconds. A table never analyzed, or changed by more than 10% since, is analyzed first (a sample
 * of 30k rows: about a second on 1M rows).
 */
async function analyzeIfStale(db: EntityManager): Promise<void> {
  const stale: { relname: string }[] = await db.query(
    `SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ANY ($1::text[])
       AND ((last_analyze IS NULL AND last_autoanalyze IS NULL) OR n_mod_since_analyze > 0.1 * greatest(n_live_tup, 1000))`,
    [GATE_TABLES],
  );
  for (const { relname } of stale) if (GATE_TABLES.includes(relname)) await db.query(`ANALYZE ${relname}`);
}

const share = (d: Distribution, n: number) => Object.fromEntries(Object.entries(d).map(([k, v]) => [k, n ? Number((v / n).toFixed(4)) : 0]));

/**
 * Builds one dataset version: gate and membership (one transaction), then the files, streamed in
 * batches into a private folder that is renamed into place only when complete, then READY. A rerun of
 * an interrupted or failed build starts over from an empty membership, and, the data and the order
 * being the same, writes the same bytes: the same hash.
 */
export async function buildDatasetVersion(id: string, ctx: BuildContext): Promise<DatasetVersionRow> {
  const { db } = ctx;
  const [found]: DatasetVersionRow[] = await db.query(`SELECT ${DATASET_COLUMNS} FROM dataset_version d WHERE d.id = $1`, [id]);
  if (!found) throw new Error(`dataset version ${id} does not exist`);
  if (found.status === 'READY') return found;
  const started = await db.transaction(async (tx) => {
    await tx.query(`DELETE FROM dataset_example WHERE dataset_version_id = $1`, [id]);
    return queryRows(tx, `UPDATE dataset_version SET status = 'BUILDING', error = NULL WHERE id = $1 AND cancel_requested_at IS NULL RETURNING id`, [id]);
  });
  if (started.length === 0) throw new BuildCancelled('cancelled');
  const finalDir = path.join(ctx.exportDir, found.name, `v${found.version}`);
  const workDir = `${finalDir}.partial`;
  try {
    await reportProgress(ctx, 'GATE', 0, null);
    await analyzeIfStale(db);
    const report = await db.transaction('REPEATABLE READ', async (tx) => {
      // The statement's estimates are inflated by its CTEs; JIT compiling it cost 2+ s for nothing.
      await tx.query(`SET LOCAL jit = off`);
      const [m] = await tx.query(MEMBERSHIP_SQL, [id, ctx.maxTextChars]);
      const reference = found.referenceVersionId ?? found.baseVersionId;
      const gate: Record<string, unknown> = {
        candidates: Object.values(m.reasons as Record<string, number>).reduce((a, b) => a + b, 0),
        accepted: m.reasons.accepted ?? 0,
        excluded: Object.fromEntries(Object.entries(m.reasons as Record<string, number>).filter(([k]) => k !== 'accepted' && k !== 'in_base')),
        labelConflictPromptKeys: m.conflict_keys,
        base: found.baseVersionId ? { examples: m.base_count, excludedAsEvalContamination: m.base_contaminated } : null,
        members: m.members,
        validation: m.validation,
      };
      if (reference) {
        const ours = await distribution(tx, id, found.baseVersionId);
        const theirs = await distribution(tx, reference, null);
        const psi = { promptLength: populationStabilityIndex(ours.length, theirs.length), scriptMix: populationStabilityIndex(ours.script, theirs.script) };
        gate.distribution = {
          referenceVersionId: reference,
          comparedExamples: ours.n,
          referenceExamples: theirs.n,
          psi,
          maxPsi: found.maxPsi,
          tagShare: { version: share(ours.tags, ours.n), reference: share(theirs.tags, theirs.n) },
          passed: Math.max(psi.promptLength, psi.scriptMix) <= found.maxPsi,
        };
        if (ours.n > 0 && Math.max(psi.promptLength, psi.scriptMix) > found.maxPsi) throw new GateFailed(gate);
      } else gate.distribution = { referenceVersionId: null, note: 'no base or reference version to compare with' };
      return gate;
    });
    // Outside the REPEATABLE READ gate: a cancel that updated this row meanwhile would make an update
    // there fail with a serialization error instead of the answer, "cancelled".
    const counted = await queryRows(
      db,
      `UPDATE dataset_version SET quality_report = $2, example_count = $3, validation_count = $4 WHERE id = $1 AND cancel_requested_at IS NULL RETURNING id`,
      [id, JSON.stringify(report), report.members, report.validation],
    );
    if (counted.length === 0) throw new BuildCancelled('cancelled');
    const files = await writeFiles(found, workDir, report, ctx);
    if (ctx.signal.aborted) throw new BuildCancelled('cancelled');
    fs.rmSync(finalDir, { recursive: true, force: true });
    fs.renameSync(workDir, finalDir);
    const primary = files['train.jsonl'] ?? files['preference.jsonl'];
    // A cancel from another process reaches this one's signal only at its next heartbeat. The request is
    // on the version's row (DatasetService.requestCancel): the row lock orders the two statements, so
    // either the cancel lands first and this publishes nothing, or this lands first and the cancel
    // leaves the READY version (and its job) alone.
    const [ready] = await queryRows<DatasetVersionRow>(
      db,
      `UPDATE dataset_version d SET status = 'READY', files = $2, content_hash = $3, quality_report = $4, built_at = now()
       WHERE id = $1 AND cancel_requested_at IS NULL
       RETURNING ${DATASET_COLUMNS}`,
      [id, JSON.stringify(files), primary.sha256, JSON.stringify(report)],
    );
    if (!ready) throw new BuildCancelled('cancelled');
    await reportProgress(ctx, 'DONE', report.members as number, report.members as number);
    return ready;
  } catch (err) {
    // Nothing half-built stays: no membership, no files, no counts, and the version says why (a gate
    // refusal keeps its report: that is the answer).
    fs.rmSync(workDir, { recursive: true, force: true });
    fs.rmSync(finalDir, { recursive: true, force: true });
    await db.transaction(async (tx) => {
      await tx.query(`DELETE FROM dataset_example WHERE dataset_version_id = $1`, [id]);
      await tx.query(
        `UPDATE dataset_version SET status = 'FAILED', error = $2, quality_report = $3, example_count = NULL, validation_count = NULL WHERE id = $1`,
        [
        id,
        err instanceof BuildCancelled ? 'cancelled' : (err as Error).message,
          err instanceof GateFailed ? JSON.stringify(err.report) : null,
        ],
      );
    });
    throw err;
  }
}

export interface FileInfo {
  file: string;
  sha256: string;
  bytes: number;
  lines: number;
}

/** One output file: lines appended a batch at a time, with backpressure, hashed as they are written. */
class JsonlWriter {
  private readonly stream: fs.WriteStream;
  private readonly hash = crypto.createHash('sha256');
  private pending: Buffer[] = [];
  lines = 0;
  bytes = 0;

  constructor(readonly file: string) {
    this.stream = fs.createWriteStream(file);
  }

  /** `line` is one JSON document, UTF-8, without its newline. */
  add(line: Buffer): void {
    this.pending.push(line, NEWLINE);
    this.lines++;
    this.bytes += line.length + 1;
  }

  /** One hash update and one write per batch: per-line calls cost more than the bytes (~1 KB a line). */
  async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.hash.update(chunk);
    if (!this.stream.write(chunk)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  async close(): Promise<FileInfo> {
    await this.flush();
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    return { file: path.basename(this.file), sha256: this.hash.digest('hex'), bytes: this.bytes, lines: this.lines };
  }
}

const NEWLINE = Buffer.from('\n');

/** One example as the export reads it: its lines already built by PostgreSQL. */
interface ExportRow {
  validation: boolean;
  /** The SFT line (null unless the version has the SFT format). */
  sft: Buffer | null;
  /** The preference line (null unless the version has the PREFERENCE format). */
  preference: Buffer | null;
  /** normalisedKey(correction) and the model's response, to find corrections that are no preference. */
  completionKey: string | null;
  response: string | null;
}

/**
 * The JSON lines are built by PostgreSQL, so the export moves bytes: to_json(text) escapes exactly as
 * JSON.stringify does (\" \\ \b \f \n \r \t, other controls as lower-case \u00xx), so the lines are the
 * JSON.stringify of {messages: [...]} and {input, preferred_output, non_preferred_output}, byte for
 * byte. Building them in Node held the export to ~44k rows/s; COPY of these runs at PostgreSQL's pace.
 */
function exportColumns(formats: readonly DatasetFormat[]): string {
  const system = `coalesce('{"role":"system","content":' || to_json(v.system_prompt)::text || '},', '')`;
  const user = `'{"role":"user","content":' || to_json(l.prompt)::text || '}'`;
  const assistant = (text: string) => `'[{"role":"assistant","content":' || to_json(${text})::text || '}]'`;
  const sft = `'{"messages":[' || ${system} || ${user} || ',' || substr(${assistant('c.completion')}, 2)`;
  const preference =
    `'{"input":{"messages":[' || ${system} || ${user} || ']},"preferred_output":' || ${assistant('c.completion')}` +
    ` || ',"non_preferred_output":' || ${assistant('l.response')} || '}'`;
  const has = (f: DatasetFormat) => formats.includes(f);
  return [
    `e.split = 'VALIDATION' AS validation`,
    `${has('SFT') ? `${sft} || '}'` : 'NULL::text'} AS sft`,
    `${has('PREFERENCE') ? preference : 'NULL::text'} AS preference`,
    `${has('PREFERENCE') ? 'c.completion_key' : 'NULL::text'} AS completion_key`,
    `${has('PREFERENCE') ? 'l.response' : 'NULL::text'} AS response`,
  ].join(', ');
}

const EXPORT_JOINS = `JOIN dataset_version v ON v.id = e.dataset_version_id
  JOIN inference_request r ON r.request_id = e.request_id JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
  JOIN correction c ON c.id = e.correction_id`;

/**
 * Rows of a `COPY … TO STDOUT (FORMAT binary)` stream, whatever its chunking: a 19-byte header (plus
 * an extension area), then per row an int16 field count and per field an int32 length (-1 = NULL) and
 * the bytes; a count of -1 ends the data. Binary, because the text format would double every
 * backslash in the JSON.
 */
class BinaryCopyReader {
  private rest: Buffer = Buffer.alloc(0);
  private headerRead = false;

  *rows(chunk: Buffer): Generator<(Buffer | null)[]> {
    const buf = this.rest.length ? Buffer.concat([this.rest, chunk]) : chunk;
    let pos = 0;
    if (!this.headerRead) {
      if (buf.length < 19 || buf.length < 19 + buf.readUInt32BE(15)) {
        this.rest = buf;
        return;
      }
      if (buf.toString('latin1', 0, 11) !== 'PGCOPY\n\xff\r\n\0') throw new Error('COPY binary: unexpected signature');
      pos = 19 + buf.readUInt32BE(15);
      this.headerRead = true;
    }
    for (;;) {
      if (buf.length - pos < 2) break;
      const count = buf.readInt16BE(pos);
      if (count === -1) {
        pos = buf.length;
        break;
      }
      const fields: (Buffer | null)[] = [];
      let p = pos + 2;
      for (let i = 0; i < count; i++) {
        if (buf.length - p < 4) break;
        const len = buf.readInt32BE(p);
        if (len === -1) {
          fields.push(null);
          p += 4;
        } else if (buf.length - p - 4 < len) break;
        else {
          fields.push(buf.subarray(p + 4, p + 4 + len));
          p += 4 + len;
        }
      }
      if (fields.length < count) break;
      pos = p;
      yield fields;
    }
    // Copied: a view would keep the whole chunk alive with it.
    this.rest = Buffer.from(buf.subarray(pos));
  }
}

/** Rows handed on per batch: the writers flush (one write, one hash update) per batch. */
const EXPORT_BATCH = 2000;

/**
 * The version's examples in requestId order, in bounded batches.
 * - PostgreSQL: one `COPY (SELECT …) TO STDOUT (FORMAT binary)` over one ordered join in a read-only
 *   snapshot, read with backpressure (the socket is paused while the files catch up), so memory stays
 *   bounded whatever the size. A cancel interrupts the statement (pg_cancel_backend) instead of
 *   reading the rest.
 * - Embedded: an open transaction holds PGlite's single session, and progress is written on another
 *   connection, so one long statement would wait on itself. There each batch takes its members first
 *   (LIMIT on the membership's key) and joins only those; the same columns make the same bytes.
 */
async function forEachExportBatch(ctx: BuildContext, v: DatasetVersionRow, handle: (rows: ExportRow[]) => Promise<void>): Promise<void> {
  const columns = exportColumns(v.formats);
  if (ctx.streaming) {
    await ctx.db.transaction('REPEATABLE READ', async (tx) => {
      await tx.query(`SET TRANSACTION READ ONLY`);
      await tx.query(`SET LOCAL jit = off`);
      const [{ pid }]: { pid: number }[] = await tx.query(`SELECT pg_backend_pid() AS pid`);
      const client = (await tx.queryRunner!.connect()) as PoolClient;
      // COPY takes no bind parameters; the id is a uuid read from the database.
      const copy = client.query(
        copyTo(
          `COPY (SELECT ${columns} FROM dataset_example e ${EXPORT_JOINS}
             WHERE e.dataset_version_id = '${v.id.replace(/[^0-9a-f-]/gi, '')}'::uuid ORDER BY e.request_id) TO STDOUT (FORMAT binary)`,
        ),
      );
      // The stream is always read to its end: a client abandoned mid-COPY would go back to the pool
      // still in COPY mode. To stop early (a cancel, a failed write), the statement is interrupted from
      // another connection, and the rest of the stream is the error that follows.
      let failure: unknown = null;
      const interrupt = (why: unknown) => {
        failure ??= why;
        void ctx.db.query(`SELECT pg_cancel_backend($1)`, [pid]).catch(() => undefined);
      };
      const onAbort = () => interrupt(new BuildCancelled('cancelled'));
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const reader = new BinaryCopyReader();
        let batch: ExportRow[] = [];
        for await (const chunk of copy as AsyncIterable<Buffer>) {
          if (failure) continue;
          try {
            for (const f of reader.rows(chunk)) {
              batch.push({
                validation: f[0]![0] === 1,
                sft: f[1],
                preference: f[2],
                completionKey: f[3]?.toString('utf8') ?? null,
                response: f[4]?.toString('utf8') ?? null,
              });
            }
            if (batch.length >= EXPORT_BATCH) {
              await handle(batch);
              batch = [];
            }
          } catch (err) {
            interrupt(err);
          }
        }
        if (!failure && batch.length) await handle(batch);
      } catch (err) {
        failure ??= err;
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
      }
      if (failure) throw ctx.signal.aborted ? new BuildCancelled('cancelled') : failure;
    });
    return;
  }
  let after = '';
  for (;;) {
    const rows: { request_id: string; validation: boolean; sft: string | null; preference: string | null; completion_key: string | null; response: string | null }[] =
      await ctx.db.query(
        `SELECT e.request_id, ${columns} FROM (SELECT dataset_version_id, request_id, split, correction_id FROM dataset_example
           WHERE dataset_version_id = $1 AND request_id > $2 ORDER BY request_id LIMIT ${EXPORT_BATCH}) e ${EXPORT_JOINS}
         ORDER BY e.request_id`,
        [v.id, after],
      );
    if (rows.length) {
      await handle(
        rows.map((r) => ({
          validation: r.validation,
          sft: r.sft === null ? null : Buffer.from(r.sft, 'utf8'),
          preference: r.preference === null ? null : Buffer.from(r.preference, 'utf8'),
          completionKey: r.completion_key,
          response: r.response,
        })),
      );
    }
    if (rows.length < EXPORT_BATCH) break;
    after = rows[rows.length - 1].request_id;
  }
}

/**
 * Writes a version's files and manifest into `dir` from its current membership. Also used by eraseUser
 * (src/services/govern/erasure.service.ts) to rewrite a READY version without the erased examples;
 * `manifestExtra` (its `erasures`) joins the manifest.
 */
export async function writeFiles(v: DatasetVersionRow, dir: string, report: Record<string, unknown>, ctx: BuildContext, manifestExtra: Record<string, unknown> = {}): Promise<Record<string, FileInfo>> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const has = (f: DatasetFormat) => v.formats.includes(f);
  const writers: Record<string, JsonlWriter> = {};
  const writer = (name: string) => (writers[name] ??= new JsonlWriter(path.join(dir, name)));
  let noPreference = 0;
  let done = 0;
  let reported = 0;
  const total = (report.members as number) || 0;
  await forEachExportBatch(ctx, v, async (rows) => {
    if (ctx.signal.aborted) throw new BuildCancelled('cancelled');
    for (const r of rows) {
      if (r.sft) writer(r.validation ? 'validation.jsonl' : 'train.jsonl').add(r.sft);
      if (r.preference) {
        // A correction that says what the model said is no preference.
        if (r.completionKey === normalisedKey(r.response ?? '')) noPreference++;
        else writer(r.validation ? 'preference_validation.jsonl' : 'preference.jsonl').add(r.preference);
      }
    }
    for (const w of Object.values(writers)) await w.flush();
    done += rows.length;
    // A progress write per second at most: per batch it was 500 writes on a 1M export's critical path.
    if (Date.now() - reported < 1000 && done < total) return;
    reported = Date.now();
    // A cancelJob answered by another process reaches this one's signal only at its next heartbeat
    // (up to ~10 s); the request on the version's row is seen here within a second.
    const [row]: { cancelled: boolean }[] = await ctx.db.query(`SELECT cancel_requested_at IS NOT NULL AS cancelled FROM dataset_version WHERE id = $1`, [v.id]);
    if (row?.cancelled) throw new BuildCancelled('cancelled');
    await reportProgress(ctx, 'EXPORT', done, total);
  });
  // An empty version still has its primary file, so downloads and hashes work the same.
  if (has('SFT')) writer('train.jsonl');
  else writer('preference.jsonl');
  const files: Record<string, FileInfo> = {};
  for (const [name, w] of Object.entries(writers)) files[name] = await w.close();
  if (has('PREFERENCE')) report.preference = { excludedNoPreference: noPreference };
  const manifest = {
    name: v.name,
    version: v.version,
    kind: v.kind,
    formats: v.formats,
    count: (report.members as number) - ((report.validation as number) || 0),
    validationCount: report.validation,
    files,
    sha256: (files['train.jsonl'] ?? files['preference.jsonl']).sha256,
    filter: v.filter,
    systemPrompt: v.systemPrompt,
    baseVersion: v.baseVersionId,
    qualityReport: report,
    createdAt: v.createdAt,
    serviceVersion: SERVICE_VERSION,
    ...manifestExtra,
  };
  fs.writeFileSync(path.join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return files;
}
