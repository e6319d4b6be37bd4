import { DataSource, Logger } from 'typeorm';
import { ENTITIES } from '../entities';
import { MIGRATIONS } from '../migrations';
import { startEmbeddedPostgres, EmbeddedPostgres } from './embedded-postgres';

export interface Database {
  dataSource: DataSource;
  /** The URL other pools (the job queue) connect to: DATABASE_URL, or the embedded server's loopback URL. */
  url: string;
  embedded: boolean;
  /**
   * The pool job handlers use. On PostgreSQL with a query timeout it is a pool of its own without one:
   * request paths must not wait on a silent database longer than DB_TIMEOUT_MS, while a dataset build's
   * quality gate legitimately runs a statement for tens of seconds. Otherwise the main pool.
   */
  jobsDataSource: DataSource;
  close(): Promise<void>;
}

/** pg-boss keeps its own pool; over PGlite every pool shares one socket server that must admit them all. */
export const JOB_POOL_SIZE = 4;

/** Counts statements (for /metrics, and for tests that pin how many statements a page costs). */
class CountingLogger implements Logger {
  constructor(private readonly onQuery: () => void) {}
  logQuery(query: string): void {
    // START TRANSACTION / COMMIT are bookkeeping, not work a page asks for.
    if (!/^(START TRANSACTION|COMMIT|ROLLBACK|BEGIN)/.test(query)) this.onQuery();
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

export function createDataSource(url: string, poolSize: number, onQuery: () => void = () => undefined, connectTimeoutMs = 15_000, queryTimeoutMs?: number): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    // PGlite has no uuid-ossp; gen_random_uuid() is core PostgreSQL since 13.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    applicationName: 'flywheel',
    // connectionTimeoutMillis bounds the wait for a pool slot or a connect: with the database away a
    // request fails with DATABASE_UNAVAILABLE after it instead of hanging.
    // query_timeout (client side) bounds a statement on a server that stopped answering (a network
    // partition: without it the socket waits for TCP keepalive, hours).
    extra: { max: poolSize, connectionTimeoutMillis: connectTimeoutMs, ...(queryTimeoutMs ? { query_timeout: queryTimeoutMs } : {}) },
    logger: new CountingLogger(onQuery),
  });
}

/** Arbitrary but fixed: serializes migrations when several Flywheel processes start at once. */
const MIGRATION_LOCK_ID = 727_001;

export async function runMigrations(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_ID]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_ID]);
    }
  } finally {
    await runner.release();
  }
}

/** True when every migration this build knows has been applied. */
export async function migrationsApplied(dataSource: DataSource): Promise<boolean> {
  const rows: { name: string }[] = await dataSource.query('SELECT name FROM typeorm_migrations');
  const applied = new Set(rows.map((r) => r.name));
  return MIGRATIONS.every((m) => applied.has(m.name));
}

export async function openDatabase(opts: {
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  onQuery?: () => void;
  connectTimeoutMs?: number;
  /** For request paths on PostgreSQL (not the embedded database, which lives in this process). */
  queryTimeoutMs?: number;
}): Promise<Database> {
  let embedded: EmbeddedPostgres | undefined;
  let url = opts.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres(opts.dataDir);
    url = embedded.url;
  }
  const queryTimeoutMs = embedded ? undefined : opts.queryTimeoutMs;
  const dataSource = createDataSource(url, opts.poolSize, opts.onQuery, opts.connectTimeoutMs, queryTimeoutMs);
  const jobsDataSource = queryTimeoutMs ? createDataSource(url, JOB_POOL_SIZE, opts.onQuery, opts.connectTimeoutMs) : dataSource;
  const destroy = async () => {
    for (const ds of new Set([jobsDataSource, dataSource])) if (ds.isInitialized) await ds.destroy();
  };
  try {
    await dataSource.initialize();
    await runMigrations(dataSource);
    if (!jobsDataSource.isInitialized) await jobsDataSource.initialize();
  } catch (err) {
    await destroy();
    await embedded?.stop();
    throw err;
  }
  return {
    dataSource,
    url,
    embedded: embedded !== undefined,
    jobsDataSource,
    async close() {
      await destroy();
      await embedded?.stop();
    },
  };
}
