import { matchPendingFeedback } from '../services/feedback.service';
import type { JobDefinition } from './job-queue';

export const FEEDBACK_MATCH_JOB = 'feedback-match';

/**
 * Every minute: feedback that arrived before its log row is linked once the row exists (tag
 * user_negative, review queue), and pending feedback older than FEEDBACK_PENDING_HOURS is deleted (at
 * most 5,000 of each per run, oldest first). Idempotent: linked feedback is never linked again.
 */
export function feedbackMatchJob(reviewTags: string[]): JobDefinition<Record<string, never>> {
  return {
    name: FEEDBACK_MATCH_JOB,
    parse(data) {
      if (data != null && (typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length > 0)) throw new TypeError('feedback-match payload: takes no fields');
      return {};
    },
    retryLimit: 2,
    retryDelay: 10,
    expireInSeconds: 300,
    async handle(_payload, ctx) {
      return matchPendingFeedback(ctx.db, reviewTags);
    },
  };
}
