import path from 'node:path';
import { LOG_LEVELS, LogLevel } from './logging';
import { PII_TYPES, type PiiType } from './services/redaction/pii-types';
import { unsupportedPhoneRegions } from './services/redaction/redactor';

/** The tags Flywheel itself assigns or names; all of them put an entry in the review queue by default. */
export const BUILT_IN_TAGS = ['user_negative', 'drift_window', 'low_confidence', 'out_of_distribution', 'anomalous_output', 'operator_review', 'prediction_error'] as const;

/**
 * Every setting Flywheel reads, parsed and validated once at boot. A bad value stops the start with
 * one message that names every bad variable, so an operator fixes them all in one go instead of
 * one restart per typo.
 */
export interface Config {
  /** Unset → embedded PostgreSQL (PGlite) under `dataDir`. */
  databaseUrl: string | undefined;
  /**
   * A streaming replica of DATABASE_URL for dashboard reads (lists, aggregates, export lookups; see
   * src/db/read-replica.ts). Unset: every read goes to the primary.
   */
  databaseReadUrl: string | undefined;
  /** Replica replay lag above which dashboard reads go to the primary; 0 = never (serve however stale). */
  databaseReadMaxLagMs: number;
  /** How often the replica's health and lag are checked; a replica marked down is retried this often. */
  databaseReadCheckMs: number;
  dataDir: string;
  host: string;
  port: number;
  adminApiKey: string | undefined;
  /** Undefined only in embedded mode before the data dir supplies a generated one. */
  userIdHmacKey: string | undefined;
  sampleRate: number;
  samplingGraceHours: number;
  lowConfidenceLogprob: number;
  maxBatchSize: number;
  maxTextChars: number;
  maxMetadataBytes: number;
  maxPageSize: number;
  /** Largest request body for keys that may ingest (INGEST, ADMIN): batches are large. */
  maxBodyBytes: number;
  /** Largest request body for every other key (read, review, curate, CI, deploy). */
  maxBodyBytesSmall: number;
  /** Largest request body for a FEEDBACK-only key (a browser button sends a few hundred bytes). */
  maxBodyBytesFeedback: number;
  /** Query limits (src/http/query-limits.ts): nesting depth of fields (introspection's `__schema` not counted). */
  maxQueryDepth: number;
  /** Estimated result size: each field 1, a connection's children times its page size (from literals or variables). */
  maxQueryCost: number;
  /** Aliases in one operation (`__typename` ones included). */
  maxQueryAliases: number;
  /** Directives in one operation. */
  maxQueryDirectives: number;
  /** Tokens in the query text; the parser stops at this many. */
  maxQueryTokens: number;
  dbPoolSize: number;
  /** Run job handlers inside the API process (default). `npm run worker` runs them on their own. */
  runWorker: boolean;
  /** API processes sharing the port (node:cluster). More than 1 needs DATABASE_URL. */
  httpWorkers: number;
  compactionIntervalMinutes: number;
  retrainEvaluationMinutes: number;
  compactionBatchSize: number;
  /** Raw-log retention in days for model versions whose line sets none; 0 = keep forever. */
  retentionDays: number;
  /** Daily log partitions kept created ahead of today (job and boot). */
  logPartitionsAheadDays: number;
  apiKeyCacheSeconds: number;
  shutdownTimeoutMs: number;
  /**
   * How long a request waits for a database connection (a pool slot, or a connect to a server that does
   * not answer) and for each statement before it fails with DATABASE_UNAVAILABLE (PostgreSQL only; job
   * handlers have a pool without the statement limit: a dataset build's gate may run for minutes).
   */
  dbTimeoutMs: number;
  logLevel: LogLevel;
  /** Largest number of rows one group-commit flush writes. */
  ingestMaxGroupRows: number;
  /** Flushes allowed in flight at once; 2 overlaps Node's work on batch N+1 with PostgreSQL's on batch N. */
  ingestMaxConcurrentFlushes: number;
  /**
   * Browser origins allowed to call /graphql cross-origin (feedback buttons). Empty: no CORS headers
   * at all. `*` only when the operator lists it.
   */
  corsOrigins: string[];
  /** Introspection, field suggestions in errors, and the in-browser IDE at GET /graphql. */
  graphqlIntrospection: boolean;
  /** Tags that put an entry in the review queue. */
  reviewTags: string[];
  /** Where dataset builds write their files (`<name>/v<version>/…`). */
  exportDir: string;
  /** Default largest population stability index a dataset build accepts against its reference. */
  datasetMaxPsi: number;
  probationHours: number;
  webhookRetryDelaySeconds: number;
  webhookMaxAttempts: number;
  reviewLeaseMinutes: number;
  /** Drift windows up to this many rows enter the review queue in the reporting transaction; larger ones through a job. */
  reviewInlineMax: number;
  /** MODEL corrections at or above this confidence are accepted without a human. */
  autoAcceptConfidence: number;
  /**
   * Per-key rate limits (token buckets; a rate of 0 turns that limit off). Ingest counts rows, feedback
   * and review count calls. Shared by every API process on one PostgreSQL database (src/services/rate-limit).
   */
  rateLimits: {
    ingest: { perSecond: number; burst: number };
    feedback: { perSecond: number; burst: number };
    review: { perSecond: number; burst: number };
    /** Each process takes tokens from the shared bucket this many milliseconds' worth at a time. */
    leaseMs: number;
  };
  /** Feedback on requestIds not logged yet: at most this many wait per key (the oldest are dropped). */
  feedbackPendingMaxPerKey: number;
  /** …and each waits at most this long for its row before the feedback-match job deletes it. */
  feedbackPendingHours: number;
  /** Redaction before storage (src/services/redaction). */
  redaction: {
    /** Classes that are NOT redacted (REDACT_DISABLED_TYPES), e.g. PERSON where names are accepted. */
    disabled: PiiType[];
    /** Regions whose national phone formats are recognised, in trial order; undefined: the redactor's default list. */
    phoneRegions: string[] | undefined;
  };
  /** Audit events older than this many days are deleted by the audit-retention job (issue 14). */
  auditRetentionDays: number;
  /** Auto-flagging at ingest; each flag can be switched off. */
  autoFlag: {
    lowConfidence: boolean;
    anomalousOutput: boolean;
    outOfDistribution: boolean;
    /** |z| of log(prompt length) against the profile above which a prompt is out of distribution. */
    oodLengthZ: number;
    /** Absolute difference in the share of non-Latin letters against the profile. */
    oodScriptShift: number;
    /** Healthy rows a profile needs before it is trusted. */
    oodMinSamples: number;
    /** How often each API process reloads the profiles the traffic-profile job writes. */
    oodProfileReloadSeconds: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  }

