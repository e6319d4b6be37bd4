import { EntityManager } from 'typeorm';
import { COMPACTION_LOCK_ID } from './compaction-references';

/** Daily partitions are named inference_log_pYYYYMMDD and cover that UTC day: the name is the range. */
const PARTITION_RE = /^inference_log_p(\d{4})(\d{2})(\d{2})$/;
const DAY_MS = 86_400_000;
/** Serializes partition creation across processes (boot of several API processes, the job). */
const PARTITION_LOCK_ID = 727_004;
/**
 * How long a partition drop waits for the log table's lock. Below PostgreSQL's deadlock_timeout (1 s),
 * so if a writer holding the table waits for us, our statement gives up first and the writer is never
 * the one aborted; the partition is then handled row by row.
 */
const DROP_LOCK_TIMEOUT = '500ms';

export interface LogPartition {
  name: string;
  from: Date;
  to: Date;
}

export function dayStart(t: Date | number): Date {
  const ms = typeof t === 'number' ? t : t.getTime();
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS);
}

export function partitionName(day: Date): string {
  return `inference_log_p${day.toISOString().slice(0, 10).replaceAll('-', '')}`;
}

/** What a whole-partition drop removed, for the caller's counters. */
export interface PartitionDrop {
  name: string;
  rows: number;
}

/**
 * Daily partitions of `inference_log`. Daily, not weekly: retention is set in days, so a daily partition
 * is the unit a retention run can drop whole; at the lesson's 100 requests/s a day is 8.6M rows, a
 * size PostgreSQL scans and drops comfortably; a year of history is 365 partitions, which the
 * planner prunes at plan time for every query that bounds ts (pages, drift windows, compaction).
 */
