import { EntityManager } from 'typeorm';
import type { RequestRecord } from './http/request-record';
import type { Config } from './config';
import type { JobQueue } from './jobs/job-queue';
import type { Metrics } from './metrics';
import type { Loaders } from './loaders';
import type { ApiKeyService, Principal } from './services/api-key.service';
import type { CorrectionService } from './services/correction.service';
import type { DatasetService } from './services/curate/dataset.service';
import type { DriftService } from './services/drift.service';
import type { RetrainPolicyService } from './services/decide/retrain-policy.service';
import type { RetrainService } from './services/decide/retrain.service';
import type { LineageService } from './services/decide/lineage.service';
import type { PromotionService } from './services/decide/promotion.service';
import type { WebhookService } from './services/decide/webhook.service';
import type { GroundTruthService } from './services/decide/ground-truth.service';
import type { FeedbackService } from './services/feedback.service';
import type { ReviewService } from './services/review.service';
import type { TagService } from './services/tag.service';
import type { IngestStatsService } from './services/ingest-stats.service';
import type { IngestService } from './services/ingest/ingest.service';
import type { LogQueryService } from './services/log-query.service';
import type { RateLimits } from './services/rate-limit';
import type { AuditService } from './services/govern/audit';
import type { ErasureService } from './services/govern/erasure.service';

/** Long-lived services, built once at boot. They hold rules and caches, never a request's state. */
export interface AppServices {
  config: Config;
  metrics: Metrics;
  ingest: IngestService;
  logQuery: LogQueryService;
  ingestStats: IngestStatsService;
  apiKeys: ApiKeyService;
  jobs: JobQueue;
  tags: TagService;
  feedback: FeedbackService;
  drift: DriftService;
  review: ReviewService;
  corrections: CorrectionService;
  datasets: DatasetService;
  retrainPolicies: RetrainPolicyService;
  retrain: RetrainService;
  lineage: LineageService;
  promotion: PromotionService;
  webhooks: WebhookService;
  groundTruth: GroundTruthService;
  /** Per-key rate limits (ingest rows, feedback and review calls), shared across processes through leases. */
  rateLimits: RateLimits;
  /** The audit log of admin and reviewer actions (issue 14). */
  audit: AuditService;
  /** eraseUser (issue 14). */
  erasure: ErasureService;
}

/** Per request: who is calling, the database handle, and the services. DataLoaders join here per request. */
export interface AppContext {
  /** The primary: writes, a mutation's reads and payload, key lookups, rate limits. */
  db: EntityManager;
  /**
   * Where dashboard reads go: the read replica (DATABASE_READ_URL) in a query whose root fields are all
   * dashboard lists or aggregates (src/http/read-routing.ts), the primary otherwise (mutations, `node`,
   * by-id lookups, or no replica configured). Use it only in those list and aggregate paths.
   */
  readDb: EntityManager;
  principal: Principal | null;
  /** Set when an Authorization header was sent but is not a valid key. */
  authFailure: string | null;
  services: AppServices;
  loaders: Loaders;
  /** Sent back as `x-request-id` and on every error as `extensions.requestId`; every log line about the request carries it. */
  requestId: string;
  /** The request's log record (error codes, operation) for its access log line. */
  request?: RequestRecord;
}
