import { isUuid } from '../db/sql';
import { PgBoss } from 'pg-boss';
import type { Db as BossDb, JobWithMetadata } from 'pg-boss';
import { EntityManager } from 'typeorm';
import { badInput, FlywheelError } from '../errors';
import type { PageResult } from '../schema/connection';
import { Keyset, PageArgs } from '../services/paging/keyset';

/** What a handler gets besides its payload: the database, cancellation, and a way to report progress. */
export interface JobContext {
  jobId: string;
  db: EntityManager;
  /** Aborted when the job is cancelled or the process shuts down: stop at the next safe point. */
  signal: AbortSignal;
  progress(progress: Record<string, unknown>): Promise<void>;
}

/**
 * A named job: its payload is checked at runtime by `parse` both when it is sent (a bad payload is
 * refused to the caller) and when it runs (a payload written by an older version, or by hand, fails
 * loudly instead of half-running).
 */
export interface JobDefinition<T extends object> {
  name: string;
  parse(data: unknown): T;
  retryLimit: number;
  /** Seconds before the first retry; doubled per attempt (pg-boss's exponential backoff with jitter). */
  retryDelay: number;
  expireInSeconds: number;
  handle(payload: T, ctx: JobContext): Promise<Record<string, unknown> | void>;
}

export interface JobStatus {
  id: string;
  name: string;
  state: string;
  retryCount: number;
  data: Record<string, unknown> | null;
  progress: Record<string, unknown> | null;
  output: Record<string, unknown> | null;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
}

const JOB_COLUMNS = `j.id, j.name, j.state::text AS state, j.retry_count AS "retryCount", j.data, r.progress, j.output,
  j.created_on AS "createdAt", j.started_on AS "startedAt", j.completed_on AS "completedAt"`;
const JOBS_KEYSET = new Keyset('jobs', [
  { expr: 'j.created_on', dir: 'DESC', type: 'timestamptz' },
  { expr: 'j.id', dir: 'DESC', type: 'uuid' },
]);

/** pg-boss runs its statements on this to enqueue inside the caller's TypeORM transaction. */
export function bossDbFor(manager: EntityManager): BossDb {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('bossDbFor needs a transactional EntityManager');
  return {
    async executeSql(text: string, values?: unknown[]) {
      const result = await runner.query(text, values as unknown[], true);
      return { rows: result.records };
    },
  };
}

/**
 * The durable job runner: pg-boss on the same PostgreSQL (or the embedded one). Handlers run in the API
 * process by default (RUN_WORKER=true) and in separate processes with `npm run worker`.
 */
export class JobQueue {
  private readonly boss: PgBoss;
  private readonly definitions = new Map<string, JobDefinition<object>>();
  private readonly running = new Map<string, AbortController>();

  constructor(
    url: string,
    private readonly db: EntityManager,
    private readonly opts: { poolSize: number; connectTimeoutMs?: number; onError?: (err: Error) => void; handlerDb?: EntityManager },
  ) {
    this.boss = new PgBoss({
      connectionString: url,
      max: opts.poolSize,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      schema: 'pgboss',
      application_name: 'flywheel-jobs',
      // The API process also answers schedules; several processes doing it is safe (pg-boss dedupes).
      schedule: true,
    });
    this.boss.on('error', (err: Error) => (opts.onError ?? ((e) => console.error('[jobs]', e.message)))(err));
  }

  define<T extends object>(def: JobDefinition<T>): void {
    this.definitions.set(def.name, def as unknown as JobDefinition<object>);
  }

  async start(): Promise<void> {
    await this.boss.start();
    for (const def of this.definitions.values()) {
      await this.boss.createQueue(def.name, {
        retryLimit: def.retryLimit,
        retryDelay: def.retryDelay,
        retryBackoff: true,
        expireInSeconds: def.expireInSeconds,
        // Heartbeats let pg-boss notice a cancel within ~10 s (it aborts the handler's signal when the claim
        // is gone) and a dead worker at its next supervision pass (about a minute; 21–39 s measured)
        // instead of waiting out expireInSeconds.
        heartbeatSeconds: 10,
      });
    }
  }

  /** Start handling every defined job in this process. */
  async work(): Promise<void> {
    for (const def of this.definitions.values()) {
      await this.boss.work(def.name, { pollingIntervalSeconds: 1 }, async ([job]) => {
        const payload = def.parse(job.data);
        const controller = new AbortController();
        const onAbort = () => controller.abort();
        job.signal.addEventListener('abort', onAbort);
        this.running.set(job.id, controller);
        try {
          const output = await def.handle(payload, {
            jobId: job.id,
            db: this.opts.handlerDb ?? this.db,
            signal: controller.signal,
            progress: (p) => this.reportProgress(job.id, def.name, p),
          });
          return output ?? {};
        } finally {
          job.signal.removeEventListener('abort', onAbort);
          this.running.delete(job.id);
        }
      });
    }
  }

  async schedule(name: string, cron: string, data: object = {}): Promise<void> {
    await this.boss.schedule(name, cron, data);
  }

