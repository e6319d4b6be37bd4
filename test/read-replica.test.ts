import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { ADMIN_KEY, LOG_MUTATION, logInput, ok, startTestServer, TestServer, waitFor } from './helpers/test-server';
import { PrivatePostgres, privatePostgresAvailable, startPrivatePostgres, startStreamingReplica } from './helpers/private-postgres';
import { freePort } from './helpers/main-process';
import { toGlobalId } from '../src/schema/node';
import { ConfigError, loadConfig } from '../src/config';

describe('DATABASE_READ_* settings', () => {
  const base = { DATABASE_URL: 'postgresql://p@127.0.0.1/db', USER_ID_HMAC_KEY: 'k'.repeat(32) };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };
  test('parsed with their defaults; bad values stop the start naming the variable', () => {
    const c = loadConfig({ ...base, DATABASE_READ_URL: 'postgresql://p@127.0.0.2/db' });
    assert.equal(c.databaseReadUrl, 'postgresql://p@127.0.0.2/db');
    assert.equal(c.databaseReadMaxLagMs, 30_000);
    assert.equal(c.databaseReadCheckMs, 2000);
    assert.equal(loadConfig(base).databaseReadUrl, undefined);
    assert.match(problems({ ...base, DATABASE_READ_URL: 'mysql://x' }).join('\n'), /DATABASE_READ_URL: expected a postgres/);
    assert.match(problems({ DATABASE_READ_URL: 'postgresql://p@127.0.0.2/db' }).join('\n'), /DATABASE_READ_URL: needs DATABASE_URL/);
    assert.match(problems({ ...base, DATABASE_READ_MAX_LAG_MS: '-1' }).join('\n'), /DATABASE_READ_MAX_LAG_MS/);
    assert.match(problems({ ...base, DATABASE_READ_CHECK_MS: '10' }).join('\n'), /DATABASE_READ_CHECK_MS/);
  });
});

/**
 * Issue 14, point 5: dashboard reads on a read replica. A primary and a real streaming replica of the
 * test's own (initdb, `pg_basebackup -R -X stream`, a second server on loopback), and the real server
 * over HTTP with DATABASE_READ_URL. Where a read was served is shown by what it sees: with the replica's
 * replay paused, a write through the API is in the mutation's payload and in the read-your-write paths
 * (logEntry, node, a mutation's nested entries) but not yet in the dashboard list; it appears once
 * replay resumes. Then the replica is stopped (`pg_ctl stop -m immediate`): reads still answer, from the
 * primary, and /metrics says so; started again, it serves the dashboard again.
 */
const MODEL = 'replica-v1';

