import type { EntityManager } from 'typeorm';
import type { Config } from '../../config';
import type { AppServices } from '../../context';
import { queryRows } from '../../db/sql';
import { FlywheelError } from '../../errors';

/** What a bucket counts: ingested rows, feedback calls, review calls (claims, releases, corrections). */
export type RateLimitKind = 'INGEST' | 'FEEDBACK' | 'REVIEW';

const SETTING: Record<RateLimitKind, string> = {
  INGEST: 'RATE_LIMIT_INGEST_ROWS_PER_SECOND',
  FEEDBACK: 'RATE_LIMIT_FEEDBACK_PER_SECOND',
  REVIEW: 'RATE_LIMIT_REVIEW_PER_SECOND',
};
const UNIT: Record<RateLimitKind, string> = { INGEST: 'rows', FEEDBACK: 'calls', REVIEW: 'calls' };
const WHAT: Record<RateLimitKind, string> = { INGEST: 'ingestion', FEEDBACK: 'feedback', REVIEW: 'claims, releases and corrections' };

interface Limit {
  perSecond: number;
  burst: number;
  /** Tokens a process takes from the shared bucket at a time: RATE_LIMIT_LEASE_MS worth, at least 1. */
  lease: number;
}

interface Bucket {
  /** Embedded: the bucket itself. PostgreSQL: tokens this process leased and has not spent yet. */
  tokens: number;
  /** Embedded: when `tokens` was last refilled (ms, monotonic). */
  at: number;
  /** PostgreSQL: the lease in flight, if any (one at a time per bucket and process). */
  lease: Promise<void> | null;
  /**
   * PostgreSQL: what the shared row held after this process's last lease, and when (NaN: not asked yet).
   * Other processes only take from it, so this plus the refill since is an upper bound of what it holds
   * now: a refusal decided from it is never wrong, and costs no statement.
   */
  sharedLeft: number;
  sharedAt: number;
}

/**
 * Takes tokens from the shared row: refills it (rate × time since, up to the burst), hands out `want`
 * tokens when at least `need` are there (else none), and says what it handed out and what is left. One
 * statement, one round trip; concurrent leases of one key serialize on its row for that statement only.
 * Time is the database's (statement_timestamp, the same for every process); `greatest` keeps a lease
 * whose statement started earlier but committed later from moving the refill clock back.
 * $1 key, $2 kind, $3 burst, $4 rate, $5 need, $6 want, $7 what a new (full) row hands out.
 */
const AVAILABLE = `least($3::float8, b.tokens + $4::float8 * greatest(0, extract(epoch FROM statement_timestamp() - b.refilled_at)::float8))`;
const GRANT = `CASE WHEN ${AVAILABLE} >= $5::float8 THEN least(${AVAILABLE}, $6::float8) ELSE 0 END`;
const LEASE_SQL = `
INSERT INTO rate_limit_bucket AS b (api_key_id, kind, tokens, refilled_at, last_grant)
VALUES ($1::uuid, $2, $3::float8 - $7::float8, statement_timestamp(), $7::float8)
ON CONFLICT (api_key_id, kind) DO UPDATE SET
  last_grant = ${GRANT},
  tokens = ${AVAILABLE} - ${GRANT},
  refilled_at = greatest(b.refilled_at, statement_timestamp())
RETURNING last_grant AS granted, tokens AS remaining`;

/**
 * Per-key rate limits: a token bucket per API key and kind (RATE_LIMIT_*_PER_SECOND refills it, the
 * burst is its size). A refused call throws RATE_LIMITED, which Apollo sends as HTTP 429 with
 * Retry-After (from the error's `extensions.http`).
 *
 * Embedded database (one process): the bucket lives in this process; no statement at all.
 *
 * PostgreSQL (any number of API processes): the bucket is a row of `rate_limit_bucket`. A process
 * leases tokens from it in batches of L = rate × RATE_LIMIT_LEASE_MS (one upsert per lease, never one
 * per call) and spends them locally; when it has less than L/2 left it leases the next batch in the
 * background, so a steady caller rarely waits for the database. Tokens leave the row only by lease, so
 * all processes together never spend more than the row hands out (burst + rate × T over any T); the
 * only excess is what processes leased before the interval began and spend during it: at most 1.5 L
 * each. So over any interval T, P processes admit at most burst + rate × T + 1.5 × L × P, and refuse
 * at most that much too early (tokens one process holds while another asks). Defaults: L = 100 ms of
 * the rate; two processes: within 0.3 s worth of the rate (ingest 6,000 rows at 20,000 rows/s).
 */
