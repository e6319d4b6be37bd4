import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { App, startApp } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger, Logger, silentLogger } from '../../src/logging';

export const ADMIN_KEY = 'fw_test_admin_key_0123456789abcdefghij';
export const HMAC_KEY = 'test-hmac-key-0123456789abcdef0123456789abcdef';

export interface GqlResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; extensions?: { code?: string; [k: string]: unknown }; path?: string[] }[];
}

export interface TestServer {
  app: App;
  url: string;
  /** Where the database lives: a fresh PostgreSQL database per server, or a fresh PGlite dir. */
  databaseUrl: string | undefined;
  dataDir: string;
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string | null): Promise<GqlResponse<T>>;
  /** Plain SQL on the server's database (for assertions and fixtures the API does not offer yet). */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>;
  stop(): Promise<void>;
}

/** The real PostgreSQL when DATABASE_URL is set; otherwise the embedded database. */
export const usingRealPostgres = Boolean(process.env.DATABASE_URL);

/** A new, empty database on the server DATABASE_URL points at; `drop()` removes it. */
export async function createFreshDatabase(baseUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fw_test_${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

export async function gqlRequest<T = any>(baseUrl: string, query: string, variables: Record<string, unknown> = {}, key: string | null = ADMIN_KEY): Promise<GqlResponse<T>> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const res = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as GqlResponse<T>;
  return { ...body, status: res.status };
}

/**
 * Starts the real server (real HTTP on a free port) on a database of its own, built by the real
 * migrations. `embedded: true` forces PGlite even when DATABASE_URL is set.
 */
export async function startTestServer(env: Record<string, string> = {}, opts: { embedded?: boolean; dataDir?: string } = {}): Promise<TestServer> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-test-'));
  // A DATABASE_URL in `env` (a private cluster of the test's own) is used as it is.
  const fresh = !opts.embedded && usingRealPostgres && !env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL!) : undefined;
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    ADMIN_API_KEY: ADMIN_KEY,
    USER_ID_HMAC_KEY: HMAC_KEY,
    API_KEY_CACHE_SECONDS: '0',
    // Fixtures click and correct hundreds of times a second with one key: the feedback and review limits
    // are off unless a test sets them (test/rate-limits.test.ts does).
    RATE_LIMIT_FEEDBACK_PER_SECOND: '0',
    RATE_LIMIT_REVIEW_PER_SECOND: '0',
    ...(fresh ? { DATABASE_URL: fresh.url } : {}),
    ...env,
  });
  const quiet: Logger = process.env.TEST_VERBOSE ? createLogger('debug', 'flywheel-test') : silentLogger;
  let app: App;
  try {
    app = await startApp(config, quiet);
  } catch (err) {
    await fresh?.drop();
    if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  const db = app.database.dataSource;
  return {
    app,
    url: app.url,
    databaseUrl: fresh?.url,
    dataDir,
    gql: (q, v, k) => gqlRequest(app.url, q, v, k === undefined ? ADMIN_KEY : k),
    sql: (text, params) => db.query(text, params),
    async stop() {
      await app.stop();
      await fresh?.drop();
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a key with the given scopes through the API and returns its secret. */
export async function createKey(server: TestServer, scopes: string[], name = `key-${scopes.join('-')}`): Promise<string> {
  // Scopes are enum values (INGEST, READ, …); lower-case names from older tests are accepted here.
  const r = await server.gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`, {
    input: { name, scopes: scopes.map((s) => s.toUpperCase()) },
  });
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.createApiKey.secret;
}

let seq = 0;
/** A realistic log input; override any field. */
export function logInput(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  seq++;
  return {
    requestId: `req-${process.pid}-${Date.now().toString(36)}-${seq}-${crypto.randomBytes(3).toString('hex')}`,
    modelVersion: 'support-bot-v6',
    prompt: `How do I reset my password? (question ${seq})`,
    response: 'Open Settings → Security → Reset password, then follow the emailed link.',
    latencyMs: 120 + (seq % 50),
    ...overrides,
  };
}

export const LOG_MUTATION = `mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId keepReasons created redactions { type count } } }`;
/** Variables: `{ input: { items: [...] } }`; the results are in `data.logInferences.results`. */
export const LOG_BATCH_MUTATION = `mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId keepReasons created redactions { type count } } } }`;

/** Logs a batch through the API and returns its results (throws on errors). */
export async function logBatch(server: TestServer, items: Record<string, unknown>[], key?: string): Promise<any[]> {
  const r = await server.gql(LOG_BATCH_MUTATION, { input: { items } }, key);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r.data.logInferences.results;
}

export async function waitFor<T>(fn: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 30_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The data of a response that must have succeeded (fails the test with the errors otherwise). */
export function ok<T = any>(r: GqlResponse<T>): T {
  if (r.errors !== undefined) throw new Error(`expected no errors, got ${JSON.stringify(r.errors)}`);
  if (!r.data) throw new Error('expected data, got none');
  return r.data as T;
}

/** The code of the first error of a response that must have failed. */
export function errorCode(r: GqlResponse): string | undefined {
  if (!r.errors?.length) throw new Error(`expected an error, got data ${JSON.stringify(r.data)}`);
  return r.errors[0].extensions?.code as string | undefined;
}
