import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataSource } from 'typeorm';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { MIGRATIONS } from '../src/migrations';
import { LOG_PARTITIONS_JOB } from '../src/jobs/log-partitions.job';
import { dayStart, LogPartitionService, partitionName } from '../src/services/log-partition.service';
import { sampleFraction } from '../src/services/ingest/keep-reasons';
import { createFreshDatabase, logBatch, logInput, ok, startTestServer, TestServer, usingRealPostgres, waitFor } from './helpers/test-server';

const DAY = 86_400_000;
const JOB = `query($id: ID!) { job(id: $id) { id name state output progress { phase done details } } }`;

async function partitions(server: TestServer): Promise<string[]> {
  const rows = await server.sql(
    `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'inference_log'::regclass ORDER BY 1`,
  );
  return rows.map((r: any) => r.name);
}

async function runJob(server: TestServer, field: string, input: Record<string, unknown>): Promise<any> {
  const r = ok(await server.gql(`mutation($input: ${field[0].toUpperCase()}${field.slice(1)}Input!) { ${field}(input: $input) { job { id } } }`, { input }));
  const id = r[field].job.id;
  const job = await waitFor(async () => {
    const j = (await server.gql(JOB, { id })).data.job;
    return j && ['COMPLETED', 'FAILED'].includes(j.state) ? j : null;
  }, field);
  assert.equal(job.state, 'COMPLETED', JSON.stringify(job.output));
  return job;
}

let n = 0;
/** A requestId that late sampling does not keep (SAMPLED), so compaction may delete its row. */
const unsampledId = (prefix: string) => {
  for (;;) {
    const id = `${prefix}-${process.pid}-${n++}`;
    if (sampleFraction(id) >= 0.05) return id;
  }
};

