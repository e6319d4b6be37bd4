import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { JOB_POOL_SIZE, openDatabase } from './db/database';
import { startJobs } from './jobs';
import { JobQueue } from './jobs/job-queue';
import { createMetrics } from './metrics';
import { createLogger, errorFields } from './logging';
import { isDatabaseUnavailable } from './errors';
import { DriftService } from './services/drift.service';
import { createCurateDecideServices } from './services/decide';
import { TagService } from './services/tag.service';
import { AuditService } from './services/govern/audit';

/**
 * `npm run worker`: job handlers only, in their own process (run the API with RUN_WORKER=false). Needs
 * DATABASE_URL: the embedded database belongs to the one process that holds its data dir lock.
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel, 'flywheel-worker');
  if (!config.databaseUrl) {
    logger.error({}, 'DATABASE_URL is required: the embedded database can only be opened by the API process (which runs jobs itself by default).');
    process.exit(2);
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 4, connectTimeoutMs: config.dbTimeoutMs });
  const jobs = new JobQueue(database.url, database.dataSource.manager, {
    poolSize: JOB_POOL_SIZE,
    connectTimeoutMs: config.dbTimeoutMs,
    onError: (e) => (isDatabaseUnavailable(e) ? logger.warn(errorFields(e), 'database unavailable; pg-boss retries') : logger.error(errorFields(e), 'job queue error')),
  });
  const { retrain, webhooks, groundTruth } = createCurateDecideServices(config, jobs, new TagService(config));
  await startJobs(jobs, { config, metrics: createMetrics(), drift: new DriftService(config, jobs), retrain, webhooks, groundTruth, audit: new AuditService(config.maxPageSize) });
  await jobs.work();
  logger.info({}, 'handling jobs');
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'finishing running jobs, then stopping');
    // The job pollers stop before the database closes.
    await jobs.stop(config.shutdownTimeoutMs);
    await database.close();
    logger.info({ signal }, 'stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  createLogger('error', 'flywheel-worker').error({ ...errorFields(err), reason: (err as Error).message }, 'failed');
  process.exit(1);
});