  /** Enqueue; pass `manager` (a transaction's) to commit the job with the write that needs it. */
  async send<T extends object>(name: string, data: T, manager?: EntityManager): Promise<string> {
    const def = this.definitions.get(name);
    if (!def) throw badInput([{ field: 'name', message: `unknown job ${name}` }]);
    let payload: T;
    try {
      payload = def.parse(data) as T;
    } catch (err) {
      // The payload checks name the input field first (`graceHours: must be …`): report it as that field.
      const message = (err as Error).message.replace(/^[a-z-]+ payload: /, '');
      const field = /^(\w+):/.exec(message)?.[1] ?? 'input';
      throw badInput([{ field, message: message.replace(/^\w+:\s*/, '') }]);
    }
    const id = await this.boss.send(name, payload, manager ? { db: bossDbFor(manager) } : {});
    if (!id) throw new FlywheelError('INTERNAL_SERVER_ERROR', `Job ${name} was not enqueued`);
    return id;
  }

  async status(id: string): Promise<JobStatus | null> {
    if (!isUuid(id)) return null;
    for (const name of this.definitions.keys()) {
      const job = (await this.boss.getJobById<Record<string, unknown>>(name, id)) as (JobWithMetadata<Record<string, unknown>> & { output?: unknown }) | null;
      if (!job) continue;
      const rows: { progress: Record<string, unknown> }[] = await this.db.query('SELECT progress FROM job_run WHERE job_id = $1', [id]);
      return {
        id: job.id,
        name: job.name,
        state: job.state,
        retryCount: job.retryCount,
        data: job.data ?? null,
        progress: rows[0]?.progress ?? null,
        output: (job.output as Record<string, unknown> | undefined) ?? null,
        createdAt: job.createdOn,
        startedAt: job.startedOn ?? null,
        completedAt: job.completedOn,
      };
    }
    return null;
  }

  /**
   * Jobs, newest first, straight from pg-boss's table (its API has no listing across queues), with the
   * progress handlers report. Only Flywheel's own queues are listed.
   */
  async list(filter: { name?: string | null; states?: string[] | null }, page: PageArgs, maxPageSize: number): Promise<PageResult<JobStatus>> {
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    const where = [`j.name = ANY (${p([...this.definitions.keys()])}::text[])`];
    if (filter.name != null) where.push(`j.name = ${p(filter.name)}`);
    if (filter.states?.length) where.push(`j.state::text = ANY (${p(filter.states)}::text[])`);
    return JOBS_KEYSET.fetch<JobStatus>(this.db, page, maxPageSize, {
      columns: JOB_COLUMNS,
      from: 'pgboss.job j LEFT JOIN job_run r ON r.job_id = j.id',
      filter: where,
      params,
    });
  }

  async cancel(name: string, id: string): Promise<void> {
    await this.boss.cancel(name, id);
    // Running here: stop it now; running in another process: its heartbeat notices.
    this.running.get(id)?.abort();
  }

  /**
   * Jobs waiting (due now) and running, per queue, with the age of the oldest of each: what an operator
   * alerts on (a queue that grows, or a job nobody picks up). Read from pg-boss's table at scrape time.
   */
  async depth(): Promise<{ queue: string; state: 'waiting' | 'active'; count: number; oldestSeconds: number }[]> {
    // On pg-boss's pool: a scrape must not count as statements of the request paths (flywheel_db_statements_total).
    const { rows } = await this.boss.getDb().executeSql(
      `SELECT name AS queue, CASE WHEN state = 'active' THEN 'active' ELSE 'waiting' END AS state, count(*)::int AS count,
              extract(epoch FROM now() - min(CASE WHEN state = 'active' THEN started_on ELSE start_after END))::float8 AS "oldestSeconds"
       FROM pgboss.job
       WHERE name = ANY ($1::text[]) AND (state = 'active' OR (state IN ('created', 'retry') AND start_after <= now()))
       GROUP BY 1, 2`,
      [[...this.definitions.keys()]],
    );
    return rows as { queue: string; state: 'waiting' | 'active'; count: number; oldestSeconds: number }[];
  }

  queueNames(): string[] {
    return [...this.definitions.keys()];
  }

  /** pg-boss's own pool, for the pool gauges (undefined before start or if pg-boss changes its internals). */
  pool(): { totalCount: number; idleCount: number; waitingCount: number } | undefined {
    const db = this.boss.getDb() as unknown as { pool?: { totalCount: number; idleCount: number; waitingCount: number } };
    return db.pool && typeof db.pool.totalCount === 'number' ? db.pool : undefined;
  }

  /** Abort running handlers (they stop at their next safe point), then stop pg-boss gracefully. */
  async stop(timeoutMs: number): Promise<void> {
    for (const c of this.running.values()) c.abort();
    await this.boss.stop({ graceful: true, timeout: Math.max(1000, timeoutMs), close: true });
  }

  private async reportProgress(jobId: string, name: string, progress: Record<string, unknown>): Promise<void> {
    await this.db.query(
      `INSERT INTO job_run (job_id, name, progress, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (job_id) DO UPDATE SET progress = EXCLUDED.progress, updated_at = now()`,
      [jobId, name, JSON.stringify(progress)],
    );
  }
}
