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
  valuesConfig: {
    LOW_CONFIDENCE: { description: 'responseLogprob was below LOW_CONFIDENCE_LOGPROB.' },
    FLAGGED: { description: 'The endpoint flagged the response itself.' },
    DRIFT_OPEN: { description: 'A drift event of its model version was open when it arrived.' },
    SAMPLED: { description: 'Picked by the deterministic SAMPLE_RATE sample of healthy traffic.' },
  },
});

/**
 * GraphQL names are SCREAMING_SNAKE_CASE; the values stored in `api_key.scopes` stay lower-case, so
 * keys created before the rename keep working without a data migration.
 */
export enum ScopeEnum {
  INGEST = 'ingest',
  FEEDBACK = 'feedback',
  ANNOTATE = 'annotate',
  MODEL_LABEL = 'model_label',
  READ = 'read',
  CURATE = 'curate',
  CI = 'ci',
  DEPLOY = 'deploy',
  METRICS = 'metrics',
  ADMIN = 'admin',
}
registerEnumType(ScopeEnum, {
  name: 'Scope',
  description: 'What an API key may do. ADMIN may do everything.',
  valuesConfig: {
    INGEST: { description: 'logInference, logInferences.' },
    FEEDBACK: { description: 'submitFeedback only; safe to ship to browsers.' },
    ANNOTATE: { description: 'A human operator: tag, report drift, claim review items, write OPERATOR corrections, accept or reject corrections.' },
    MODEL_LABEL: { description: 'A labelling model (e.g. an LLM judge): claims review items and writes MODEL corrections, routed by confidence. Cannot accept corrections.' },
    READ: { description: 'Dashboards: read log entries, tags, feedback, corrections, stats and drift events; read and download dataset versions.' },
    CURATE: { description: 'Training pipelines: build dataset versions, read and download them, follow and cancel their build jobs.' },
    CI: { description: 'A CI secret: reads retrainReadiness and promotionDecision, nothing else.' },
    DEPLOY: { description: 'A release pipeline: promote a training run’s candidate, roll a model line back, record the version deployed before Flywheel.' },
    METRICS: { description: 'A Prometheus scraper: GET /metrics (and viewer), nothing else.' },
    ADMIN: { description: 'Everything, plus API keys, jobs, retrain policies, eval gates, and acting on behalf of a named operator.' },
  },
});

export enum SortOrder {
  ASC = 'ASC',
  DESC = 'DESC',
}
registerEnumType(SortOrder, {
  name: 'SortOrder',
  description: 'Direction of a list order.',
  valuesConfig: { ASC: { description: 'Oldest (smallest) first.' }, DESC: { description: 'Newest (largest) first.' } },
});

export enum TagSourceEnum {
  USER_FEEDBACK = 'USER_FEEDBACK',
  DRIFT = 'DRIFT',
  AUTO_FLAG = 'AUTO_FLAG',
  OPERATOR = 'OPERATOR',
  API = 'API',
  GROUND_TRUTH = 'GROUND_TRUTH',
}
registerEnumType(TagSourceEnum, {
  name: 'TagSource',
  description: 'Who or what assigned a tag.',
  valuesConfig: {
    USER_FEEDBACK: { description: 'Negative feedback from a user (actor: the feedback id).' },
    DRIFT: { description: 'A drift event tagged its window (actor: the drift event id).' },
    AUTO_FLAG: { description: 'An automatic check at ingest (actor: the check).' },
    OPERATOR: { description: 'A human operator (actor: the ANNOTATE key name, or the name an ADMIN acted on behalf of).' },
    API: { description: 'Any other key (actor: the key name).' },
    GROUND_TRUTH: { description: 'Ground truth reported later disagreed with the logged response (prediction_error; actor: the reporting key).' },
  },
});

export enum FeedbackKindEnum {
  THUMBS_UP = 'THUMBS_UP',
  THUMBS_DOWN = 'THUMBS_DOWN',
  REGENERATE = 'REGENERATE',
  REPORT = 'REPORT',
  RATING = 'RATING',
}
registerEnumType(FeedbackKindEnum, {
  name: 'FeedbackKind',
  description: 'What the user did. THUMBS_DOWN, REGENERATE, REPORT and RATING ≤ 2 are negative: they tag user_negative.',
  valuesConfig: {
    THUMBS_UP: { description: 'Liked the answer.' },
    THUMBS_DOWN: { description: 'Disliked the answer (negative).' },
    REGENERATE: { description: 'Asked for another answer (negative).' },
    REPORT: { description: 'Reported the answer (negative).' },
    RATING: { description: 'A 1–5 rating in `rating`; 1 and 2 are negative.' },
  },
});

