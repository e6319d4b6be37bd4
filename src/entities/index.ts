import { ApiKey } from './api-key.entity';
import { DriftEvent } from './drift-event.entity';
import { InferenceLog } from './inference-log.entity';
import { InferenceRequest } from './inference-request.entity';
import { IngestStatsHourly } from './ingest-stats-hourly.entity';
import { JobRun } from './job-run.entity';

export const ENTITIES = [ApiKey, DriftEvent, InferenceLog, InferenceRequest, IngestStatsHourly, JobRun];
export { ApiKey, DriftEvent, InferenceLog, InferenceRequest, IngestStatsHourly, JobRun };
