import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sampleFraction } from '../src/services/ingest/keep-reasons';
import { LOG_BATCH_MUTATION, LOG_MUTATION, logInput, startTestServer, TestServer, waitFor } from './helpers/test-server';

const JOB = `query($id: ID!) { job(id: $id) { id name state progress output } }`;

describe('late sampling: compaction job', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '0.05', COMPACTION_BATCH_SIZE: '7' });
  });
  after(() => server.stop());

  async function runCompaction(graceHours: number): Promise<any> {
    const r = await server.gql(`mutation($g: Float) { compactLogs(graceHours: $g) }`, { g: graceHours });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const id = r.data.compactLogs;
    return waitFor(async () => {
      const j = (await server.gql(JOB, { id })).data.job;
      return j && ['completed', 'failed'].includes(j.state) ? j : null;
    }, 'compaction job');
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
    const ts = (m: number) => `${hour}:${String(m).padStart(2, '0')}:00.000Z`;
    const healthy = Array.from({ length: 20 }, (_, i) => logInput({ requestId: healthyId(), modelVersion: 'cmp-v1', ts: ts(i), responseLogprob: -0.5 }));
    const low = Array.from({ length: 3 }, (_, i) => logInput({ requestId: healthyId(), modelVersion: 'cmp-v1', ts: ts(30 + i), responseLogprob: -7 }));
    const flagged = Array.from({ length: 2 }, (_, i) => logInput({ requestId: healthyId(), modelVersion: 'cmp-v1', ts: ts(40 + i), flagged: true }));
    const r = await server.gql(LOG_BATCH_MUTATION, { inputs: [...healthy, ...low, ...flagged] });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));

    // Within the grace window nothing goes (received_at is now).
    const early = await runCompaction(24);
    assert.equal(early.state, 'completed');
    assert.equal(early.output.deleted, 0);
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM inference_log WHERE model_version = 'cmp-v1'`))[0].n, 25);

    const job = await runCompaction(0);
    assert.equal(job.state, 'completed', JSON.stringify(job.output));
    assert.equal(job.output.deleted, 20);
    assert.equal(job.output.batches, 3, '20 rows in batches of 7');
    assert.equal(job.progress.deleted, 20);

    const left = (await server.sql(`SELECT request_id FROM inference_log WHERE model_version = 'cmp-v1' ORDER BY request_id`)).map((x: any) => x.request_id);
    assert.deepEqual(left, [...low, ...flagged].map((i) => i.requestId).sort());
    const marked = await server.sql(`SELECT request_id FROM inference_request WHERE request_id = ANY($1) AND compacted_at IS NOT NULL ORDER BY 1`, [
      [...healthy, ...low, ...flagged].map((i) => i.requestId),
    ]);
    assert.deepEqual(marked.map((m: any) => m.request_id), healthy.map((i) => i.requestId).sort(), 'the register marks exactly the compacted rows');

    const stats = await server.gql(`query { ingestStats(from: "${hour}:00:00Z", to: "${hour}:59:59Z", modelVersion: "cmp-v1") {
      buckets { hour received keptLowConfidence keptFlagged keptSampled keptAny compacted keepRate } total { received compacted } } }`);
    assert.deepEqual(stats.data.ingestStats.buckets, [
      { hour: `${hour}:00:00.000Z`, received: 25, keptLowConfidence: 3, keptFlagged: 2, keptSampled: 0, keptAny: 5, compacted: 20, keepRate: 0.2 },
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
    const r = await server.gql(`mutation { compactLogs(graceHours: -1) }`);
    assert.equal(r.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r.errors![0].message, /graceHours must be a number ≥ 0/);
  });
});
