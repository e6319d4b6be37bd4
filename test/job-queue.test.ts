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
    assert.equal((await queue.status(id))?.state, 'cancelled');
  });
});
