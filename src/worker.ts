import 'reflect-metadata';
import { ConfigError, loadConfig } from './config';
import { JOB_POOL_SIZE, openDatabase } from './db/database';
import { startJobs } from './jobs';
import { JobQueue } from './jobs/job-queue';
import { createMetrics } from './metrics';
import { DriftService } from './services/drift.service';
import { createCurateDecideServices } from './services/decide';
import { TagService } from './services/tag.service';

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
  if (!config.databaseUrl) {
    console.error('[flywheel-worker] DATABASE_URL is required: the embedded database can only be opened by the API process (which runs jobs itself by default).');
    process.exit(2);
  }
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: 4 });
  const jobs = new JobQueue(database.url, database.dataSource.manager, { poolSize: JOB_POOL_SIZE });
  const { retrain, webhooks, groundTruth } = createCurateDecideServices(config, jobs, new TagService(config));
  await startJobs(jobs, { config, metrics: createMetrics(), drift: new DriftService(config, jobs), retrain, webhooks, groundTruth });
  await jobs.work();
  console.log('[flywheel-worker] handling jobs');
  const stop = async (signal: string) => {
    console.log(`[flywheel-worker] ${signal}: finishing running jobs…`);
    await jobs.stop(config.shutdownTimeoutMs);
    await database.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error(`[flywheel-worker] failed: ${(err as Error).message}`);
  process.exit(1);
});
