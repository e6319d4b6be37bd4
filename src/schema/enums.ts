import { registerEnumType } from 'type-graphql';

export enum KeepReasonEnum {
  LOW_CONFIDENCE = 'LOW_CONFIDENCE',
  FLAGGED = 'FLAGGED',
  DRIFT_OPEN = 'DRIFT_OPEN',
  SAMPLED = 'SAMPLED',
}
registerEnumType(KeepReasonEnum, {
  name: 'KeepReason',
  description: 'Why the sampling budget keeps a row. A row with none is compacted after the grace window unless something references it.',
});

export enum ScopeEnum {
  ingest = 'ingest',
  feedback = 'feedback',
  annotate = 'annotate',
  read = 'read',
  admin = 'admin',
}
registerEnumType(ScopeEnum, { name: 'Scope', description: 'What an API key may do. `admin` may do everything.' });

export enum SortOrder {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortOrder, { name: 'SortOrder' });
