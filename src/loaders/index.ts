import type { EntityManager } from 'typeorm';
import { createCorrectionLoader } from './correction.loader';
import { createFeedbackLoader } from './feedback.loader';
import { createLogEntryLoader } from './log-entry.loader';
import { createTagLoader } from './tag.loader';

/** Built per request (in the GraphQL context): batching and caching never cross requests. */
export function createLoaders(db: EntityManager) {
  return {
    tags: createTagLoader(db),
    feedback: createFeedbackLoader(db),
    corrections: createCorrectionLoader(db),
    logEntry: createLogEntryLoader(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
