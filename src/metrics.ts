import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per running app so tests can run several apps in one process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({
      name: 'flywheel_http_requests_total',
      help: 'HTTP requests by route, GraphQL operation name and status',
      labelNames: ['route', 'operation', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'flywheel_http_request_duration_seconds',
      help: 'HTTP request latency by route and GraphQL operation name',
      labelNames: ['route', 'operation'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    rowsIngested: new Counter({
      name: 'flywheel_rows_ingested_total',
      help: 'Inference log rows written (duplicates of an existing requestId are not counted)',
      registers: [registry],
    }),
    rowsDuplicate: new Counter({
      name: 'flywheel_rows_duplicate_total',
      help: 'Inference log calls whose requestId was already stored (idempotent replays)',
      registers: [registry],
    }),
    rowsCompacted: new Counter({
      name: 'flywheel_rows_compacted_total',
      help: 'Inference log rows deleted by compaction',
      registers: [registry],
    }),
    redactions: new Counter({
      name: 'flywheel_redactions_total',
      help: 'PII values replaced by placeholders before storage, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    feedback: new Counter({
      name: 'flywheel_feedback_total',
      help: 'Feedback received, by kind and by the state of its log row (logged, pending, compacted)',
      labelNames: ['kind', 'target'] as const,
      registers: [registry],
    }),
    autoFlags: new Counter({
      name: 'flywheel_auto_flags_total',
      help: 'Tags assigned automatically at ingest, by tag',
      labelNames: ['tag'] as const,
      registers: [registry],
    }),
    dbStatements: new Counter({
      name: 'flywheel_db_statements_total',
      help: 'SQL statements sent through the main pool (ingest flushes use their own pool and are counted as commit groups)',
      registers: [registry],
    }),
    ingestBatchSize: new Histogram({
      name: 'flywheel_ingest_batch_size',
      help: 'Items per logInferences call',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 5000],
      registers: [registry],
    }),
    commitGroupSize: new Histogram({
      name: 'flywheel_ingest_commit_group_rows',
      help: 'Rows written per group-commit transaction',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

/** Adds one stored value's redaction counts (`{ EMAIL: 2, ... }`) to flywheel_redactions_total. */
export function countRedactions(metrics: Metrics | undefined, counts: Readonly<Record<string, number | undefined>> | null | undefined): void {
  if (!metrics || !counts) return;
  for (const [type, n] of Object.entries(counts)) if (n) metrics.redactions.inc({ type }, n);
}

export interface PoolStats {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Where the runtime gauges read from: each source is read at scrape time, never cached. */
export interface RuntimeSources {
  /** Whether the last probe of the database succeeded. */
  databaseUp: () => boolean;
  /** Each pool with its configured maximum; a source that returns undefined is skipped. */
  pools: Record<string, { stats: () => PoolStats | undefined; max: number }>;
  /** Jobs waiting and running per queue; skipped (and logged by the caller) while the database is away. */
  jobDepth?: () => Promise<{ queue: string; state: string; count: number; oldestSeconds: number }[]>;
  /** Every queue, so an empty one reads 0 rather than vanishing from the graphs. */
  queues?: () => string[];
}

/**
 * Gauges for what an operator watches when things go wrong: is the database there, are the pools
 * saturated (waiting > 0 means requests queue for a connection), and are jobs piling up or stuck.
 */
export function addRuntimeGauges(metrics: Metrics, sources: RuntimeSources): void {
  const registers = [metrics.registry];
  new Gauge({
    name: 'flywheel_database_up',
    help: '1 when the last database probe (every 5 s) succeeded, 0 when it failed',
    registers,
    collect() {
      this.set(sources.databaseUp() ? 1 : 0);
    },
  });
  new Gauge({
    name: 'flywheel_db_pool_connections',
    help: 'Connections per pool: total open, idle, and requests waiting for one (saturation), plus the pool maximum',
    labelNames: ['pool', 'state'] as const,
    registers,
    collect() {
      this.reset();
      for (const [pool, { stats, max }] of Object.entries(sources.pools)) {
        const s = stats();
        if (!s) continue;
        this.set({ pool, state: 'total' }, s.totalCount);
        this.set({ pool, state: 'idle' }, s.idleCount);
        this.set({ pool, state: 'waiting' }, s.waitingCount);
        this.set({ pool, state: 'max' }, max);
      }
    },
  });
  if (!sources.jobDepth) return;
  const jobDepth = sources.jobDepth;
  type Row = { queue: string; state: string; count: number; oldestSeconds: number };
  // Both job gauges are collected concurrently in one scrape: they share one query (kept for 1 s).
  let cached: { at: number; rows: Promise<Row[]> } | undefined;
  const depth = (): Promise<Row[]> => {
    if (!cached || Date.now() - cached.at > 1000) {
      cached = { at: Date.now(), rows: sources.databaseUp() ? jobDepth().catch(() => []) : Promise.resolve([]) };
    }
    return cached.rows;
  };
  new Gauge({
    name: 'flywheel_job_queue_depth',
    help: 'Jobs per queue that are waiting (due now) or active',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      const rows = await depth();
      this.reset();
      for (const queue of sources.queues?.() ?? []) for (const state of ['waiting', 'active']) this.set({ queue, state }, 0);
      for (const d of rows) this.set({ queue: d.queue, state: d.state }, d.count);
    },
  });
  new Gauge({
    name: 'flywheel_job_oldest_age_seconds',
    help: 'Age of the oldest waiting job (since it became due) and of the longest-running active job, per queue',
    labelNames: ['queue', 'state'] as const,
    registers,
    async collect() {
      const rows = await depth();
      this.reset();
      for (const d of rows) this.set({ queue: d.queue, state: d.state }, Math.max(0, d.oldestSeconds));
    },
  });
}

