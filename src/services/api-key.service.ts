import { isUuid } from '../db/sql';
import crypto from 'node:crypto';
import { EntityManager, IsNull } from 'typeorm';
import { ApiKey } from '../entities';
import type { PageResult } from '../schema/connection';
import { Keyset, PageArgs } from './paging/keyset';
import { badInput, FlywheelError, forbidden, InputProblem, isDatabaseUnavailable } from '../errors';

export const SCOPES = ['ingest', 'feedback', 'annotate', 'model_label', 'read', 'curate', 'ci', 'deploy', 'metrics', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  keyId: string;
  name: string;
  scopes: ReadonlySet<Scope>;
}

export interface CreatedApiKey {
  key: ApiKey;
  /** The secret. Shown once; only its hash is stored. */
  secret: string;
}

const KEY_PREFIX = 'fw_';
const API_KEY_COLUMNS = `k.id, k.name, k.key_prefix AS "keyPrefix", k.scopes, k.created_at AS "createdAt", k.revoked_at AS "revokedAt"`;
const KEYS_KEYSET = new Keyset('apiKeys', [
  { expr: 'k.created_at', dir: 'ASC', type: 'timestamptz' },
  { expr: 'k.id', dir: 'ASC', type: 'uuid' },
]);

export function hashApiKey(secret: string): string {
  return crypto.createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function generateApiKeySecret(): string {
  return KEY_PREFIX + crypto.randomBytes(32).toString('base64url');
}

/** `admin` may do everything; any other key only what its scopes name. */
export function hasScope(principal: Principal, required: readonly Scope[]): boolean {
  if (principal.scopes.has('admin')) return true;
  return required.some((s) => principal.scopes.has(s));
}

const ACTOR_RE = /^\S(.{0,98}\S)?$/;

/**
 * Who acts: the key's own name, never a free argument, so one operator cannot release another's claim
 * or accept their own correction under a second name. Only an ADMIN key may act for a named operator,
 * and only by saying so (`onBehalfOf`).
 */
export function actingIdentity(principal: Principal, onBehalfOf: string | null | undefined): { name: string; onBehalf: boolean } {
  if (onBehalfOf == null) return { name: principal.name, onBehalf: false };
  if (!principal.scopes.has('admin')) {
    throw forbidden('onBehalfOf: only ADMIN keys may act on behalf of another; this key acts as itself (its name)', { field: 'onBehalfOf' });
  }
  if (!ACTOR_RE.test(onBehalfOf)) throw badInput([{ field: 'onBehalfOf', message: 'must be 1–100 characters, not starting or ending with a space' }]);
  return { name: onBehalfOf, onBehalf: true };
}

/**
 * Authenticates keys on every request, so positive lookups are cached for API_KEY_CACHE_SECONDS
 * (default 10 s): one key lookup per request would cost a round trip on the ingest hot path.
 * Revoking in this process clears the cache at once; other processes notice within that window.
 */
export class ApiKeyService {
  /** Keyed by the presented secret so a hit costs no hashing; the entry remembers the hash for revoke. */
  private readonly cache = new Map<string, { principal: Principal | null; keyHash: string; expires: number }>();
  /**
   * The last valid lookup of each key, used only while the database cannot be asked (stale-if-error):
   * during an outage a valid key still reaches /metrics and gets DATABASE_UNAVAILABLE from the API
   * rather than a 503 at the door; no revocation can be written meanwhile anyway.
   */
  private readonly lastKnown = new Map<string, { principal: Principal; keyHash: string }>();

  constructor(private readonly cacheMs: number) {}

  /** `onStale` is called when the answer had to come from `lastKnown` (the database did not answer). */
  async authenticate(db: EntityManager, secret: string, onStale?: () => void): Promise<Principal | null> {
    const now = Date.now();
    const hit = this.cache.get(secret);
    if (hit && hit.expires > now) return hit.principal;
    const hash = hashApiKey(secret);
    let key: ApiKey | null;
    try {
      key = await db.getRepository(ApiKey).findOneBy({ keyHash: hash, revokedAt: IsNull() });
    } catch (err) {
      const known = isDatabaseUnavailable(err) ? this.lastKnown.get(secret) : undefined;
      if (known) {
        onStale?.();
        return known.principal;
      }
      throw err;
    }
    const principal = key ? toPrincipal(key) : null;
    if (this.lastKnown.size > 10_000) this.lastKnown.clear();
    if (principal) this.lastKnown.set(secret, { principal, keyHash: hash });
    else this.lastKnown.delete(secret);
    // Misses are cached too (briefly) so a client hammering with a bad key costs no queries; the map
    // is bounded so random keys cannot grow it without limit.
    if (this.cache.size > 10_000) this.cache.clear();
    if (this.cacheMs > 0) this.cache.set(secret, { principal, keyHash: hash, expires: now + this.cacheMs });
    return principal;
  }

  /** The caller behind an `Authorization` header; `failure` says why there is none (null: no header sent). */
  async fromAuthorization(db: EntityManager, header: string | undefined): Promise<{ principal: Principal | null; failure: string | null; databaseDown?: boolean }> {
    if (header === undefined) return { principal: null, failure: null };
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return { principal: null, failure: 'Malformed Authorization header: expected `Bearer <key>`' };
    let databaseDown = false;
    const principal = await this.authenticate(db, m[1], () => (databaseDown = true));
    return { principal, failure: principal ? null : 'Invalid or revoked API key', ...(databaseDown ? { databaseDown } : {}) };
  }

  async create(db: EntityManager, name: string, scopes: readonly string[], secret = generateApiKeySecret()): Promise<CreatedApiKey> {
    const trimmed = name.trim();
    const problems: InputProblem[] = [];
    const allowed = SCOPES.map((s) => s.toUpperCase()).join(', ');
    if (trimmed.length === 0 || trimmed.length > 100) problems.push({ field: 'name', message: 'must be 1–100 characters' });
    const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0) problems.push({ field: 'scopes', message: `give at least one of ${allowed}` });
    if (unknown.length) problems.push({ field: 'scopes', message: `unknown scope; allowed: ${allowed}` });
    if (problems.length) throw badInput(problems);
    const key = await db.getRepository(ApiKey).save({
      name: trimmed,
      keyHash: hashApiKey(secret),
      keyPrefix: secret.slice(0, KEY_PREFIX.length + 6),
      scopes: [...new Set(scopes)],
      revokedAt: null,
    });
    return { key, secret };
  }

  async revoke(db: EntityManager, id: string): Promise<ApiKey> {
    const repo = db.getRepository(ApiKey);
    const key = isUuid(id) ? await repo.findOneBy({ id }) : null;
    if (!key) throw new FlywheelError('NOT_FOUND', 'No API key with this id');
    if (!key.revokedAt) {
      key.revokedAt = new Date();
      await repo.save(key);
    }
    for (const [secret, entry] of this.cache) if (entry.keyHash === key.keyHash) this.cache.delete(secret);
    for (const [secret, entry] of this.lastKnown) if (entry.keyHash === key.keyHash) this.lastKnown.delete(secret);
    return key;
  }

  /** Oldest first. */
  async list(db: EntityManager, args: PageArgs, maxPageSize: number): Promise<PageResult<ApiKey>> {
    return KEYS_KEYSET.fetch<ApiKey>(db, args, maxPageSize, { columns: API_KEY_COLUMNS, from: 'api_key k' });
  }

  byIds(db: EntityManager, ids: string[]): Promise<ApiKey[]> {
    return db.query(`SELECT ${API_KEY_COLUMNS} FROM api_key k WHERE k.id = ANY ($1::uuid[])`, [ids.filter((id) => isUuid(id))]);
  }

  /**
   * At start: ADMIN_API_KEY, when set and never seen, becomes an admin key (for CI and automation). A
   * revoked ADMIN_API_KEY stays revoked (it used to come back on every restart): rotating it means
   * setting a new value. Otherwise, when no key exists at all, one admin key is created and its secret
   * returned so the caller prints it once.
   */
  bootstrap(db: EntityManager, adminApiKey: string | undefined): Promise<{ generated: string | null; adminApiKeyRevoked: boolean }> {
    // Several API processes may start at once (HTTP_WORKERS): serialize so exactly one creates keys.
    return db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock(727002)');
      return this.bootstrapLocked(tx, adminApiKey);
    });
  }

  private async bootstrapLocked(db: EntityManager, adminApiKey: string | undefined): Promise<{ generated: string | null; adminApiKeyRevoked: boolean }> {
    const repo = db.getRepository(ApiKey);
    if (adminApiKey) {
      const existing = await repo.findOneBy({ keyHash: hashApiKey(adminApiKey) });
      if (!existing) await this.create(db, 'bootstrap-admin (ADMIN_API_KEY)', ['admin'], adminApiKey);
      return { generated: null, adminApiKeyRevoked: existing?.revokedAt != null };
    }
    if ((await repo.count()) > 0) return { generated: null, adminApiKeyRevoked: false };
    const created = await this.create(db, 'bootstrap-admin', ['admin']);
    return { generated: created.secret, adminApiKeyRevoked: false };
  }
}

function toPrincipal(key: ApiKey): Principal {
  return { keyId: key.id, name: key.name, scopes: new Set(key.scopes as Scope[]) };
}
