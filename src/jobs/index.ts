import type { Config } from '../config';
import type { Metrics } from '../metrics';
import type { DriftService } from '../services/drift.service';
import type { RetrainService } from '../services/decide/retrain.service';
import { RETRAIN_EVALUATION_JOB, retrainEvaluationJob } from './retrain-evaluation.job';
import { webhookDeliveryJob } from './webhook-delivery.job';
import type { WebhookService } from '../services/decide/webhook.service';
import type { GroundTruthService } from '../services/decide/ground-truth.service';
import { GROUND_TRUTH_MATCH_JOB, groundTruthMatchJob } from './ground-truth-match.job';
import { COMPACTION_JOB, compactionJob } from './compaction.job';
import { FEEDBACK_MATCH_JOB, feedbackMatchJob } from './feedback-match.job';
import { datasetBuildJob } from './dataset-build.job';
import { driftReviewJob } from './drift-review.job';
import type { JobQueue } from './job-queue';
import { TRAFFIC_PROFILE_JOB, trafficProfileJob } from './traffic-profile.job';
import { AUDIT_RETENTION_JOB, auditRetentionJob } from './audit-retention.job';
import type { AuditService } from '../services/govern/audit';
import { LOG_RETENTION_JOB, logRetentionJob } from './log-retention.job';
import { LOG_PARTITIONS_JOB, logPartitionsJob } from './log-partitions.job';

/**
 * Every job Flywheel runs, defined and scheduled in one place: the API process and `npm run worker`
 * must agree on names, payload checks and schedules. Starts the queue; the caller decides whether
 * this process also works jobs (`jobs.work()`).
 */
export async function startJobs(jobs: JobQueue, deps: { config: Config; metrics: Metrics; drift: DriftService; retrain: RetrainService; webhooks: WebhookService; groundTruth: GroundTruthService; audit: AuditService }): Promise<void> {
  const { config } = deps;
  jobs.define(compactionJob({ graceHours: config.samplingGraceHours, batchSize: config.compactionBatchSize }, deps.metrics));
  jobs.define(trafficProfileJob());
  jobs.define(driftReviewJob(deps.drift));
  jobs.define(datasetBuildJob(config));
  jobs.define(retrainEvaluationJob(deps.retrain));
  jobs.define(groundTruthMatchJob(deps.groundTruth));
  jobs.define(feedbackMatchJob(config.reviewTags));
  jobs.define(webhookDeliveryJob(deps.webhooks, { retryDelaySeconds: config.webhookRetryDelaySeconds, maxAttempts: config.webhookMaxAttempts }));
  jobs.define(auditRetentionJob(deps.audit, config.auditRetentionDays));
  jobs.define(logRetentionJob({ retentionDays: config.retentionDays, batchSize: config.compactionBatchSize }, deps.metrics));
  jobs.define(logPartitionsJob(config.logPartitionsAheadDays));
  await jobs.start();
  await jobs.schedule(COMPACTION_JOB, `*/${config.compactionIntervalMinutes} * * * *`);
  await jobs.schedule(TRAFFIC_PROFILE_JOB, '*/10 * * * *');
  await jobs.schedule(GROUND_TRUTH_MATCH_JOB, '* * * * *');
  await jobs.schedule(FEEDBACK_MATCH_JOB, '* * * * *');
  await jobs.schedule(AUDIT_RETENTION_JOB, '23 * * * *');
  // Hourly: a partition passes its retention at midnight UTC; minute 17 keeps it off the :00 crowd.
  await jobs.schedule(LOG_RETENTION_JOB, '17 * * * *');
  // Daily, 14 days ahead by default: a missed run or two never leaves today without its partition.
  await jobs.schedule(LOG_PARTITIONS_JOB, '5 0 * * *');
  await jobs.schedule(RETRAIN_EVALUATION_JOB, `*/${config.retrainEvaluationMinutes} * * * *`);
}