  number(name: string, fallback: number, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    const { min, max, integer } = opts;
    const range = `${min ?? '-∞'}..${max ?? '∞'}`;
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || (min !== undefined && n < min) || (max !== undefined && n > max)) {
      this.problems.push(`${name}=${JSON.stringify(raw)}: expected ${integer ? 'an integer' : 'a number'} in ${range}`);
      return fallback;
    }
    return n;
  }

  oneOf<T extends string>(name: string, values: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if ((values as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected one of ${values.join(', ')}`);
    return fallback;
  }

  boolean(name: string, fallback: boolean): boolean {
    const raw = this.string(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    this.problems.push(`${name}=${JSON.stringify(raw)}: expected true or false`);
    return fallback;
  }
}

/**
 * RATE_LIMIT_*: a rate per second and a burst (the bucket's size; default two seconds' worth). Ingest
 * counts rows, so its burst must hold the largest batch (MAX_BATCH_SIZE) or such a batch could never pass.
 */
function rateLimits(r: EnvReader, maxBatchSize: number): Config['rateLimits'] {
  const bucket = (name: string, perSecondDefault: number, minBurst: number) => {
    const perSecond = r.number(`RATE_LIMIT_${name}`, perSecondDefault, { min: 0, max: 10_000_000 });
    const burst = r.number(`RATE_LIMIT_${name.replace(/_(ROWS_)?PER_SECOND$/, '')}_BURST`, Math.max(minBurst, 2 * perSecond), { min: 1, max: 100_000_000 });
    if (perSecond > 0 && burst < minBurst) {
      r.problems.push(`RATE_LIMIT_${name.replace(/_(ROWS_)?PER_SECOND$/, '')}_BURST=${burst}: must be at least ${minBurst} (MAX_BATCH_SIZE: a batch of that many rows must fit)`);
    }
    return { perSecond, burst };
  };
  return {
    ingest: bucket('INGEST_ROWS_PER_SECOND', 20_000, maxBatchSize),
    // One FEEDBACK key serves every browser of a site, and one MODEL_LABEL key a labelling model: 100/s
    // stops a runaway loop or a flood without throttling either (20/s throttled the test suite's reviewer).
    feedback: bucket('FEEDBACK_PER_SECOND', 100, 1),
    review: bucket('REVIEW_PER_SECOND', 100, 1),
    leaseMs: r.number('RATE_LIMIT_LEASE_MS', 100, { min: 1, max: 10_000 }),
  };
}

function redactionSettings(r: EnvReader): Config['redaction'] {
  const list = (name: string): string[] | undefined => {
    const raw = r.string(name);
    return raw === undefined ? undefined : raw.split(',').map((v) => v.trim()).filter(Boolean);
  };
  const disabled = (list('REDACT_DISABLED_TYPES') ?? []).map((t) => t.toUpperCase());
  const unknown = disabled.filter((t) => !(PII_TYPES as readonly string[]).includes(t));
  if (unknown.length > 0) {
    r.problems.push(`REDACT_DISABLED_TYPES: unknown class ${unknown.join(', ')}; expected a comma-separated list of ${PII_TYPES.join(', ')}`);
  }
  const phoneRegions = list('REDACT_PHONE_REGIONS')?.map((c) => c.toUpperCase());
  const badRegions = unsupportedPhoneRegions(phoneRegions ?? []);
  if (badRegions.length > 0) {
    r.problems.push(`REDACT_PHONE_REGIONS: ${badRegions.join(', ')} is not a region libphonenumber knows; expected ISO 3166 alpha-2 codes such as GB,FR,DE,US`);
  }
  return { disabled: disabled as PiiType[], phoneRegions };
}

export function loadConfig(env: Env = process.env): Config {
  const r = new EnvReader(env);
  const databaseUrl = r.string('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    r.problems.push('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  }
  const databaseReadUrl = r.string('DATABASE_READ_URL');
  if (databaseReadUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseReadUrl)) {
    r.problems.push('DATABASE_READ_URL: expected a postgres:// or postgresql:// URL');
  }
  if (databaseReadUrl !== undefined && databaseUrl === undefined) {
    // The embedded database has no replica: a read URL without DATABASE_URL is a mistake, not a setting.
    r.problems.push('DATABASE_READ_URL: needs DATABASE_URL (a replica of the embedded database is not supported)');
  }
  const adminApiKey = r.string('ADMIN_API_KEY');
  // 24 characters of a random key is already > 128 bits; shorter ones are guessable.
  if (adminApiKey !== undefined && adminApiKey.length < 24) {
    r.problems.push('ADMIN_API_KEY: must be at least 24 characters (use a random value)');
  }
  const userIdHmacKey = r.string('USER_ID_HMAC_KEY');
  if (userIdHmacKey !== undefined && userIdHmacKey.length < 32) {
    r.problems.push('USER_ID_HMAC_KEY: must be at least 32 characters (e.g. `openssl rand -hex 32`)');
  }
  if (databaseUrl !== undefined && userIdHmacKey === undefined) {
    // With an external database a generated key would live only on this host: user id hashes written
    // by another instance or after a redeploy would no longer match. Make the operator choose one.
    r.problems.push('USER_ID_HMAC_KEY: required when DATABASE_URL is set (e.g. `openssl rand -hex 32`)');
  }

  const maxBatchSize = r.number('MAX_BATCH_SIZE', 1000, { min: 1, max: 100_000, integer: true });
  const config: Config = {
    databaseUrl,
    databaseReadUrl,
    // 30 s: a dashboard refreshes every 10–30 s, so older data means a stuck or overloaded replica.
    databaseReadMaxLagMs: r.number('DATABASE_READ_MAX_LAG_MS', 30_000, { min: 0, max: 86_400_000, integer: true }),
    // 2 s: after a replica fails, at most 2 s of reads go to the primary before it is tried again.
    databaseReadCheckMs: r.number('DATABASE_READ_CHECK_MS', 2000, { min: 100, max: 60_000, integer: true }),
    dataDir: path.resolve(r.string('DATA_DIR') ?? './data'),
    // This machine only unless the operator says otherwise: a fresh `npm start` is not a public service.
    host: r.string('HOST') ?? '127.0.0.1',
    port: r.number('PORT', 4000, { min: 0, max: 65535, integer: true }),
    adminApiKey,
    userIdHmacKey,
    sampleRate: r.number('SAMPLE_RATE', 0.05, { min: 0, max: 1 }),
    samplingGraceHours: r.number('SAMPLING_GRACE_HOURS', 24, { min: 0 }),
    lowConfidenceLogprob: r.number('LOW_CONFIDENCE_LOGPROB', -3.0, { max: 0 }),
    maxBatchSize,
    maxTextChars: r.number('MAX_TEXT_CHARS', 65_536, { min: 1, integer: true }),
    maxMetadataBytes: r.number('MAX_METADATA_BYTES', 16_384, { min: 2, integer: true }),
    maxPageSize: r.number('MAX_PAGE_SIZE', 500, { min: 1, max: 10_000, integer: true }),
    maxBodyBytes: r.number('MAX_BODY_BYTES', 64 * 1024 * 1024, { min: 1024, integer: true }),
    // A correction's completion may be MAX_TEXT_CHARS (65,536) characters: up to ~400 KB as escaped JSON.
    maxBodyBytesSmall: r.number('MAX_BODY_BYTES_SMALL', 1024 * 1024, { min: 1024, integer: true }),
    maxBodyBytesFeedback: r.number('MAX_BODY_BYTES_FEEDBACK', 64 * 1024, { min: 1024, integer: true }),
    maxQueryDepth: r.number('MAX_QUERY_DEPTH', 15, { min: 2, max: 1000, integer: true }),
    maxQueryCost: r.number('MAX_QUERY_COST', 50_000, { min: 100, integer: true }),
    maxQueryAliases: r.number('MAX_QUERY_ALIASES', 30, { min: 0, integer: true }),
    maxQueryDirectives: r.number('MAX_QUERY_DIRECTIVES', 50, { min: 0, integer: true }),
    maxQueryTokens: r.number('MAX_QUERY_TOKENS', 5000, { min: 100, integer: true }),
    dbPoolSize: r.number('DB_POOL_SIZE', 10, { min: 2, max: 200, integer: true }),
    runWorker: r.boolean('RUN_WORKER', true),
    httpWorkers: r.number('HTTP_WORKERS', 1, { min: 1, max: 64, integer: true }),
    compactionIntervalMinutes: r.number('COMPACTION_INTERVAL_MINUTES', 15, { min: 1, max: 1440, integer: true }),
    retrainEvaluationMinutes: r.number('RETRAIN_EVALUATION_MINUTES', 15, { min: 1, max: 59, integer: true }),
    compactionBatchSize: r.number('COMPACTION_BATCH_SIZE', 5000, { min: 1, max: 100_000, integer: true }),
    retentionDays: r.number('RETENTION_DAYS', 0, { min: 0, max: 36_500, integer: true }),
    logPartitionsAheadDays: r.number('LOG_PARTITIONS_AHEAD_DAYS', 14, { min: 1, max: 366, integer: true }),
    apiKeyCacheSeconds: r.number('API_KEY_CACHE_SECONDS', 10, { min: 0, max: 3600 }),
    shutdownTimeoutMs: r.number('SHUTDOWN_TIMEOUT_MS', 15_000, { min: 0, integer: true }),
    dbTimeoutMs: r.number('DB_TIMEOUT_MS', 15_000, { min: 100, max: 600_000, integer: true }),
    logLevel: r.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    ingestMaxGroupRows: r.number('INGEST_MAX_GROUP_ROWS', 2000, { min: 1, max: 20_000, integer: true }),
    ingestMaxConcurrentFlushes: r.number('INGEST_MAX_CONCURRENT_FLUSHES', 2, { min: 1, max: 16, integer: true }),
    corsOrigins: (r.string('CORS_ORIGINS') ?? '')
      .split(',')
      .map((o) => o.trim().replace(/\/+$/, ''))
      .filter(Boolean),
    // On for the zero-setup local start (embedded database); a deployment on PostgreSQL keeps its
    // schema to itself unless the operator turns it on.
    graphqlIntrospection: r.boolean('GRAPHQL_INTROSPECTION', databaseUrl === undefined),
    reviewTags: (r.string('REVIEW_TAGS') ?? BUILT_IN_TAGS.join(','))
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    reviewLeaseMinutes: r.number('REVIEW_LEASE_MINUTES', 30, { min: 0.01, max: 24 * 60 }),
    reviewInlineMax: r.number('REVIEW_INLINE_MAX', 2000, { min: 0, integer: true }),
    exportDir: path.resolve(r.string('EXPORT_DIR') ?? path.join(r.string('DATA_DIR') ?? './data', 'exports')),
    // 0.25 is the conventional "significant shift" line for PSI (0.1–0.25 moderate).
    datasetMaxPsi: r.number('DATASET_MAX_PSI', 0.25, { min: 0 }),
    probationHours: r.number('PROBATION_HOURS', 24, { min: 0, max: 24 * 90 }),
    webhookRetryDelaySeconds: r.number('WEBHOOK_RETRY_DELAY_SECONDS', 10, { min: 1, max: 3600, integer: true }),
    webhookMaxAttempts: r.number('WEBHOOK_MAX_ATTEMPTS', 9, { min: 1, max: 20, integer: true }),
    autoAcceptConfidence: r.number('AUTO_ACCEPT_CONFIDENCE', 0.9, { min: 0, max: 1 }),
    rateLimits: rateLimits(r, maxBatchSize),
    // Two minutes of RATE_LIMIT_FEEDBACK_PER_SECOND (100/s) is 12,000: a flood from one key pushes out its
    // own oldest pending clicks only after that long, never another key's.
    feedbackPendingMaxPerKey: r.number('FEEDBACK_PENDING_MAX_PER_KEY', 20_000, { min: 1, max: 1_000_000, integer: true }),
    feedbackPendingHours: r.number('FEEDBACK_PENDING_HOURS', 24, { min: 0.0001, max: 24 * 30 }),
    redaction: redactionSettings(r),
    // 400 days: a year of actions plus a quarter to audit them in; fractions of a day for tests.
    auditRetentionDays: r.number('AUDIT_RETENTION_DAYS', 400, { min: 0.00001, max: 36_500 }),
    autoFlag: {
      lowConfidence: r.boolean('AUTO_FLAG_LOW_CONFIDENCE', true),
      anomalousOutput: r.boolean('AUTO_FLAG_ANOMALOUS_OUTPUT', true),
      outOfDistribution: r.boolean('AUTO_FLAG_OUT_OF_DISTRIBUTION', true),
      oodLengthZ: r.number('OOD_LENGTH_Z', 4, { min: 1 }),
      oodScriptShift: r.number('OOD_SCRIPT_SHIFT', 0.5, { min: 0.05, max: 1 }),
      oodMinSamples: r.number('OOD_MIN_SAMPLES', 200, { min: 10, integer: true }),
      oodProfileReloadSeconds: r.number('OOD_PROFILE_RELOAD_SECONDS', 60, { min: 0.1 }),
    },
  };
  if (config.reviewTags.some((t) => !/^[a-z0-9][a-z0-9_.:-]{0,63}$/.test(t))) {
    r.problems.push('REVIEW_TAGS: expected a comma-separated list of tags (lowercase letters, digits, _ . : -)');
  }
  for (const origin of config.corsOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      r.problems.push(`CORS_ORIGINS: "${origin}" is not an origin; expected scheme://host[:port] (no path), comma-separated, or *`);
    }
  }
  if (config.httpWorkers > 1 && databaseUrl === undefined) {
    r.problems.push('HTTP_WORKERS: more than 1 needs DATABASE_URL (the embedded database belongs to a single process)');
  }
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
