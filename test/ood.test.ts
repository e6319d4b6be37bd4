import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOG_BATCH_MUTATION, logBatch, startTestServer, TestServer, logInput, waitFor } from './helpers/test-server';

describe('out_of_distribution at ingest, against the profile of recent healthy traffic', () => {
  let server: TestServer;
  before(async () => {
    // Every row sampled, so each is healthy reference traffic; a small profile suffices here.
    server = await startTestServer({ SAMPLE_RATE: '1', OOD_MIN_SAMPLES: '30', OOD_PROFILE_RELOAD_SECONDS: '0.2' });
  });
  after(() => server.stop());

  test('a profile job learns the traffic; far-off prompts are then tagged out_of_distribution', async () => {
    const normal = Array.from({ length: 60 }, (_, i) => logInput({ modelVersion: 'ood-v1', prompt: `Where is my order number ${1000 + i}? It was due last week.`.slice(0, 45 + (i % 20)) }));
    await logBatch(server, normal);
    const before = await server.gql(LOG_BATCH_MUTATION, { input: { items: [logInput({ requestId: 'ood-early', modelVersion: 'ood-v1', prompt: 'y'.repeat(9000) })] } });
    assert.equal(before.errors, undefined, JSON.stringify(before.errors));

    const enqueued = await server.gql(`mutation { refreshTrafficProfiles(input: {}) { job { id } } }`);
    assert.equal(enqueued.errors, undefined, JSON.stringify(enqueued.errors));
    const id = enqueued.data.refreshTrafficProfiles.job.id;
    const job = await waitFor(async () => {
      const j = (await server.gql(`query($id: ID!) { job(id: $id) { state output } }`, { id })).data.job;
      return j.state === 'COMPLETED' ? j : null;
    }, 'profile job');
    assert.equal(job.output.profiles, 1);
    await new Promise((r) => setTimeout(r, 600)); // the API reloads profiles every 0.2 s here

    await logBatch(server, [
      logInput({ requestId: 'ood-long', modelVersion: 'ood-v1', prompt: 'z'.repeat(9000) }),
      logInput({ requestId: 'ood-script', modelVersion: 'ood-v1', prompt: 'Где мой заказ? Он должен был прийти на прошлой неделе.' }),
      logInput({ requestId: 'ood-normal', modelVersion: 'ood-v1', prompt: 'Where is my order number 2042? It is late.' }),
      logInput({ requestId: 'ood-other-model', modelVersion: 'no-profile-v1', prompt: 'z'.repeat(9000) }),
    ]);
    const tagged = await server.sql(`SELECT request_id FROM log_tag WHERE tag = 'out_of_distribution' ORDER BY request_id`);
    assert.deepEqual(tagged.map((t: any) => t.request_id), ['ood-long', 'ood-script']);
  });
});
