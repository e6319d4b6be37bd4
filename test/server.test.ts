import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { sampleFraction } from '../src/services/ingest/keep-reasons';
import { loadConfig } from '../src/config';
import { ADMIN_KEY, createFreshDatabase, gqlRequest, HMAC_KEY, LOG_MUTATION, logInput, startTestServer, TestServer, usingRealPostgres, waitFor } from './helpers/test-server';

const MAIN = path.resolve(__dirname, '../src/main.js');

describe('HTTP endpoints', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('/healthz, /readyz and /metrics', async () => {
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200);
    const ready = await fetch(`${server.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.equal(((await ready.json()) as any).status, 'ready');

    await server.gql(LOG_MUTATION, { input: logInput({ prompt: 'write to ops@example.com' }) });
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    assert.match(metrics, /^flywheel_rows_ingested_total [1-9]/m);
    assert.match(metrics, /^flywheel_redactions_total\{type="EMAIL"\} [1-9]/m);
    assert.match(metrics, /^flywheel_http_requests_total\{route="\/graphql",operation="mutation logInference",status="ok"\} [1-9]/m);
    assert.match(metrics, /^flywheel_http_request_duration_seconds_bucket\{le="0.1",route="\/graphql",operation="mutation logInference"\}/m);
    assert.match(metrics, /^flywheel_ingest_batch_size_count/m);
    assert.match(metrics, /^flywheel_rows_compacted_total/m);
  });

  test('/readyz reports unavailable when migrations are missing', async () => {
    await server.sql(`UPDATE typeorm_migrations SET name = name || '-hidden'`);
    try {
      const ready = await fetch(`${server.url}/readyz`);
      assert.equal(ready.status, 503);
      assert.match(((await ready.json()) as any).reason, /migrations pending/);
    } finally {
      await server.sql(`UPDATE typeorm_migrations SET name = replace(name, '-hidden', '')`);
    }
  });

  test('internal errors reach the client as INTERNAL_SERVER_ERROR with a request id, without SQL or stack traces', async () => {
    await server.sql('ALTER TABLE ingest_stats_hourly RENAME TO ingest_stats_hourly_away');
    try {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ query: `{ ingestStats(from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { total { received } } }` }),
      });
      const r = (await res.json()) as any;
      assert.equal(r.errors.length, 1, JSON.stringify(r));
      assert.equal(r.errors[0].extensions?.code, 'INTERNAL_SERVER_ERROR');
      assert.equal(r.errors[0].message, 'Internal server error');
      assert.deepEqual(r.data, { ingestStats: null }, 'a nullable root field: the fault nulls it, not the whole response');
      // The request id finds the fault in the server log; the response header carries the same id.
      assert.match(String(r.errors[0].extensions?.requestId), /^[0-9a-f-]{36}$/);
      assert.equal(res.headers.get('x-request-id'), r.errors[0].extensions?.requestId);
      assert.doesNotMatch(JSON.stringify(r), /ingest_stats_hourly|relation|stacktrace/);
    } finally {
      await server.sql('ALTER TABLE ingest_stats_hourly_away RENAME TO ingest_stats_hourly');
    }
  });
});

const INTROSPECT = `{ __schema { queryType { name } } }`;
/** A misspelled root field: graphql-js would suggest `logEntries`/`logEntry`. */
const MISSPELLED = `{ logEntrie(first: 1) { nodes { requestId } } }`;

describe('GRAPHQL_INTROSPECTION: introspection and "Did you mean" suggestions', () => {
  test('defaults: on for the embedded start, off with DATABASE_URL; an explicit setting wins either way', () => {
    const withDb = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x', USER_ID_HMAC_KEY: HMAC_KEY };
    assert.equal(loadConfig({}).graphqlIntrospection, true);
    assert.equal(loadConfig(withDb).graphqlIntrospection, false);
    assert.equal(loadConfig({ ...withDb, GRAPHQL_INTROSPECTION: 'true' }).graphqlIntrospection, true);
    assert.equal(loadConfig({ GRAPHQL_INTROSPECTION: 'false' }).graphqlIntrospection, false);
  });

  test('a server on DATABASE_URL with no setting refuses introspection and suggests nothing', { skip: !usingRealPostgres && 'needs DATABASE_URL' }, async () => {
    const server = await startTestServer(); // DATABASE_URL set by the helper; GRAPHQL_INTROSPECTION unset
    try {
      const intro = await server.gql(INTROSPECT);
      assert.equal(intro.data, undefined, JSON.stringify(intro));
      assert.equal(intro.errors?.length, 1, JSON.stringify(intro));
      assert.equal(intro.errors![0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');
      assert.equal(intro.errors![0].extensions?.validationErrorCode, 'INTROSPECTION_DISABLED');
      assert.match(intro.errors![0].message, /introspection/i);

      const typo = await server.gql(MISSPELLED);
      assert.equal(typo.data, undefined);
      assert.equal(typo.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED', JSON.stringify(typo));
      assert.match(typo.errors![0].message, /Cannot query field "logEntrie"/);
      assert.doesNotMatch(JSON.stringify(typo.errors), /Did you mean|logEntries/);

      // Only the schema is hidden: ordinary queries work.
      const viewer = await server.gql(`{ viewer { name } }`);
      assert.equal(viewer.errors, undefined, JSON.stringify(viewer.errors));
    } finally {
      await server.stop();
    }
  });

  test("GRAPHQL_INTROSPECTION: 'true' allows introspection and suggestions appear", async () => {
    const server = await startTestServer({ GRAPHQL_INTROSPECTION: 'true' });
    try {
      const intro = await server.gql(INTROSPECT);
      assert.equal(intro.errors, undefined, JSON.stringify(intro.errors));
      assert.equal(intro.data.__schema.queryType.name, 'Query');

      const typo = await server.gql(MISSPELLED);
      assert.equal(typo.errors?.[0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED', JSON.stringify(typo));
      assert.match(typo.errors![0].message, /Cannot query field "logEntrie" on type "Query"\. Did you mean "logEntries"/);
    } finally {
      await server.stop();
    }
  });
});

function run(env: Record<string, string>, args: string[] = []): ChildProcess {
  return spawn(process.execPath, [MAIN, ...args], { env: { PATH: process.env.PATH!, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

function output(child: ChildProcess): { text: () => string; exit: Promise<number | null> } {
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  return { text: () => text, exit: new Promise((r) => child.on('exit', (code) => r(code))) };
}

describe('process lifecycle', () => {
  test('a bad configuration stops the start and names every bad variable', async () => {
    const child = run({ PORT: 'eighty', SAMPLE_RATE: '1.5', SAMPLING_GRACE_HOURS: '-1', LOW_CONFIDENCE_LOGPROB: 'low', DATABASE_URL: 'mysql://x' });
    const out = output(child);
    assert.equal(await out.exit, 2);
    for (const name of ['PORT', 'SAMPLE_RATE', 'SAMPLING_GRACE_HOURS', 'LOW_CONFIDENCE_LOGPROB', 'DATABASE_URL', 'USER_ID_HMAC_KEY']) {
      assert.match(out.text(), new RegExp(`- ${name}`), `${name} named in: ${out.text()}`);
    }
  });

  test('CORS_ORIGINS that is not a list of origins stops the start and is named', async () => {
    // Everything else valid (embedded database in a scratch dir): CORS_ORIGINS alone must stop it.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-cors-config-'));
    const child = run({ CORS_ORIGINS: 'ftp://x/path', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' });
    const out = output(child);
    try {
      // Should the setting slip through, the server would come up and never exit: bound the wait.
      const code = await Promise.race([out.exit, new Promise((r) => setTimeout(() => r('still running after 30 s'), 30_000).unref())]);
      assert.equal(code, 2, out.text());
      assert.match(out.text(), /Invalid configuration/);
      assert.match(out.text(), /- CORS_ORIGINS: "ftp:\/\/x\/path"/, out.text());
      assert.doesNotMatch(out.text(), /listening on/);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('SIGTERM under load: in-flight calls finish, every acknowledged row is committed, the process exits 0', async () => {
    // On PostgreSQL a database of its own; on the embedded default a data dir, reopened afterwards.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-sigterm-'));
    const fresh = usingRealPostgres ? await createFreshDatabase(process.env.DATABASE_URL!) : undefined;
    const dbUrl = fresh?.url;
    const port = 20_000 + (process.pid % 20_000);
    const child = run({
      ...(dbUrl ? { DATABASE_URL: dbUrl } : {}),
      DATA_DIR: dataDir,
      USER_ID_HMAC_KEY: HMAC_KEY,
      ADMIN_API_KEY: ADMIN_KEY,
      PORT: String(port),
      HOST: '127.0.0.1',
    });
    const out = output(child);
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await fetch(`${baseUrl}/readyz`).catch(() => null))?.ok, 'server ready');
      const acked: string[] = [];
      let stop = false;
      // 16 clients log continuously; SIGTERM arrives mid-stream.
      const clients = Array.from({ length: 16 }, async () => {
        while (!stop) {
          const r = await gqlRequest(baseUrl, LOG_MUTATION, { input: logInput() }).catch(() => null);
          if (r?.data?.logInference) acked.push(r.data.logInference.requestId);
          else break;
        }
      });
      await new Promise((r) => setTimeout(r, 700));
      child.kill('SIGTERM');
      const code = await out.exit;
      stop = true;
      await Promise.all(clients);
      assert.equal(code, 0, out.text());
      assert.match(out.text(), /stopped/);
      assert.ok(acked.length > 0);
      let stored: number;
      if (dbUrl) {
        const check = new Client({ connectionString: dbUrl });
        await check.connect();
        stored = (await check.query('SELECT count(*)::int AS n FROM inference_log WHERE request_id = ANY($1)', [acked])).rows[0].n;
        await check.end();
      } else {
        const reopened = await startTestServer({ DATABASE_URL: '' }, { embedded: true, dataDir });
        stored = (await reopened.sql('SELECT count(*)::int AS n FROM inference_log WHERE request_id = ANY($1)', [acked]))[0].n;
        await reopened.stop();
      }
      assert.equal(stored, acked.length, 'every acknowledged row is in the database');
    } finally {
      child.kill('SIGKILL');
      await fresh?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('HTTP_WORKERS=2 serves from two processes on one port and stops cleanly', { skip: !usingRealPostgres && 'needs DATABASE_URL' }, async () => {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL!);
    const url = new URL(fresh.url);
    const port = 20_000 + ((process.pid + 7) % 20_000);
    const child = run({ DATABASE_URL: url.toString(), USER_ID_HMAC_KEY: HMAC_KEY, ADMIN_API_KEY: ADMIN_KEY, PORT: String(port), HOST: '127.0.0.1', HTTP_WORKERS: '2' });
    const out = output(child);
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      // Each API process logs `listening on http://127.0.0.1:<port>/graphql (database: PostgreSQL, worker: …, introspection and IDE: …)`.
      const listening = new RegExp(`listening on http://127\\.0\\.0\\.1:${port}/graphql \\(database: PostgreSQL, `, 'g');
      await waitFor(async () => (out.text().match(listening) ?? []).length === 2, 'two API processes listening');
      const results = await Promise.all(Array.from({ length: 40 }, () => gqlRequest(baseUrl, LOG_MUTATION, { input: logInput() })));
      assert.ok(results.every((r) => r.data?.logInference?.created), JSON.stringify(results.find((r) => !r.data)));
      child.kill('SIGTERM');
      assert.equal(await out.exit, 0, out.text());
      const check = new Client({ connectionString: url.toString() });
      await check.connect();
      const { rows } = await check.query('SELECT count(*)::int AS n FROM inference_log');
      const keys = await check.query('SELECT count(*)::int AS n FROM api_key');
      await check.end();
      assert.equal(rows[0].n, 40);
      assert.equal(keys.rows[0].n, 1, 'the bootstrap admin key is created once, not once per process');
    } finally {
      child.kill('SIGKILL');
      await fresh.drop();
    }
  });

  test('`npm run worker` handles jobs in its own process while the API runs with RUN_WORKER=false', { skip: !usingRealPostgres && 'needs DATABASE_URL' }, async () => {
    const server = await startTestServer({ RUN_WORKER: 'false' });
    const worker = spawn(process.execPath, [path.resolve(__dirname, '../src/worker.js')], {
      env: { PATH: process.env.PATH!, DATABASE_URL: server.databaseUrl!, USER_ID_HMAC_KEY: HMAC_KEY },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out = output(worker);
    try {
      const logged = await server.gql(LOG_MUTATION, { input: logInput({ requestId: 'worker-healthy-1', occurredAt: '2026-01-01T00:00:00Z', responseLogprob: -0.1 }) });
      assert.equal(logged.errors, undefined, JSON.stringify(logged.errors));
      const enqueued = await server.gql(`mutation { compactLogs(input: { graceHours: 0 }) { job { id } } }`);
      assert.equal(enqueued.errors, undefined, JSON.stringify(enqueued.errors));
      const id = enqueued.data.compactLogs.job.id;
      const job = await waitFor(async () => {
        const j = (await server.gql(`query($id: ID!) { job(id: $id) { state output } }`, { id })).data.job;
        return j.state === 'COMPLETED' ? j : null;
      }, 'the worker process to complete the job');
      assert.equal(job.output.deleted, sampleFraction('worker-healthy-1') < 0.05 ? 0 : 1, 'the worker ran compaction on the healthy row');
      assert.match(out.text(), /handling jobs/);
      worker.kill('SIGTERM');
      assert.equal(await out.exit, 0, out.text());
    } finally {
      worker.kill('SIGKILL');
      await server.stop();
    }
  });
});
