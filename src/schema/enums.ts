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

export enum TagSourceEnum {
  USER_FEEDBACK = 'USER_FEEDBACK',
  DRIFT = 'DRIFT',
  AUTO_FLAG = 'AUTO_FLAG',
  OPERATOR = 'OPERATOR',
  API = 'API',
}
registerEnumType(TagSourceEnum, { name: 'TagSource', description: 'Who or what assigned a tag.' });

export enum FeedbackKindEnum {
  THUMBS_UP = 'THUMBS_UP',
  THUMBS_DOWN = 'THUMBS_DOWN',
  REGENERATE = 'REGENERATE',
  REPORT = 'REPORT',
  RATING = 'RATING',
}
registerEnumType(FeedbackKindEnum, { name: 'FeedbackKind', description: 'THUMBS_DOWN, REGENERATE, REPORT and RATING ≤ 2 are negative: they tag user_negative.' });

export enum FeedbackTargetEnum {
  LOGGED = 'LOGGED',
  PENDING = 'PENDING',
  COMPACTED = 'COMPACTED',
}
registerEnumType(FeedbackTargetEnum, {
  name: 'FeedbackTarget',
  description: 'The log row when the feedback arrived: LOGGED; PENDING (not logged yet: linked when it arrives); COMPACTED (already deleted by the sampling budget).',
});

export enum CorrectionSourceEnum {
  OPERATOR = 'OPERATOR',
  MODEL = 'MODEL',
}
registerEnumType(CorrectionSourceEnum, { name: 'CorrectionSource' });

export enum CorrectionStatusEnum {
  ACCEPTED = 'ACCEPTED',
  PROPOSED = 'PROPOSED',
  REJECTED = 'REJECTED',
}
registerEnumType(CorrectionStatusEnum, { name: 'CorrectionStatus' });

export enum TimeBucket {
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(TimeBucket, { name: 'TimeBucket' });
