import type { Config } from '../config';
import { isUuid } from '../db/sql';
import { buildDatasetVersion, GateFailed } from '../services/curate/dataset-build';
import { DATASET_BUILD_JOB } from '../services/curate/dataset.service';
import type { JobDefinition } from './job-queue';

/** Builds one dataset version (gate, membership, files). Safe to rerun: a rerun starts the build over. */
export function datasetBuildJob(config: Config): JobDefinition<{ datasetVersionId: string }> {
  return {
    name: DATASET_BUILD_JOB,
    parse(data) {
      const id = (data as { datasetVersionId?: unknown } | null)?.datasetVersionId;
      if (typeof id !== 'string' || !isUuid(id)) {
        throw new TypeError('dataset-build payload: datasetVersionId: must be a uuid');
      }
      return { datasetVersionId: id };
    },
    retryLimit: 2,
    retryDelay: 5,
    // A 1M-example export takes about a minute here; an hour leaves room for slow disks.
    expireInSeconds: 3600,
    async handle(payload, ctx) {
      try {
        const v = await buildDatasetVersion(payload.datasetVersionId, {
          db: ctx.db,
          streaming: config.databaseUrl !== undefined,
          exportDir: config.exportDir,
          maxTextChars: config.maxTextChars,
          signal: ctx.signal,
          progress: ctx.progress,
        });
        return { datasetVersionId: v.id, status: v.status, exampleCount: v.exampleCount, contentHash: v.contentHash };
      } catch (err) {
        // The gate's refusal is the build's answer (the version is FAILED with its report): retrying it
        // would only say the same thing again.
        if (err instanceof GateFailed) return { datasetVersionId: payload.datasetVersionId, status: 'FAILED', error: err.message };
        throw err;
      }
    },
  };
}
