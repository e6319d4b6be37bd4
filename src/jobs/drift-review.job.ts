import { DRIFT_REVIEW_JOB, DriftService } from '../services/drift.service';
import type { JobDefinition } from './job-queue';
import { reportProgress } from './progress';

/** Puts a large drift window into the review queue after reportDriftEvent has tagged it. */
export function driftReviewJob(drift: DriftService): JobDefinition<{ driftEventId: string }> {
  return {
    name: DRIFT_REVIEW_JOB,
    parse(data) {
      const id = (data as { driftEventId?: unknown } | null)?.driftEventId;
      if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) throw new TypeError('drift-review payload needs driftEventId (uuid)');
      return { driftEventId: id };
    },
    retryLimit: 5,
    retryDelay: 10,
    expireInSeconds: 1800,
    async handle(payload, ctx) {
      const queued = await ctx.db.transaction((tx) => drift.enqueueWindow(tx, payload.driftEventId));
      await reportProgress(ctx, 'DONE', queued, queued);
      return { queued };
    },
  };
}
