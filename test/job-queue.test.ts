import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { JobQueue } from '../src/jobs/job-queue';
import { startTestServer, TestServer, waitFor } from './helpers/test-server';

/** The runner itself, on the real queue library and database, with job definitions made for the test. */
describe('durable job runner', () => {
  let server: TestServer;
  let queue: JobQueue;
  const attempts: number[] = [];
  let cancelled = false;

  before(async () => {
    server = await startTestServer({ RUN_WORKER: 'false' });
    queue = new JobQueue(server.app.database.url, server.app.database.dataSource.manager, { poolSize: 2 });
    queue.define<{ failTimes: number }>({
      name: 'test-flaky',
      parse(data) {
        const d = data as { failTimes?: unknown };
        if (typeof d?.failTimes !== 'number') throw new TypeError('failTimes must be a number');
        return { failTimes: d.failTimes };
      },
      retryLimit: 3,
      retryDelay: 1,
      expireInSeconds: 60,
      async handle(payload, ctx) {
        attempts.push(Date.now());
        await ctx.progress({ attempt: attempts.length });
        if (attempts.length <= payload.failTimes) throw new Error(`attempt ${attempts.length} fails`);
        return { attempts: attempts.length };
      },
    });
    queue.define<Record<string, never>>({
      name: 'test-long',
      parse: () => ({}),
      retryLimit: 0,
      retryDelay: 1,
      expireInSeconds: 60,
      async handle(_p, ctx) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 30_000);
          ctx.signal.addEventListener('abort', () => {
            cancelled = true;
            clearTimeout(t);
            resolve();
          });
        });
        return { cancelled: ctx.signal.aborted };
      },
    });
    await queue.start();
    await queue.work();
  });
  after(async () => {
    await queue.stop(2000);
    await server.stop();
  });

  test('a failing job is retried with growing delays until it succeeds, and reports progress', async () => {
    const id = await queue.send('test-flaky', { failTimes: 2 });
    const job = await waitFor(async () => {
      const s = await queue.status(id);
      return s && s.state === 'completed' ? s : null;
    }, 'flaky job to complete', 60_000);
    assert.equal(job.retryCount, 2);
    assert.deepEqual(job.output, { attempts: 3 });
    assert.deepEqual(job.data, { failTimes: 2 });
    // Timestamps are createdAt/completedAt (pg-boss's createdOn/completedOn are not passed through).
    assert.ok(job.createdAt instanceof Date && job.completedAt instanceof Date);
    assert.ok(job.completedAt.getTime() >= job.createdAt.getTime());
    assert.ok(!('createdOn' in job) && !('completedOn' in job));
    assert.deepEqual(job.progress, { attempt: 3 });
    assert.equal(attempts.length, 3);
    // Backoff: the second wait is not shorter than the first retryDelay (1 s).
    assert.ok(attempts[1] - attempts[0] >= 900, `first retry after ${attempts[1] - attempts[0]} ms`);
    assert.ok(attempts[2] - attempts[1] >= 900, `second retry after ${attempts[2] - attempts[1]} ms`);
  });

  test('payloads are checked when sent', async () => {
    await assert.rejects(queue.send('test-flaky', { failTimes: 'many' } as never), (err: any) => {
      assert.equal(err.extensions.code, 'BAD_USER_INPUT');
      assert.match(err.message, /failTimes must be a number/);
      return true;
    });
  });

  test('cancelling a running job aborts its handler', async () => {
    const id = await queue.send('test-long', {});
    await waitFor(async () => (await queue.status(id))?.state === 'active', 'job to start');
    await queue.cancel('test-long', id);
    await waitFor(async () => cancelled, 'handler to see the abort', 20_000);
    const status = await queue.status(id);
    assert.equal(status?.state, 'cancelled');
    assert.ok(status?.completedAt instanceof Date, 'a cancelled job has completedAt');
  });

  test('status of an id that is not a job id is null, not an error', async () => {
    assert.equal(await queue.status('not-a-uuid'), null);
    assert.equal(await queue.status('00000000-0000-0000-0000-000000000000'), null);
  });
});

