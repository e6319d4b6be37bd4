import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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
