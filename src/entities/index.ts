import { ApiKey } from './api-key.entity';
import { Correction } from './correction.entity';
import { DatasetExample } from './dataset-example.entity';
import { DatasetVersion } from './dataset-version.entity';
import { DriftEvent } from './drift-event.entity';
import { Feedback } from './feedback.entity';
import { InferenceLog } from './inference-log.entity';
import { InferenceRequest } from './inference-request.entity';
import { IngestStatsHourly } from './ingest-stats-hourly.entity';
import { JobRun } from './job-run.entity';
import { LogTag } from './log-tag.entity';
import { ReviewItem } from './review-item.entity';
import { TrafficProfile } from './traffic-profile.entity';

export const ENTITIES = [ApiKey, Correction, DatasetExample, DatasetVersion, DriftEvent, Feedback, InferenceLog, InferenceRequest, IngestStatsHourly, JobRun, LogTag, ReviewItem, TrafficProfile];
export { ApiKey, Correction, DatasetExample, DatasetVersion, DriftEvent, Feedback, InferenceLog, InferenceRequest, IngestStatsHourly, JobRun, LogTag, ReviewItem, TrafficProfile };
