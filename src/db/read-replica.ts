import { Counter, Gauge, Registry } from 'prom-client';
import type pg from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { isDatabaseUnavailable } from '../errors';
import { errorFields, Logger } from '../logging';

/**
 * Replay lag in seconds. `now() - pg_last_xact_replay_timestamp()` alone grows while the primary is idle
 * (nothing to replay, yet the last replayed commit gets older), so a replica that has replayed all it
 * received reads 0. On a server that is not in recovery (DATABASE_READ_URL pointing at a primary) 0.
 */
const LAG_SQL = `SELECT CASE
    WHEN NOT pg_is_in_recovery() THEN 0
    WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
    ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)
  END::float8 AS lag`;

export type FallbackReason = 'down' | 'lag' | 'error';

export interface ReadReplicaOptions {
  /** The primary's manager: where reads go when the replica is down, too far behind, or failed. */
  primary: EntityManager;
  /** Builds the replica's DataSource; called again after a failed first connect. */
  createDataSource: () => DataSource;
  checkMs: number;
  /** 0: never route away for lag. */
  maxLagMs: number;
  registry: Registry;
  logger: Logger;
}

/**
 * Dashboard reads on a streaming replica, with a health flag so a replica that is down costs nothing
 * per request: a background check (every DATABASE_READ_CHECK_MS) reads its replay lag; while the last
 * check or the last request saw it fail, reads go straight to the primary and are counted in
 * `flywheel_read_fallback_total`. A statement that fails on the replica because it went away (or was
 * cancelled by a recovery conflict) is run again on the primary in the same request, so the request
 * that discovers an outage still answers.
 */
export class ReadReplica {
  private dataSource: DataSource;
  private upNow = false;
  private lagSecondsNow: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private checking: Promise<void> | undefined;
  private stopped = false;
  private readonly fallbacks: Counter<'reason'>;

  constructor(private readonly opts: ReadReplicaOptions) {
    this.dataSource = opts.createDataSource();
    const registers = [opts.registry];
    const self = this;
    new Gauge({
      name: 'flywheel_read_replica_up',
      help: '1 when dashboard reads go to the read replica (DATABASE_READ_URL) — reachable and within DATABASE_READ_MAX_LAG_MS — 0 when they go to the primary',
      registers,
      collect() {
        this.set(self.usable() ? 1 : 0);
      },
    });
    new Gauge({
      name: 'flywheel_read_replica_lag_seconds',
      help: 'Replay lag of the read replica at its last check (0 when it has replayed everything it received); NaN while it is unreachable',
      registers,
      collect() {
        this.set(self.upNow && self.lagSecondsNow !== null ? self.lagSecondsNow : NaN);
      },
    });
    this.fallbacks = new Counter({
      name: 'flywheel_read_fallback_total',
      help: 'Dashboard requests meant for the read replica that read from the primary: replica down, too far behind (lag), or a statement that failed on it (error)',
      labelNames: ['reason'] as const,
      registers,
    });
    for (const reason of ['down', 'lag', 'error'] as const) this.fallbacks.inc({ reason }, 0);
  }

  get up(): boolean {
    return this.upNow;
  }

  get lagSeconds(): number | null {
    return this.lagSecondsNow;
  }

  /** The replica's pool (for the pool gauges); undefined before its first successful connect. */
  pool(): pg.Pool | undefined {
    return this.dataSource.isInitialized ? (this.dataSource.driver as unknown as { master: pg.Pool }).master : undefined;
  }

