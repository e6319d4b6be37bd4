import type { GroundTruthService } from '../services/decide/ground-truth.service';
import type { JobDefinition } from './job-queue';

export const GROUND_TRUTH_MATCH_JOB = 'ground-truth-match';

/**
 * Every minute: ground truth that arrived before its log row is compared once the row exists (at most
 * 2,000 per run, oldest first). Idempotent: a compared report is never compared again.
 */
export function groundTruthMatchJob(groundTruth: GroundTruthService): JobDefinition<Record<string, never>> {
  return {
    name: GROUND_TRUTH_MATCH_JOB,
    parse(data) {
      if (data != null && (typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length > 0)) throw new TypeError('ground-truth-match payload: takes no fields');
      return {};
    },
    retryLimit: 2,
    retryDelay: 10,
    expireInSeconds: 300,
    async handle(_payload, ctx) {
      return { compared: await groundTruth.matchPending(ctx.db) };
    },
  };
}