export class RateLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly limits: Record<RateLimitKind, Limit | null>;

  constructor(
    config: Pick<Config, 'rateLimits'>,
    /** True on PostgreSQL: the buckets are shared rows. False on the embedded database (one process). */
    private readonly shared: boolean,
    private readonly now: () => number = () => performance.now(),
  ) {
    const { leaseMs } = config.rateLimits;
    const limit = (l: { perSecond: number; burst: number }): Limit | null =>
      l.perSecond > 0 ? { perSecond: l.perSecond, burst: l.burst, lease: Math.min(l.burst, Math.max(1, (l.perSecond * leaseMs) / 1000)) } : null;
    this.limits = { INGEST: limit(config.rateLimits.ingest), FEEDBACK: limit(config.rateLimits.feedback), REVIEW: limit(config.rateLimits.review) };
  }

  /**
   * Spends `cost` tokens of the key's `kind` bucket, or throws RATE_LIMITED. Returns undefined when the
   * tokens were at hand (the hot path: no promise, no statement), else a promise that settles once a
   * lease decided (`db` runs the lease: pass a manager outside any transaction).
   */
  take(db: EntityManager, keyId: string, kind: RateLimitKind, cost = 1): Promise<void> | undefined {
    const limit = this.limits[kind];
    if (!limit) return undefined;
    // Ingest's burst is at least MAX_BATCH_SIZE (config check), so this only guards the arithmetic.
    const units = Math.min(cost, limit.burst);
    const b = this.bucket(keyId, kind, limit);
    if (!this.shared) {
      const t = this.now();
      b.tokens = Math.min(limit.burst, b.tokens + ((t - b.at) / 1000) * limit.perSecond);
      b.at = t;
      if (b.tokens < units) throw rateLimited(kind, limit, (units - b.tokens) / limit.perSecond);
      b.tokens -= units;
      return undefined;
    }
    if (b.tokens >= units) {
      b.tokens -= units;
      this.prefetch(db, keyId, kind, b, limit);
      return undefined;
    }
    return this.takeSlowly(db, keyId, kind, b, limit, units);
  }

  private bucket(keyId: string, kind: RateLimitKind, limit: Limit): Bucket {
    const id = `${kind}:${keyId}`;
    let b = this.buckets.get(id);
    if (!b) {
      b = { tokens: this.shared ? 0 : limit.burst, at: this.now(), lease: null, sharedLeft: NaN, sharedAt: NaN };
      this.buckets.set(id, b);
    }
    return b;
  }

  /** An upper bound of what the shared row holds now (Infinity before the first lease). */
  private sharedEstimate(b: Bucket, limit: Limit): number {
    if (Number.isNaN(b.sharedAt)) return Infinity;
    return Math.min(limit.burst, b.sharedLeft + ((this.now() - b.sharedAt) / 1000) * limit.perSecond);
  }

  private async takeSlowly(db: EntityManager, keyId: string, kind: RateLimitKind, b: Bucket, limit: Limit, units: number): Promise<void> {
    for (let leases = 0; ; ) {
      if (b.tokens >= units) {
        b.tokens -= units;
        this.prefetch(db, keyId, kind, b, limit);
        return;
      }
      if (b.lease) {
        // Another caller's lease may bring enough for this one too: then look again.
        await b.lease;
        continue;
      }
      const need = units - b.tokens;
      const estimate = this.sharedEstimate(b, limit);
      // A caller hammering a spent key is refused here, without a statement. Two leases that did not
      // leave enough (concurrent callers spent them first) also end in a refusal rather than a loop.
      if (estimate < need || leases === 2) throw rateLimited(kind, limit, Math.max(0, need - estimate) / limit.perSecond);
      leases++;
      const lease = this.lease(db, keyId, kind, b, limit, need, Math.min(limit.burst, need + limit.lease));
      b.lease = lease.then(
        () => undefined,
        () => undefined,
      );
      try {
        await lease;
      } finally {
        b.lease = null;
      }
    }
  }

  /** Below half a lease: fetch the next one in the background (a failure is retried by the next caller that needs it). */
  private prefetch(db: EntityManager, keyId: string, kind: RateLimitKind, b: Bucket, limit: Limit): void {
    if (b.lease || b.tokens >= limit.lease / 2 || this.sharedEstimate(b, limit) < limit.lease) return;
    b.lease = this.lease(db, keyId, kind, b, limit, limit.lease, limit.lease).then(
      () => {
        b.lease = null;
      },
      () => {
        b.lease = null;
      },
    );
  }

  private async lease(db: EntityManager, keyId: string, kind: RateLimitKind, b: Bucket, limit: Limit, need: number, want: number): Promise<void> {
    const firstGrant = limit.burst >= need ? Math.min(limit.burst, want) : 0;
    const [row] = await queryRows<{ granted: number; remaining: number }>(db, LEASE_SQL, [keyId, kind, limit.burst, limit.perSecond, need, want, firstGrant]);
    b.tokens += Number(row.granted);
    b.sharedLeft = Number(row.remaining);
    b.sharedAt = this.now();
  }
}

/** RATE_LIMITED, with the HTTP status and header Apollo applies to the response (and strips from the body). */
export function rateLimited(kind: RateLimitKind, limit: { perSecond: number; burst: number }, seconds: number): FlywheelError {
  // Whole seconds (the Retry-After header's unit), never 0: retrying at once would be refused again.
  const retryAfterSeconds = Math.max(1, Math.ceil(seconds - 1e-9));
  return new FlywheelError(
    'RATE_LIMITED',
    `Rate limit reached: this key may send ${limit.perSecond} ${UNIT[kind]} per second (bursts of ${limit.burst}) for ${WHAT[kind]} (${SETTING[kind]}); retry in ${retryAfterSeconds} s`,
    {
      retryAfterSeconds,
      limit: { kind, unit: UNIT[kind], perSecond: limit.perSecond, burst: limit.burst, setting: SETTING[kind] },
      http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
    },
  );
}

/** The limiter for this configuration: shared rows on PostgreSQL, in-process buckets on the embedded database. */
export function createRateLimits(config: Config): RateLimits {
  return new RateLimits(config, config.databaseUrl !== undefined);
}

/** The app's limiter (built once by startApp). */
export function rateLimitsOf(services: AppServices): RateLimits {
  return services.rateLimits;
}
