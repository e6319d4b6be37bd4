import type { RetrainService } from '../services/decide/retrain.service';
import type { JobDefinition } from './job-queue';
import { reportProgress } from './progress';

export const RETRAIN_EVALUATION_JOB = 'retrain-evaluation';

/**
 * Evaluates every model version with an enabled retrain policy, each in its own transaction (one
 * version's failure does not stop the others). A WAIT that says what the last decision said is not
 * recorded again, so the decision list shows changes, not a row per run. Idempotent: on unchanged
 * data a RETRAIN points at the dataset version already built.
 */
export function retrainEvaluationJob(retrain: RetrainService): JobDefinition<Record<string, never>> {
  return {
    name: RETRAIN_EVALUATION_JOB,
    parse(data) {
      if (data != null && (typeof data !== 'object' || Array.isArray(data) || Object.keys(data).length > 0)) {
        throw new TypeError('retrain-evaluation payload: takes no fields');
      }
      return {};
    },
    retryLimit: 2,
    retryDelay: 30,
    expireInSeconds: 600,
    async handle(_payload, ctx) {
      const versions = await retrain.versionsWithPolicies(ctx.db);
      const recorded: Record<string, string> = {};
      for (const [i, v] of versions.entries()) {
        if (ctx.signal.aborted) break;
        const d = await ctx.db.transaction((tx) => retrain.decide(tx, v, 'schedule', { onlyIfChanged: true }));
        if (d) recorded[v] = d.outcome;
        await reportProgress(ctx, 'EVALUATE', i + 1, versions.length);
      }
      if (!ctx.signal.aborted) await reportProgress(ctx, 'DONE', versions.length, versions.length);
      return { evaluated: versions.length, recorded };
    },
  };
}
