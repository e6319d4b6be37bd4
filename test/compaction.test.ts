import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sampleFraction } from '../src/services/ingest/keep-reasons';
import { LOG_MUTATION, logBatch, logInput, startTestServer, TestServer, waitFor } from './helpers/test-server';

const JOB = `query($id: ID!) { job(id: $id) { id name state retryCount progress { phase done total percent details } output createdAt completedAt } }`;

describe('late sampling: compaction job', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '0.05', COMPACTION_BATCH_SIZE: '7' });
  });
  after(() => server.stop());

  async function runCompaction(graceHours: number): Promise<any> {
    // compactLogs returns the enqueued job itself (it used to return a bare id); its global `id` is
    // what job(id:) and node(id:) take.
    const r = await server.gql(`mutation($input: CompactLogsInput!) { compactLogs(input: $input) { job { id name state data } } }`, { input: { graceHours } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const enqueued = r.data.compactLogs.job;
    assert.equal(enqueued.name, 'COMPACTION');
    assert.ok(['CREATED', 'ACTIVE', 'COMPLETED'].includes(enqueued.state), enqueued.state);
    assert.deepEqual(enqueued.data, { graceHours });
    const id = enqueued.id;
    const job = await waitFor(async () => {
      const j = (await server.gql(JOB, { id })).data.job;
      return j && ['COMPLETED', 'FAILED'].includes(j.state) ? j : null;
    }, 'compaction job');
    assert.equal(job.id, id);
    assert.ok(Date.parse(job.completedAt) >= Date.parse(job.createdAt), 'createdAt/completedAt are DateTimes');
    // node(id:) refetches the same job.
    const viaNode = await server.gql(`query($id: ID!) { node(id: $id) { id ... on Job { state output } } }`, { id });
    assert.deepEqual(viaNode.data.node, { id, state: job.state, output: job.output });
    return job;
  }

  let n = 0;
  const healthyId = () => {
    for (;;) {
      const id = `cmp-${process.pid}-${n++}`;
      if (sampleFraction(id) >= 0.05) return id;
    }
  };

  test('deletes only unkept, unreferenced rows past the grace window, in bounded batches, with exact counters', async () => {
    const hour = '2026-11-10T08';
    const at = (m: number) => `${hour}:${String(m).padStart(2, '0')}:00.000Z`;
    const healthy = Array.from({ length: 20 }, (_, i) => logInput({ requestId: healthyId(), modelVersion: 'cmp-v1', occurredAt: at(i), responseLogprob: -0.5 }));
    const low = Array.from({ length: 3 }, (_, i) => logInput({ requestId: healthyId(), modelVersion: 'cmp-v1', occurredAt: at(30 + i), responseLogprob: -7 }));
    const flagged = Array.from({ length: 2 }, (_, i) => logInput({ requestId: healthyId(), modelVersion: 'cmp-v1', occurredAt: at(40 + i), flagged: true }));
    await logBatch(server, [...healthy, ...low, ...flagged]);

    // Within the grace window nothing goes (received_at is now).
    const early = await runCompaction(24);
    assert.equal(early.state, 'COMPLETED');
    assert.equal(early.output.deleted, 0);
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM inference_log WHERE model_version = 'cmp-v1'`))[0].n, 25);

    const job = await runCompaction(0);
    assert.equal(job.state, 'COMPLETED', JSON.stringify(job.output));
    assert.equal(job.retryCount, 0);
    assert.equal(job.output.deleted, 20);
    assert.equal(job.output.batches, 3, '20 rows in batches of 7');
    assert.deepEqual([job.progress.phase, job.progress.done, job.progress.percent], ['DONE', 20, 100]);
    assert.equal(job.progress.details.batches >= 1, true, JSON.stringify(job.progress));

    const left = (await server.sql(`SELECT request_id FROM inference_log WHERE model_version = 'cmp-v1' ORDER BY request_id`)).map((x: any) => x.request_id);
    assert.deepEqual(left, [...low, ...flagged].map((i) => i.requestId).sort());
    const marked = await server.sql(`SELECT request_id FROM inference_request WHERE request_id = ANY($1) AND compacted_at IS NOT NULL ORDER BY 1`, [
      [...healthy, ...low, ...flagged].map((i) => i.requestId),
    ]);
    assert.deepEqual(marked.map((m: any) => m.request_id), healthy.map((i) => i.requestId).sort(), 'the register marks exactly the compacted rows');

    const stats = await server.gql(`query { ingestStats(from: "${hour}:00:00Z", to: "${hour}:59:59Z", modelVersion: "cmp-v1") {
      buckets { startsAt received keptLowConfidence keptFlagged keptSampled keptAny compacted keepRate } total { received compacted } } }`);
    assert.deepEqual(stats.data.ingestStats.buckets, [
      { startsAt: `${hour}:00:00.000Z`, received: 25, keptLowConfidence: 3, keptFlagged: 2, keptSampled: 0, keptAny: 5, compacted: 20, keepRate: 0.2 },
    ]);

    // A compacted requestId stays known: resending it is still a duplicate, not a new row.
    const again = await server.gql(LOG_MUTATION, { input: healthy[0] });
    assert.equal(again.data.logInference.created, false);
    assert.equal((await server.gql(`query($id: String!) { logEntry(requestId: $id) { requestId } }`, { id: healthy[0].requestId })).data.logEntry, null);

    // Running again is idempotent.
    const rerun = await runCompaction(0);
    assert.equal(rerun.output.deleted, 0);
  });

  test('a compaction job with a bad payload is refused', async () => {
    const r = await server.gql(`mutation { compactLogs(input: { graceHours: -1 }) { job { id } } }`);
    assert.equal(r.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r.errors![0].message, /graceHours: must be a number ≥ 0/);
    assert.equal(r.data.compactLogs, null);
    const b = await server.gql(`mutation { compactLogs(input: { batchSize: 0 }) { job { id } } }`);
    assert.equal(b.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(b.errors![0].message, /batchSize: must be an integer in 1\.\.100000/);
  });

  test('a bad compaction payload names the field in extensions.problems', async () => {
    // README: every BAD_USER_INPUT carries `extensions.problems` ({ field, message }), whether GraphQL's
    // type checks or the service found the problem; clients point at the field from it.
    const r = await server.gql(`mutation { compactLogs(input: { graceHours: -1 }) { job { id } } }`);
    assert.equal(r.errors![0].extensions?.code, 'BAD_USER_INPUT');
    const problems = (r.errors![0].extensions as any).problems;
    assert.ok(Array.isArray(problems), `extensions.problems missing: ${JSON.stringify(r.errors)}`);
    assert.deepEqual(problems.map((p: any) => p.field), ['graceHours']);
  });
});
