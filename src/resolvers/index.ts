import { AdminResolver } from './admin.resolver';
import { IngestResolver } from './ingest.resolver';
import { LogResolver } from './log.resolver';

export const RESOLVERS = [AdminResolver, IngestResolver, LogResolver] as const;