describe('dashboard reads on a streaming read replica (private primary + replica)', { skip: !privatePostgresAvailable && 'no PostgreSQL binaries here' }, () => {
  let primary: PrivatePostgres;
  let replica: PrivatePostgres;
  let server: TestServer;
  /** A second API process on the same databases that sends reads to the primary once the replica lags > 1 s. */
  let strict: TestServer;
  let replicaSql: Client | undefined;
  /** Shared by both API processes: either one's worker may build a dataset version the other serves. */
  let exportDir: string;

  before(async () => {
    primary = await startPrivatePostgres();
    replica = await startStreamingReplica(primary);
    exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-replica-exports-'));
    const common = { DATABASE_URL: primary.url, DATABASE_READ_URL: replica.url, DATABASE_READ_CHECK_MS: '200', EXPORT_DIR: exportDir };
    server = await startTestServer({ ...common, DATABASE_READ_MAX_LAG_MS: '0' });
    strict = await startTestServer({ ...common, DATABASE_READ_MAX_LAG_MS: '1000' });
  });
  after(async () => {
    await replicaSql?.end().catch(() => undefined);
    await strict?.stop();
    await server?.stop();
    replica?.destroy();
    primary?.destroy();
    if (exportDir) fs.rmSync(exportDir, { recursive: true, force: true });
  });

  const connectReplica = async () => {
    await replicaSql?.end().catch(() => undefined);
    replicaSql = new Client({ connectionString: replica.url });
    await replicaSql.connect();
    return replicaSql;
  };
  const pauseReplay = async () => {
    const c = await connectReplica();
    await c.query('SELECT pg_wal_replay_pause()');
    await waitFor(async () => (await c.query(`SELECT pg_get_wal_replay_pause_state() AS s`)).rows[0].s === 'paused', 'replay paused', 10_000, 50);
  };
  const resumeReplay = async () => {
    await replicaSql!.query('SELECT pg_wal_replay_resume()');
  };

  /** The dashboard list (a query with only dashboard fields: the replica when it is usable). */
  const dashboard = async (s: TestServer): Promise<Set<string>> => {
    const data = ok(await s.gql(`{ logEntries(first: 200, filter: { modelVersion: "${MODEL}" }) { nodes { requestId } } }`));
    return new Set(data.logEntries.nodes.map((n: { requestId: string }) => n.requestId));
  };
  const ingest = async (s: TestServer): Promise<string> => {
    const input = logInput({ modelVersion: MODEL });
    const data = ok(await s.gql(LOG_MUTATION, { input }));
    assert.equal(data.logInference.requestId, input.requestId, 'the mutation’s payload names the new row');
    assert.equal(data.logInference.created, true);
    return input.requestId as string;
  };
  const metrics = async (s: TestServer): Promise<string> => {
    const res = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    assert.equal(res.status, 200);
    return res.text();
  };
  const metric = (text: string, series: string): number => {
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line === undefined ? NaN : Number(line.slice(series.length + 1));
  };
  const replicaUp = async (s: TestServer) => metric(await metrics(s), 'flywheel_read_replica_up');
  const fallbacks = (text: string, reason: string) => metric(text, `flywheel_read_fallback_total{reason="${reason}"}`);

  test('a dashboard list is served by the replica: during paused replay it lags while the write paths see the new row', async () => {
    await waitFor(async () => (await replicaUp(server)) === 1, 'flywheel_read_replica_up 1', 20_000);
    const first = await ingest(server);
    await waitFor(async () => (await dashboard(server)).has(first), 'the first row on the dashboard (replica caught up)', 20_000, 50);

    await pauseReplay();
    const id = await ingest(server);

    // The dashboard reads the paused replica: the row is not there yet.
    assert.equal((await dashboard(server)).has(id), false, 'the dashboard list does not see the row while replay is paused');
    assert.equal((await dashboard(server)).has(first), true, 'it does see the rows replayed before');
    // An aggregate in the same query comes from the same (paused) server.
    const both = ok(await server.gql(`{ logEntries(first: 200, filter: { modelVersion: "${MODEL}" }) { nodes { requestId } } reviewStats { __typename } }`));
    assert.equal(both.logEntries.nodes.some((n: { requestId: string }) => n.requestId === id), false);

    // Read-your-write paths stay on the primary.
    const byId = ok(await server.gql(`query($id: String!) { logEntry(requestId: $id) { requestId } }`, { id }));
    assert.equal(byId.logEntry?.requestId, id, 'logEntry(requestId) right after the write sees it');
    const node = ok(await server.gql(`query($id: ID!) { node(id: $id) { ... on LogEntry { requestId } } }`, { id: toGlobalId('LogEntry', id) }));
    assert.equal(node.node?.requestId, id, 'node(id) right after the write sees it');
    const tagged = ok(
      await server.gql(`mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount entries { requestId tags { name } } } }`, {
        input: { requestIds: [id], tags: ['operator_review'] },
      }),
    );
    assert.deepEqual(
      tagged.tagLogEntries.entries.map((e: { requestId: string; tags: { name: string }[] }) => [e.requestId, e.tags.map((t) => t.name)]),
      [[id, ['operator_review']]],
      'a mutation’s payload (its nested entries too) reads the primary',
    );
    // A query that mixes a dashboard list with a by-id lookup reads one server, the primary.
    const mixed = ok(await server.gql(`query($id: String!) { logEntries(first: 200, filter: { modelVersion: "${MODEL}" }) { nodes { requestId } } logEntry(requestId: $id) { requestId } }`, { id }));
    assert.equal(mixed.logEntries.nodes.some((n: { requestId: string }) => n.requestId === id), true);

    // The process with DATABASE_READ_MAX_LAG_MS=1000 stops using the paused replica once it is > 1 s behind.
    await waitFor(
      async () => {
        const m = await metrics(strict);
        return metric(m, 'flywheel_read_replica_up') === 0 && metric(m, 'flywheel_read_replica_lag_seconds') > 1;
      },
      'the strict process reporting the replica more than 1 s behind, and unusable',
      20_000,
    );
    assert.equal((await dashboard(strict)).has(id), true, 'too far behind: the strict process’s dashboard reads the primary');
    assert.ok(fallbacks(await metrics(strict), 'lag') >= 1, 'and counts it as a lag fallback');
    assert.equal((await dashboard(server)).has(id), false, 'the process without a lag limit still reads the paused replica');

    await resumeReplay();
    await waitFor(async () => (await dashboard(server)).has(id), 'the row on the dashboard once replay resumes', 20_000, 50);
    await waitFor(async () => (await replicaUp(strict)) === 1, 'the strict process using the caught-up replica again', 20_000);
  });

  test('a dataset version built a moment ago downloads at /exports though the lagging replica does not list it yet', async () => {
    const model = `replica-ds-${Date.now()}`;
    for (const prompt of ['How do I reset my password?', 'Where is my invoice?']) {
      const input = logInput({ modelVersion: model, prompt });
      ok(await server.gql(LOG_MUTATION, { input }));
      const c = ok(await server.gql(`mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { status } } }`, { input: { requestId: input.requestId, completion: `Answer to: ${prompt}` } }));
      assert.equal(c.submitCorrection.correction.status, 'ACCEPTED');
    }
    await pauseReplay();
    try {
      const created = ok(await server.gql(`mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id } } }`, { input: { name: model, modelVersions: [model] } }));
      const id: string = created.createDatasetVersion.datasetVersion.id;
      // datasetVersion(id) is a by-id lookup: the primary, so it sees the build finish.
      const v = await waitFor(async () => {
        const d = ok(await server.gql(`query($id: ID!) { datasetVersion(id: $id) { status error } }`, { id })).datasetVersion;
        return d && ['READY', 'FAILED'].includes(d.status) ? d : null;
      }, 'the build to finish', 60_000);
      assert.equal(v.status, 'READY', v.error);
      const listed = ok(await server.gql(`query($name: String) { datasetVersions(name: $name, first: 10) { nodes { id } } }`, { name: model }));
      assert.deepEqual(listed.datasetVersions.nodes, [], 'the dashboard list (replica, replay paused) does not show it yet');
      const res = await fetch(`${server.url}/exports/${encodeURIComponent(id)}/manifest.json`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
      assert.equal(res.status, 200, `the download asks the primary when the replica does not show the version READY: ${res.status === 200 ? '' : await res.clone().text()}`);
      assert.equal(((await res.json()) as { exampleCount?: number }).exampleCount ?? 2, 2);
    } finally {
      await resumeReplay();
    }
  });

  test('a replica that is unreachable at start does not stop the start: reads use the primary, /metrics says so', async () => {
    const nobody = await freePort(); // nothing listens there: connect refused
    const s = await startTestServer({ DATABASE_URL: primary.url, DATABASE_READ_URL: `postgresql://postgres@127.0.0.1:${nobody}/postgres`, DATABASE_READ_CHECK_MS: '200' });
    try {
      const id = await ingest(s);
      assert.equal((await dashboard(s)).has(id), true, 'the dashboard answers from the primary');
      const m = await metrics(s);
      assert.equal(metric(m, 'flywheel_read_replica_up'), 0);
      assert.ok(fallbacks(m, 'down') >= 1, 'the read is counted as a fallback');
    } finally {
      await s.stop();
    }
  });

  test('with the replica down, dashboard reads answer from the primary and /metrics says so; restarted, it is used again', async () => {
    const before = await metrics(server);
    const seen = await ingest(server);
    await waitFor(async () => (await dashboard(server)).has(seen), 'the row on the dashboard', 20_000, 50);
    await replicaSql?.end().catch(() => undefined);
    replicaSql = undefined;

    replica.stop('immediate');
    const written = await ingest(server);
    // The first read after the stop may be the one that finds it down: it still answers, from the primary.
    for (let i = 0; i < 5; i++) {
      const ids = await dashboard(server);
      assert.equal(ids.has(written), true, 'reads answer from the primary (they see the newest row)');
    }
    await waitFor(async () => (await replicaUp(server)) === 0, 'flywheel_read_replica_up 0', 10_000);
    const down = await metrics(server);
    assert.ok(Number.isNaN(metric(down, 'flywheel_read_replica_lag_seconds')), 'no lag while it is unreachable');
    const counted = (t: string) => fallbacks(t, 'down') + fallbacks(t, 'error');
    assert.ok(counted(down) >= counted(before) + 5, `the five reads are counted as fallbacks (${counted(before)} → ${counted(down)})`);
    assert.equal(metric(down, 'flywheel_database_up'), 1, 'the primary is fine');

    replica.start();
    await waitFor(async () => (await replicaUp(server)) === 1, 'flywheel_read_replica_up 1 after the restart', 30_000);
    await waitFor(async () => (await dashboard(server)).has(written), 'the replica caught up', 20_000, 50);
    // Used again: with its replay paused, a new row is not on the dashboard.
    await pauseReplay();
    const later = await ingest(server);
    const fallbacksBefore = counted(await metrics(server));
    assert.equal((await dashboard(server)).has(later), false, 'the dashboard reads the replica again');
    assert.equal(counted(await metrics(server)), fallbacksBefore, 'no fallback counted for a read the replica served');
    await resumeReplay();
    await waitFor(async () => (await dashboard(server)).has(later), 'the row once replay resumes', 20_000, 50);
  });
});
