import { Foundation1763766000000 } from './1763766000000-foundation';
import { TagReviewCorrect1763800000000 } from './1763800000000-tag-review-correct';
import { TrafficProfile1763810000000 } from './1763810000000-traffic-profile';
import { ApiContract1764640000000 } from './1764640000000-api-contract';
import { Datasets1764650000000 } from './1764650000000-datasets';
import { Decide1764700000000 } from './1764700000000-decide';
import { Webhooks1764710000000 } from './1764710000000-webhooks';
import { GroundTruth1764720000000 } from './1764720000000-ground-truth';
import { GateConflictIndex1764730000000 } from './1764730000000-gate-conflict-index';
import { DriftIngestLock1764740000000 } from './1764740000000-drift-ingest-lock';
import { RateLimitsPendingFeedback1764760000000 } from './1764760000000-rate-limits-pending-feedback';
import { PartitionedLog1764800000000 } from './1764800000000-partitioned-log';
import { ErasureAudit1764810000000 } from './1764810000000-erasure-audit';

/** Every migration, oldest first. Runs at start (never `synchronize`). */
export const MIGRATIONS = [Foundation1763766000000, TagReviewCorrect1763800000000, TrafficProfile1763810000000, ApiContract1764640000000, Datasets1764650000000, Decide1764700000000, Webhooks1764710000000, GroundTruth1764720000000, GateConflictIndex1764730000000, DriftIngestLock1764740000000, RateLimitsPendingFeedback1764760000000, PartitionedLog1764800000000, ErasureAudit1764810000000];
