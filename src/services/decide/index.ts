import type { Config } from '../../config';
import type { JobQueue } from '../../jobs/job-queue';
import { DatasetService } from '../curate/dataset.service';
import { LineageService } from './lineage.service';
import { PromotionService } from './promotion.service';
import { RetrainPolicyService } from './retrain-policy.service';
import { RetrainService } from './retrain.service';
import { WebhookService } from './webhook.service';
import { GroundTruthService } from './ground-truth.service';
import type { TagService } from '../tag.service';
import type { Metrics } from '../../metrics';

/** Curate and decide, built once for the API process and for `npm run worker` alike. */
export function createCurateDecideServices(config: Config, jobs: JobQueue, tags: TagService, metrics?: Metrics) {
  const datasets = new DatasetService(config, jobs);
  const retrainPolicies = new RetrainPolicyService(config, datasets);
  const lineage = new LineageService(config);
  const webhooks = new WebhookService(config, jobs);
  const groundTruth = new GroundTruthService(config, tags, metrics);
  return {
    datasets,
    retrainPolicies,
    retrain: new RetrainService(config, retrainPolicies, datasets, webhooks, groundTruth),
    lineage,
    promotion: new PromotionService(config, lineage, webhooks),
    webhooks,
    groundTruth,
  };
}