/**
 * The same jobs as API clients see them: `Job` nodes with a global id, an enum state and DateTimes.
 * RUN_WORKER=false, so an enqueued job stays CREATED until the test moves it.
 */
describe('jobs through the API', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ RUN_WORKER: 'false' });
  });
  after(() => server.stop());

  const JOB = `query($id: ID!) { job(id: $id) { id name state retryCount data progress { phase done total percent details } output createdAt completedAt } }`;

  test('an enqueued job is returned by the mutation and refetched by its global id', async () => {
    const r = await server.gql(`mutation($input: RefreshTrafficProfilesInput!) { refreshTrafficProfiles(input: $input) { job { id name state retryCount data createdAt completedAt } } }`, {
      input: { maxSamples: 123, windowHours: 2 },
    });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const job = r.data.refreshTrafficProfiles.job;
    assert.equal(job.name, 'TRAFFIC_PROFILE');
    assert.equal(job.state, 'CREATED');
    assert.equal(job.retryCount, 0);
    assert.deepEqual(job.data, { maxSamples: 123, windowHours: 2 });
    assert.match(job.createdAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(job.completedAt, null);

    const again = await server.gql(JOB, { id: job.id });
    assert.equal(again.errors, undefined, JSON.stringify(again.errors));
    assert.deepEqual(again.data.job, { ...job, progress: null, output: null });
    const viaNode = await server.gql(`query($id: ID!) { node(id: $id) { __typename id ... on Job { state } } }`, { id: job.id });
    assert.deepEqual(viaNode.data.node, { __typename: 'Job', id: job.id, state: 'CREATED' });

    // Cancelled (by an operator, through the queue), the API shows the enum state and completedAt.
    const [{ id: rawId }] = await server.sql(`SELECT id::text AS id FROM pgboss.job WHERE name = 'traffic-profile' AND data->>'maxSamples' = '123'`);
    await server.app.services.jobs.cancel('traffic-profile', rawId);
    const cancelled = (await server.gql(JOB, { id: job.id })).data.job;
    assert.equal(cancelled.state, 'CANCELLED');
    assert.ok(Date.parse(cancelled.completedAt) >= Date.parse(cancelled.createdAt));
  });

  test('job(id:) takes the global id: a raw queue id is refused, an unknown job is null', async () => {
    const r = await server.gql(`mutation { refreshTrafficProfiles(input: { maxSamples: 4567 }) { job { id } } }`);
    const globalId: string = r.data.refreshTrafficProfiles.job.id;
    // Found by its payload: the schedule may enqueue traffic-profile jobs of its own meanwhile.
    const [{ id: rawId }] = await server.sql(`SELECT id::text AS id FROM pgboss.job WHERE name = 'traffic-profile' AND data->>'maxSamples' = '4567'`);
    assert.notEqual(globalId, rawId, 'the global id is not the queue id');
    const raw = await server.gql(JOB, { id: rawId });
    assert.equal(raw.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(raw.errors![0].message, /^id: not an id issued by this API/);

    // A well-formed Job id of no job (made from a real one by changing its key part) reads as null.
    const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
    assert.ok(decoded.endsWith(rawId), `the global id wraps the queue id: ${decoded}`);
    const unknown = Buffer.from(decoded.replace(rawId, '00000000-0000-4000-8000-000000000000'), 'utf8').toString('base64url');
    const missing = await server.gql(JOB, { id: unknown });
    assert.equal(missing.errors, undefined, JSON.stringify(missing.errors));
    assert.equal(missing.data.job, null);
  });

  test('bad job input is refused before anything is enqueued', async () => {
    const r = await server.gql(`mutation { refreshTrafficProfiles(input: { maxSamples: 5 }) { job { id } } }`);
    assert.equal(r.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r.errors![0].message, /maxSamples: must be an integer in 10\.\.100000/);
    assert.equal(r.data.refreshTrafficProfiles, null);
    const queued = await server.sql(`SELECT 1 FROM pgboss.job WHERE name = 'traffic-profile' AND data->>'maxSamples' = '5'`);
    assert.equal(queued.length, 0);
  });
});
