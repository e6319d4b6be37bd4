import type { EntityManager } from 'typeorm';
import { createCorrectionLoader } from './correction.loader';
import { createFeedbackLoader } from './feedback.loader';
import { createLogEntryLoader } from './log-entry.loader';
import { createReviewItemLoader } from './review-item.loader';
import { createTagLoader } from './tag.loader';
import { createDatasetVersionLoader } from './dataset-version.loader';
import { createRetrainPolicyLoader } from './retrain-policy.loader';
import { createLineageLoaders } from './lineage.loader';
import { createGroundTruthLoader } from './ground-truth.loader';
import { createPageLoaders } from './page.loader';

export interface Loaders {
  tags: ReturnType<typeof createTagLoader>;
  feedback: ReturnType<typeof createFeedbackLoader>;
  corrections: ReturnType<typeof createCorrectionLoader>;
  logEntry: ReturnType<typeof createLogEntryLoader>;
  reviewItem: ReturnType<typeof createReviewItemLoader>;
  datasetVersion: ReturnType<typeof createDatasetVersionLoader>;
  retrainPolicy: ReturnType<typeof createRetrainPolicyLoader>;
  lineage: ReturnType<typeof createLineageLoaders>;
  groundTruth: ReturnType<typeof createGroundTruthLoader>;
  /** Nested connections (one statement per page of parents, whatever its size). */
  pages: ReturnType<typeof createPageLoaders>;
}

/**
 * Per request (in the GraphQL context): batching and caching never cross requests. Each loader is
 * built on first use, so an ingest call — most of the traffic — builds none.
 */
export function createLoaders(db: EntityManager): Loaders {
  const made: Partial<Loaders> = {};
  const lazy = <K extends keyof Loaders>(key: K, make: (db: EntityManager) => Loaders[K]) => () => (made[key] ??= make(db)) as Loaders[K];
  const getters = {
    tags: lazy('tags', createTagLoader),
    feedback: lazy('feedback', createFeedbackLoader),
    corrections: lazy('corrections', createCorrectionLoader),
    logEntry: lazy('logEntry', createLogEntryLoader),
    reviewItem: lazy('reviewItem', createReviewItemLoader),
    datasetVersion: lazy('datasetVersion', createDatasetVersionLoader),
    retrainPolicy: lazy('retrainPolicy', createRetrainPolicyLoader),
    lineage: lazy('lineage', createLineageLoaders),
    groundTruth: lazy('groundTruth', createGroundTruthLoader),
    pages: lazy('pages', createPageLoaders),
  };
  return {
    get tags() {
      return getters.tags();
    },
    get feedback() {
      return getters.feedback();
    },
    get corrections() {
      return getters.corrections();
    },
    get logEntry() {
      return getters.logEntry();
    },
    get reviewItem() {
      return getters.reviewItem();
    },
    get datasetVersion() {
      return getters.datasetVersion();
    },
    get retrainPolicy() {
      return getters.retrainPolicy();
    },
    get lineage() {
      return getters.lineage();
    },
    get groundTruth() {
      return getters.groundTruth();
    },
    get pages() {
      return getters.pages();
    },
  };
}