  /** First check, then one every checkMs. Never throws: a replica that is down at boot is retried. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.opts.checkMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.checking;
    if (this.dataSource.isInitialized) await this.dataSource.destroy().catch(() => undefined);
  }

  private usable(): boolean {
    return this.upNow && !this.tooFarBehind();
  }

  private tooFarBehind(): boolean {
    return this.opts.maxLagMs > 0 && (this.lagSecondsNow ?? 0) * 1000 > this.opts.maxLagMs;
  }

  /** Checks reachability and lag now (also what the timer runs); concurrent calls share one check. */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    if (this.stopped) return;
    try {
      if (!this.dataSource.isInitialized) {
        try {
          await this.dataSource.initialize();
        } catch (err) {
          // A DataSource whose first connect failed cannot be initialized again: build a fresh one.
          this.dataSource = this.opts.createDataSource();
          throw err;
        }
      }
      // Straight on the pool, not through TypeORM: checks must not count as statements a page costs.
      // Bounded (5 s, or the interval if longer) so a replica that stopped answering is marked down
      // within that, not after the pool's statement timeout; not less: a busy host may take a second
      // or two to answer even `SELECT 1`, and that is not an outage.
      const pool = this.pool()!;
      let timer: NodeJS.Timeout | undefined;
      const limit = Math.max(5000, this.opts.checkMs);
      const rows = await Promise.race([
        pool.query<{ lag: number }>(LAG_SQL).then((r) => r.rows),
        new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`read replica did not answer its check within ${limit} ms`)), limit))),
      ]).finally(() => clearTimeout(timer));
      const wasUsable = this.usable();
      this.lagSecondsNow = Number(rows[0]?.lag ?? 0);
      if (!this.upNow) this.opts.logger.info({ readReplica: 'up', lagSeconds: this.lagSecondsNow }, 'read replica available: dashboard reads go to it');
      this.upNow = true;
      if (wasUsable && this.tooFarBehind()) this.opts.logger.warn({ readReplica: 'behind', lagSeconds: this.lagSecondsNow }, 'read replica too far behind: dashboard reads go to the primary');
    } catch (err) {
      this.markDown(err);
    }
  }

  private markDown(err: unknown): void {
    if (this.upNow || this.lagSecondsNow === null) {
      this.opts.logger.warn({ readReplica: 'down', ...errorFields(err) }, 'read replica unavailable: dashboard reads go to the primary');
    }
    this.upNow = false;
    // Not null: the "first failure" log line above is written once per outage, not once per check.
    this.lagSecondsNow = this.lagSecondsNow ?? 0;
  }

  /**
   * The manager for one request's dashboard reads. It picks its database at the first statement and
   * keeps it for the rest of the request (one consistent view per page: a page and its nested
   * connections come from the same server), except that a statement failing on the replica moves the
   * request to the primary.
   */
  forRequest(): EntityManager {
    const primary = this.opts.primary;
    let chosen: EntityManager | undefined;
    const pick = (): EntityManager => {
      if (chosen) return chosen;
      if (this.usable() && this.dataSource.isInitialized) return (chosen = this.dataSource.manager);
      this.fallbacks.inc({ reason: this.upNow ? 'lag' : 'down' });
      return (chosen = primary);
    };
    const query = async (sql: string, params?: unknown[]) => {
      const db = pick();
      if (db === primary) return primary.query(sql, params);
      try {
        return await db.query(sql, params);
      } catch (err) {
        if (!replicaFailure(err)) throw err;
        if (isDatabaseUnavailable(err)) this.markDown(err);
        this.fallbacks.inc({ reason: 'error' });
        chosen = primary;
        return primary.query(sql, params);
      }
    };
    return new Proxy(primary, {
      get(_target, prop) {
        if (prop === 'query') return query;
        const db = pick();
        const value = Reflect.get(db, prop, db);
        return typeof value === 'function' ? value.bind(db) : value;
      },
    });
  }
}

/**
 * Failures that are the replica's, not the query's: it is unreachable, or a hot-standby recovery
 * conflict cancelled the statement (SQLSTATE 40001 "conflict with recovery": replay needed a row the
 * query was reading). Both are answered from the primary.
 */
function replicaFailure(err: unknown): boolean {
  if (isDatabaseUnavailable(err)) return true;
  const e = err as { code?: unknown; message?: unknown; driverError?: { code?: unknown; message?: unknown } };
  const code = e.code ?? e.driverError?.code;
  const message = String(e.message ?? e.driverError?.message ?? '');
  return code === '40001' && /conflict with recovery/.test(message);
}