export class LogPartitionService {
  /** The daily partitions that exist, oldest first (the DEFAULT partition is not listed). */
  async list(db: EntityManager): Promise<LogPartition[]> {
    const rows: { name: string }[] = await db.query(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'inference_log'::regclass ORDER BY 1`,
    );
    const out: LogPartition[] = [];
    for (const { name } of rows) {
      const m = PARTITION_RE.exec(name);
      if (!m) continue;
      const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
      out.push({ name, from, to: new Date(from.getTime() + DAY_MS) });
    }
    return out;
  }

  /**
   * Creates the daily partitions from yesterday to `daysAhead` days after today that do not exist yet
   * (yesterday: rows served just before midnight still arrive after it). Returns the names created.
   */
  async ensureAhead(db: EntityManager, opts: { daysAhead: number; now?: Date }): Promise<string[]> {
    const today = dayStart(opts.now ?? new Date());
    const created: string[] = [];
    const existing = new Set((await this.list(db)).map((p) => p.name));
    for (let i = -1; i <= opts.daysAhead; i++) {
      const day = new Date(today.getTime() + i * DAY_MS);
      if (existing.has(partitionName(day))) continue;
      if (await this.createDay(db, day)) created.push(partitionName(day));
    }
    return created;
  }

  /**
   * Creates one day's partition. Rows of that day already in the DEFAULT partition (served far ahead of
   * the created range, or before it existed) move into it in the same transaction: a partition cannot
   * be attached while DEFAULT holds rows of its range. It is built as a plain table and then ATTACHed,
   * which takes only SHARE UPDATE EXCLUSIVE on the parent (CREATE … PARTITION OF would take ACCESS
   * EXCLUSIVE and stop ingestion for as long as it waits).
   */
  async createDay(db: EntityManager, day: Date): Promise<boolean> {
    const name = partitionName(day);
    const from = day.toISOString();
    const to = new Date(day.getTime() + DAY_MS).toISOString();
    return db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_ID]);
      const [{ exists }]: { exists: boolean }[] = await tx.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [name]);
      if (exists) return false;
      await tx.query(`CREATE TABLE ${name} (LIKE inference_log INCLUDING DEFAULTS)`);
      await tx.query(
        `WITH moved AS (DELETE FROM inference_log_default WHERE ts >= $1::timestamptz AND ts < $2::timestamptz RETURNING *)
         INSERT INTO ${name} SELECT * FROM moved`,
        [from, to],
      );
      await tx.query(`ALTER TABLE inference_log ATTACH PARTITION ${name} FOR VALUES FROM ('${from}') TO ('${to}')`);
      return true;
    });
  }

  /**
   * Drops a whole partition if no row in it survives (`survivesSql`, a condition on alias `l`), counting
   * its rows per model version and hour into `counter` of ingest_stats_hourly and marking them in the
   * register first, all in one transaction. It holds the compaction lock (no reference can be added
   * meanwhile, see holdOffCompaction) and the partition in SHARE mode while it checks, so no row can
   * arrive in it in between, then the parent exclusively for the DROP only; if a lock is not free within
   * DROP_LOCK_TIMEOUT it gives up (returns null) and the caller deletes row by row instead.
   */
  async dropIfDead(
    db: EntityManager,
    partition: string,
    survivesSql: string,
    params: unknown[],
    counter: 'compacted' | 'retention_deleted',
    opts: { dropEmpty: boolean },
  ): Promise<PartitionDrop | null> {
    if (!PARTITION_RE.test(partition)) throw new TypeError(`not a daily log partition: ${partition}`);
    // A lock-free look first: most partitions hold some kept row, and that answer needs no lock.
    try {
      const [pre]: { survives: boolean; empty: boolean }[] = await db.query(
        `SELECT EXISTS (SELECT 1 FROM ${partition} l WHERE ${survivesSql}) AS survives, NOT EXISTS (SELECT 1 FROM ${partition}) AS empty`,
        params,
      );
      if (pre.survives || (pre.empty && !opts.dropEmpty)) return null;
      return await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [COMPACTION_LOCK_ID]);
        await tx.query(`SET LOCAL lock_timeout = '${DROP_LOCK_TIMEOUT}'`);
        // Another run (compaction and retention, or two compactions) may have dropped it meanwhile.
        const [{ exists }]: { exists: boolean }[] = await tx.query(`SELECT to_regclass($1) IS NOT NULL AS exists`, [partition]);
        if (!exists) return null;
        // SHARE on this partition only: no row can arrive in (or leave) it while we check, count and mark,
        // yet ingestion into every other day goes on; reads go on everywhere.
        await tx.query(`LOCK TABLE ${partition} IN SHARE MODE`);
        const [{ survives }]: { survives: boolean }[] = await tx.query(`SELECT EXISTS (SELECT 1 FROM ${partition} l WHERE ${survivesSql}) AS survives`, params);
        if (survives) return null;
        const [{ n }]: { n: number }[] = await tx.query(
          `WITH counted AS (
             INSERT INTO ingest_stats_hourly AS s (model_version, hour, ${counter})
             SELECT model_version, date_trunc('hour', ts, 'UTC'), count(*) FROM ${partition} GROUP BY 1, 2 ORDER BY 1, 2
             ON CONFLICT (model_version, hour) DO UPDATE SET ${counter} = s.${counter} + EXCLUDED.${counter}
           ),
           marked AS (
             UPDATE inference_request r SET compacted_at = now() FROM ${partition} l WHERE r.request_id = l.request_id
           )
           SELECT count(*)::int AS n FROM ${partition}`,
        );
        // Dropping a partition takes ACCESS EXCLUSIVE on the parent: only for the drop itself (catalog
        // work, milliseconds), not for the scans above.
        await tx.query(`LOCK TABLE inference_log IN ACCESS EXCLUSIVE MODE`);
        await tx.query(`DROP TABLE ${partition}`);
        return { name: partition, rows: n };
      });
    } catch (err) {
      // 55P03 lock_not_available: the table was busy; the rows stay for the row-by-row pass.
      // 42P01 undefined_table: another run dropped it between our listing and our look.
      const code = (err as { code?: string }).code;
      if (code === '55P03' || code === '42P01') return null;
      throw err;
    }
  }
}