describe('partitioned log: the migration converts a table that holds rows', () => {
  let server: TestServer | undefined;
  after(() => server?.stop());

  test('rows written before the partitioning migration are all readable after it, each day in its own partition', async () => {
    // The database as it was one migration earlier, with rows across five days.
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-partition-'));
    const fresh = usingRealPostgres ? await createFreshDatabase(process.env.DATABASE_URL!) : undefined;
    const embedded = fresh ? undefined : await startEmbeddedPostgres(dataDir);
    const upTo = MIGRATIONS.findIndex((m) => m.name === 'PartitionedLog1764800000000');
    assert.ok(upTo > 0);
    const ds = new DataSource({ type: 'postgres', url: fresh?.url ?? embedded!.url, migrations: MIGRATIONS.slice(0, upTo), migrationsTableName: 'typeorm_migrations', uuidExtension: 'pgcrypto', installExtensions: false });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const base = Date.UTC(2026, 9, 1, 6);
    const ids: string[] = [];
    for (let d = 0; d < 5; d++) {
      for (let i = 0; i < 40; i++) {
        const id = `mig-${crypto.randomBytes(6).toString('hex')}`;
        const ts = new Date(base + d * DAY + i * 900_000).toISOString();
        ids.push(id);
        await ds.query(`INSERT INTO inference_request (request_id, ts) VALUES ($1, $2)`, [id, ts]);
        await ds.query(
          `INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, keep_reasons) VALUES ($1, $2, 'mig-v1', $3, 'answer', 100, '{SAMPLED}')`,
          [ts, id, `question ${id}`],
        );
      }
    }
    const days = (await ds.query(`SELECT DISTINCT date_trunc('day', ts, 'UTC') AS d FROM inference_log`)).length;
    await ds.destroy();
    await embedded?.stop();

    // The service starts on that database and runs the partitioning migration.
    server = await startTestServer(fresh ? { DATABASE_URL: fresh.url } : {}, fresh ? { dataDir } : { embedded: true, dataDir });
    const names = await partitions(server);
    for (let d = 0; d < days; d++) assert.ok(names.includes(partitionName(new Date(dayStart(base) .getTime() + d * DAY))), `partition of day ${d}: ${names.join(', ')}`);
    assert.ok(names.includes('inference_log_default'));
    const [{ kind }] = await server.sql(`SELECT relkind::text AS kind FROM pg_class WHERE relname = 'inference_log'`);
    assert.equal(kind, 'p', 'inference_log is a partitioned table');
    // 200 rows: none left behind in DEFAULT, each readable through the API.
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM inference_log_default WHERE model_version = 'mig-v1'`))[0].n, 0);
    const perPartition = await server.sql(`SELECT tableoid::regclass::text AS p, count(*)::int AS n FROM inference_log WHERE model_version = 'mig-v1' GROUP BY 1 ORDER BY 1`);
    assert.deepEqual(perPartition.map((r: any) => r.n), [40, 40, 40, 40, 40]);
    for (const id of ids) {
      const r: any = ok(await server.gql(`query($id: String!) { logEntry(requestId: $id) { requestId modelVersion } }`, { id }));
      assert.deepEqual(r.logEntry, { requestId: id, modelVersion: 'mig-v1' });
    }
    const page = ok(await server.gql(`query { logEntries(first: 500, filter: { modelVersion: "mig-v1" }) { nodes { requestId } } }`));
    assert.equal(page.logEntries.nodes.length, 200);
    // A retry of a migrated row is still a duplicate (the register and the primary key survived).
    const again = await logBatch(server, [logInput({ requestId: ids[0], modelVersion: 'mig-v1' })]);
    assert.equal(again[0].created, false);
    if (fresh) {
      await server.stop();
      server = undefined;
      await fresh.drop();
    }
  });
});

describe('partitioned log: partitions ahead, retention, compaction watermark', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '0', COMPACTION_BATCH_SIZE: '5', LOG_PARTITIONS_AHEAD_DAYS: '14', RETENTION_DAYS: '0' });
  });
  after(() => server.stop());

  test('partitions exist from yesterday to 14 days ahead at start; the job re-creates a missing one; rows beyond them still go in', async () => {
    const today = dayStart(Date.now());
    let names = await partitions(server);
    for (let i = -1; i <= 14; i++) assert.ok(names.includes(partitionName(new Date(today.getTime() + i * DAY))), `day ${i}`);
    const last = partitionName(new Date(today.getTime() + 14 * DAY));
    await server.sql(`DROP TABLE ${last}`);
    const jobId = await server.app.services.jobs.send(LOG_PARTITIONS_JOB, {});
    const job = await waitFor(async () => {
      const j = await server.app.services.jobs.status(jobId);
      return j && ['completed', 'failed'].includes(j.state) ? j : null;
    }, 'log-partitions job');
    assert.equal(job.state, 'completed', JSON.stringify(job.output));
    assert.deepEqual((job.output as any).created, [last]);
    names = await partitions(server);
    assert.ok(names.includes(last));
    // Served 20 h ahead (inside the API's 24 h tolerance) and a year back: both are stored.
    const ahead = logInput({ modelVersion: 'part-v1', occurredAt: new Date(Date.now() + 20 * 3_600_000).toISOString() });
    const old = logInput({ modelVersion: 'part-v1', occurredAt: new Date(Date.now() - 365 * DAY).toISOString() });
    await logBatch(server, [ahead, old]);
    const where = await server.sql(`SELECT request_id, tableoid::regclass::text AS p FROM inference_log WHERE model_version = 'part-v1' ORDER BY ts`);
    assert.deepEqual(where.map((r: any) => r.p), ['inference_log_default', partitionName(dayStart(Date.now() + 20 * 3_600_000))]);
  });

  test('retention deletes rows past the line’s days, keeps dataset members and open-drift evidence, drops a whole partition, and the counters keep the true volume', async () => {
    const line = 'ret-line';
    const r = ok(await server.gql(`mutation($input: SaveModelLineInput!) { saveModelLine(input: $input) { modelLine { name rawLogRetentionDays } } }`, {
      input: { name: line, rawLogRetentionDays: 7 },
    }));
    assert.deepEqual(r.saveModelLine.modelLine, { name: line, rawLogRetentionDays: 7 });
    const bad = await server.gql(`mutation { saveModelLine(input: { name: "ret-line", rawLogRetentionDays: -1 }) { modelLine { name } } }`);
    assert.equal(bad.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.deepEqual((bad.errors![0].extensions as any).problems.map((p: any) => p.field), ['rawLogRetentionDays']);
    await server.sql(`INSERT INTO model_version (name, model_line) VALUES ('ret-v1', $1), ('ret-v2', $1)`, [line]);

    // Day A (20 days ago): its own partition, nothing in it protected → dropped whole.
    // Day B (10 days ago): its own partition, with one dataset member and drift evidence → row by row.
    const dayA = new Date(dayStart(Date.now() - 20 * DAY).getTime() + 3 * 3_600_000);
    const dayB = new Date(dayStart(Date.now() - 10 * DAY).getTime() + 3 * 3_600_000);
    const svc = new LogPartitionService();
    await svc.createDay(server.app.database.dataSource.manager, dayStart(dayA));
    await svc.createDay(server.app.database.dataSource.manager, dayStart(dayB));
    const at = (d: Date, min: number) => new Date(d.getTime() + min * 60_000).toISOString();
    const rowsA = Array.from({ length: 12 }, (_, i) => logInput({ modelVersion: 'ret-v1', occurredAt: at(dayA, i), responseLogprob: -0.2 }));
    const rowsB1 = Array.from({ length: 8 }, (_, i) => logInput({ modelVersion: 'ret-v1', occurredAt: at(dayB, i), responseLogprob: -0.2 }));
    const rowsB2 = Array.from({ length: 6 }, (_, i) => logInput({ modelVersion: 'ret-v2', occurredAt: at(dayB, 30 + i), responseLogprob: -0.2 }));
    // Recent rows of the line stay: 2 days old < 7 days.
    const recent = Array.from({ length: 3 }, (_, i) => logInput({ modelVersion: 'ret-v1', occurredAt: new Date(Date.now() - 2 * DAY + i * 60_000).toISOString(), responseLogprob: -0.2 }));
    // A version of no line: RETENTION_DAYS=0 keeps it forever.
    const noLine = Array.from({ length: 2 }, (_, i) => logInput({ modelVersion: 'ret-orphan', occurredAt: at(dayB, 50 + i), responseLogprob: -0.2 }));
    await logBatch(server, [...rowsA, ...rowsB1, ...rowsB2, ...recent, ...noLine]);

    // A dataset member (ret-v1, day B) and an open drift event of ret-v2 whose 2 h window covers day B 03:00–05:00.
    const member = rowsB1[2].requestId as string;
    await server.sql(`INSERT INTO dataset_example (dataset_version_id, request_id, correction_id, split, prompt_key) VALUES (gen_random_uuid(), $1, gen_random_uuid(), 'TRAIN', 'k')`, [member]);
    await server.sql(
      `INSERT INTO drift_event (model_version, detected_at, metric, value, threshold, window_hours) VALUES ('ret-v2', $1, 'psi', 0.4, 0.2, 2)`,
      [new Date(dayB.getTime() + 2 * 3_600_000).toISOString()],
    );

    const job = await runJob(server, 'runLogRetention', {});
    assert.equal(job.name, 'LOG_RETENTION');
    assert.equal(job.output.partitionsDropped, 1, JSON.stringify(job.output));
    assert.equal(job.output.deleted, 12 + 7, JSON.stringify(job.output));
    const names = await partitions(server);
    assert.ok(!names.includes(partitionName(dayStart(dayA))), 'day A dropped whole');
    assert.ok(names.includes(partitionName(dayStart(dayB))), 'day B kept: it still holds protected rows');

    const left = async (mv: string) => (await server.sql(`SELECT request_id FROM inference_log WHERE model_version = $1 ORDER BY request_id`, [mv])).map((x: any) => x.request_id);
    assert.deepEqual(await left('ret-v1'), [member, ...recent.map((x) => x.requestId as string)].sort());
    assert.deepEqual(await left('ret-v2'), rowsB2.map((x) => x.requestId as string).sort(), 'open-drift evidence stays');
    assert.equal((await left('ret-orphan')).length, 2, 'a version with no retention stays');
    // Through the API: a deleted entry is gone, a member is there.
    assert.equal(ok(await server.gql(`query($id: String!) { logEntry(requestId: $id) { requestId } }`, { id: rowsA[0].requestId })).logEntry, null);
    assert.equal(ok(await server.gql(`query($id: String!) { logEntry(requestId: $id) { requestId } }`, { id: member })).logEntry.requestId, member);

    // True volume: every row received is still counted; the retention column says how many went.
    const stats = async (from: Date) =>
      ok(await server.gql(`query($from: DateTime!, $to: DateTime!) { ingestStats(from: $from, to: $to, modelVersion: "ret-v1") { total { received compacted retentionDeleted } } }`, {
        from: from.toISOString(),
        to: new Date(from.getTime() + 3_600_000).toISOString(),
      })).ingestStats.total;
    assert.deepEqual(await stats(dayA), { received: 12, compacted: 0, retentionDeleted: 12 });
    assert.deepEqual(await stats(dayB), { received: 8, compacted: 0, retentionDeleted: 7 });
    // The register remembers them: a retry is a duplicate, not a new row.
    assert.equal((await logBatch(server, [rowsA[1]]))[0].created, false);

    // Resolving the drift event releases its evidence to the next run.
    await server.sql(`UPDATE drift_event SET resolved_at = now() WHERE model_version = 'ret-v2'`);
    const second = await runJob(server, 'runLogRetention', {});
    assert.equal(second.output.deleted, 6);
    assert.deepEqual(await left('ret-v2'), []);
  });

  test('compaction starts its second run at the watermark, and finds late arrivals', async () => {
    const mv = 'wm-v1';
    const served = Date.now() - 2 * 3_600_000;
    const rows = Array.from({ length: 12 }, (_, i) => logInput({ requestId: unsampledId('wm'), modelVersion: mv, occurredAt: new Date(served + i * 1000).toISOString(), responseLogprob: -0.2 }));
    await logBatch(server, rows);
    // Two are referenced (tagged): compaction must keep them, and used to re-examine them every run.
    ok(await server.gql(`mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { entries { requestId } } }`, {
      input: { requestIds: [rows[0].requestId, rows[1].requestId], tags: ['keep_me'] },
    }));
    // Everything in the log was received an hour ago (as if this run came an hour after ingestion): the
    // watermark stays 10 minutes behind now, so rows received in the last 10 minutes are examined again.
    await server.sql(`UPDATE inference_log SET received_at = received_at - interval '1 hour'`);

    const first = await runJob(server, 'compactLogs', { graceHours: 0 });
    assert.ok(first.output.scanned >= 12, JSON.stringify(first.output));
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM inference_log WHERE model_version = $1`, [mv]))[0].n, 2);

    const second = await runJob(server, 'compactLogs', { graceHours: 0 });
    assert.equal(second.output.scanned, 0, `the second run starts at the watermark: ${JSON.stringify(second.output)}`);
    assert.equal(second.output.deleted, 0);
    assert.ok(Date.parse(second.output.startedAt) > served, second.output.startedAt);
    assert.equal(second.progress.details.scanned, 0);

    // A late arrival: served 5 days ago, received now. The next run finds it through received_at.
    const late = logInput({ requestId: unsampledId('wm-late'), modelVersion: mv, occurredAt: new Date(Date.now() - 5 * DAY).toISOString(), responseLogprob: -0.2 });
    await logBatch(server, [late]);
    const third = await runJob(server, 'compactLogs', { graceHours: 0 });
    assert.equal(third.output.scanned, 1, JSON.stringify(third.output));
    assert.equal(third.output.deleted, 1);
    assert.equal(ok(await server.gql(`query($id: String!) { logEntry(requestId: $id) { requestId } }`, { id: late.requestId })).logEntry, null);
    const stats = ok(await server.gql(`query($from: DateTime!, $to: DateTime!) { ingestStats(from: $from, to: $to, modelVersion: "${mv}") { total { received compacted } } }`, {
      from: new Date(Date.now() - 6 * DAY).toISOString(),
      to: new Date(Date.now() + 3_600_000).toISOString(),
    })).ingestStats.total;
    assert.deepEqual(stats, { received: 13, compacted: 11 });

    // fromOldest (job payload) examines every due row again: the two tagged ones.
    const jobId = await server.app.services.jobs.send('compaction', { graceHours: 0, fromOldest: true });
    const full = await waitFor(async () => {
      const j = await server.app.services.jobs.status(jobId);
      return j && ['completed', 'failed'].includes(j.state) ? j : null;
    }, 'full compaction');
    assert.ok((full.output as any).scanned >= 2, JSON.stringify(full.output));
  });

  test('compaction drops a whole day partition in which every row is due, unkept and unreferenced', async () => {
    const mv = 'wm-drop';
    const day = new Date(dayStart(Date.now() - 30 * DAY).getTime() + 3_600_000);
    await new LogPartitionService().createDay(server.app.database.dataSource.manager, dayStart(day));
    const rows = Array.from({ length: 9 }, (_, i) => logInput({ requestId: unsampledId('drop'), modelVersion: mv, occurredAt: new Date(day.getTime() + i * 60_000).toISOString(), responseLogprob: -0.2 }));
    await logBatch(server, rows);
    await server.sql(`UPDATE inference_log SET received_at = received_at - interval '1 hour' WHERE model_version = $1`, [mv]);
    // fromOldest: this partition's day is older than the watermark the earlier runs left.
    const jobId = await server.app.services.jobs.send('compaction', { graceHours: 0, fromOldest: true });
    const job = await waitFor(async () => {
      const j = await server.app.services.jobs.status(jobId);
      return j && ['completed', 'failed'].includes(j.state) ? j : null;
    }, 'compaction');
    assert.equal(job.state, 'completed', JSON.stringify(job.output));
    assert.equal((job.output as any).partitionsDropped, 1, JSON.stringify(job.output));
    assert.ok(!(await partitions(server)).includes(partitionName(dayStart(day))));
    const stats = ok(await server.gql(`query($from: DateTime!, $to: DateTime!) { ingestStats(from: $from, to: $to, modelVersion: "${mv}") { total { received compacted } } }`, {
      from: dayStart(day).toISOString(),
      to: new Date(dayStart(day).getTime() + DAY).toISOString(),
    })).ingestStats.total;
    assert.deepEqual(stats, { received: 9, compacted: 9 });
    const marked = await server.sql(`SELECT count(*)::int AS n FROM inference_request WHERE request_id = ANY($1) AND compacted_at IS NOT NULL`, [rows.map((r) => r.requestId)]);
    assert.equal(marked[0].n, 9);
  });
});