export enum FeedbackTargetEnum {
  LOGGED = 'LOGGED',
  PENDING = 'PENDING',
  COMPACTED = 'COMPACTED',
}
registerEnumType(FeedbackTargetEnum, {
  name: 'FeedbackTarget',
  description: 'The log row when the feedback arrived.',
  valuesConfig: {
    LOGGED: { description: 'The row was stored; the feedback is attached to it.' },
    PENDING: { description: 'Not logged yet (the click outran the log write); linked when the row arrives.' },
    COMPACTED: { description: 'Already deleted by the sampling budget; counted in reviewStats.feedbackOnCompacted.' },
  },
});

export enum CorrectionSourceEnum {
  OPERATOR = 'OPERATOR',
  MODEL = 'MODEL',
  GROUND_TRUTH = 'GROUND_TRUTH',
}
registerEnumType(CorrectionSourceEnum, {
  name: 'CorrectionSource',
  description: 'Who wrote a correction; set by the key that submits it, never by an argument.',
  valuesConfig: {
    OPERATOR: { description: 'A human with an ANNOTATE key: accepted at once.' },
    MODEL: { description: 'A labelling model with a MODEL_LABEL key: accepted at confidence ≥ AUTO_ACCEPT_CONFIDENCE, otherwise PROPOSED.' },
    GROUND_TRUTH: { description: 'The true outcome, reported later, that disagreed with the logged response: PROPOSED, for a human to accept.' },
  },
});

export enum CorrectionStatusEnum {
  ACCEPTED = 'ACCEPTED',
  PROPOSED = 'PROPOSED',
  REJECTED = 'REJECTED',
}
registerEnumType(CorrectionStatusEnum, {
  name: 'CorrectionStatus',
  description: 'Where a correction stands.',
  valuesConfig: {
    ACCEPTED: { description: 'Training data: takes its entry out of the review queue.' },
    PROPOSED: { description: 'A MODEL correction below AUTO_ACCEPT_CONFIDENCE, waiting for a human.' },
    REJECTED: { description: 'Turned down by a human.' },
  },
});

export enum TimeBucket {
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(TimeBucket, {
  name: 'TimeBucket',
  description: 'Width of a time-series bucket (UTC).',
  valuesConfig: { HOUR: { description: 'One hour.' }, DAY: { description: 'One UTC day.' } },
});

export enum JobStateEnum {
  CREATED = 'created',
  RETRY = 'retry',
  ACTIVE = 'active',
  COMPLETED = 'completed',
  CANCELLED = 'cancelled',
  FAILED = 'failed',
}
registerEnumType(JobStateEnum, {
  name: 'JobState',
  description: 'Where a background job is in its life.',
  valuesConfig: {
    CREATED: { description: 'Queued, not started.' },
    RETRY: { description: 'Failed and waiting for its next attempt (exponential backoff).' },
    ACTIVE: { description: 'Running now.' },
    COMPLETED: { description: 'Done; `output` holds the result.' },
    CANCELLED: { description: 'Cancelled before it finished.' },
    FAILED: { description: 'Out of retries; `output` holds the error.' },
  },
});

export enum PiiTypeEnum {
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  SSN = 'SSN',
  CREDIT_CARD = 'CREDIT_CARD',
  IP = 'IP',
  IBAN = 'IBAN',
  MAC_ADDRESS = 'MAC_ADDRESS',
  JWT = 'JWT',
  API_SECRET = 'API_SECRET',
  GOV_ID = 'GOV_ID',
  ADDRESS = 'ADDRESS',
  DOB = 'DOB',
  PERSON = 'PERSON',
}
registerEnumType(PiiTypeEnum, {
  name: 'PiiType',
  description: 'A kind of personal or secret data the redactor replaces with a placeholder before storage.',
  valuesConfig: {
    EMAIL: { description: 'E-mail address.' },
    PHONE: { description: 'Phone number, international or in the national format of a configured region (REDACT_PHONE_REGIONS).' },
    SSN: { description: 'US social security number.' },
    CREDIT_CARD: { description: 'Payment card number (Luhn-checked).' },
    IP: { description: 'IPv4 or IPv6 address.' },
    IBAN: { description: 'Bank account number (IBAN, mod-97 checked).' },
    MAC_ADDRESS: { description: 'Network hardware address.' },
    GOV_ID: {
      description:
        'Government identifier other than a US SSN: ITIN, UK NI number, Canadian SIN, Aadhaar, PAN, French NIR, Spanish DNI/NIE, Italian codice fiscale, Dutch BSN, German tax id (checksum-validated), passport or driving-licence number after an introducing word.',
    },
    ADDRESS: { description: 'Street address line (house number, street, unit, PO box) or a postcode/ZIP.' },
    DOB: { description: 'A date of birth: a date with a birth context word near it.' },
    PERSON: { description: 'A person name in context: self-introduction, salutation, sign-off, title or name field.' },
    JWT: { description: 'JSON Web Token.' },
    API_SECRET: { description: 'A vendor API secret (e.g. sk-…, ghp_…, AKIA…).' },
  },
});
