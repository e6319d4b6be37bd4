import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { MainProcess, startMain } from './helpers/main-process';
import { PrivatePostgres, privatePostgresAvailable, startPrivatePostgres } from './helpers/private-postgres';

/**
 * Issue 11, point 1 (first part): the service survives its database stopping and starting. The real
 * `node dist/src/main.js` against a PostgreSQL cluster of the test's own, which the test stops with
 * `pg_ctl stop -m fast` and `-m immediate` and starts again. Before, the ingest pool had no error
 * listener: the first idle client's "terminating connection due to administrator command" ended the
 * process.
 */
describe('the service survives PostgreSQL restarts (private cluster)', { skip: !privatePostgresAvailable && 'no PostgreSQL binaries here' }, () => {
  let pg: PrivatePostgres;
  let main: MainProcess;
  const admin = `fw_fault_admin_${crypto.randomBytes(12).toString('hex')}`;
  const acknowledged: string[] = [];

  before(async () => {
    pg = await startPrivatePostgres();
    main = await startMain(
      { DATABASE_URL: pg.url, ADMIN_API_KEY: admin, USER_ID_HMAC_KEY: crypto.randomBytes(32).toString('hex'), API_KEY_CACHE_SECONDS: '0' },
      'flywheel-fault-',
    );
  });
  after(async () => {
    await main?.stop();
    pg?.destroy();
  });

  const log = async (requestId: string): Promise<{ status: number; code?: string; ms: number }> => {
    const t0 = Date.now();
    const res = await fetch(`${main.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({
        query: 'mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId } }',
        variables: { input: { requestId, modelVersion: 'fault-v1', prompt: 'Is the database there?', response: 'Yes.', latencyMs: 5 } },
      }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { data?: { logInference?: { requestId: string } }; errors?: { extensions?: { code?: string } }[] };
    if (body.data?.logInference?.requestId === requestId) acknowledged.push(requestId);
    return { status: res.status, code: body.errors?.[0]?.extensions?.code, ms: Date.now() - t0 };
  };
  const status = async (path: string) => (await fetch(`${main.base}${path}`, { signal: AbortSignal.timeout(10_000) })).status;

  for (const mode of ['fast', 'immediate'] as const) {
    test(`pg_ctl stop -m ${mode}: calls fail with DATABASE_UNAVAILABLE (503) quickly, /readyz is 503 and /healthz 200; after the restart all is back`, async () => {
      for (let i = 0; i < 5; i++) assert.equal((await log(`before-${mode}-${i}`)).status, 200);
      pg.stop(mode);
      await new Promise((r) => setTimeout(r, 1000));
      assert.ok(main.alive(), `the process is still running:\n${main.output().slice(-2000)}`);
      assert.equal(await status('/healthz'), 200);
      assert.equal(await status('/readyz'), 503);
      const during = await log(`during-${mode}`);
      assert.equal(during.code, 'DATABASE_UNAVAILABLE', JSON.stringify(during));
      assert.equal(during.status, 503);
      assert.ok(during.ms < 15_000, `answered in ${during.ms} ms`);
      console.log(`[faults] stop -m ${mode}: a call during the outage answered ${during.status} ${during.code} in ${during.ms} ms`);

      pg.start();
      const t0 = Date.now();
      for (;;) {
        if ((await status('/readyz')) === 200) break;
        assert.ok(Date.now() - t0 < 30_000, '/readyz back within 30 s of the restart');
        await new Promise((r) => setTimeout(r, 250));
      }
      // The pools reconnect on their own: a few calls may still meet a dead pooled connection.
      let after = await log(`after-${mode}`);
      for (let i = 0; after.status !== 200 && i < 20; i++) {
        await new Promise((r) => setTimeout(r, 250));
        after = await log(`after-${mode}-${i}`);
      }
      assert.equal(after.status, 200, JSON.stringify(after));
      assert.ok(main.alive());
      console.log(`[faults] stop -m ${mode}: ready again ${Date.now() - t0} ms after the restart`);
    });
  }

  test('every acknowledged row is in the database once', async () => {
    const { Client } = await import('pg');
    const c = new Client({ connectionString: pg.url });
    await c.connect();
    const { rows } = await c.query(`SELECT request_id, count(*)::int AS n FROM inference_log WHERE request_id = ANY ($1) GROUP BY 1`, [acknowledged]);
    await c.end();
    assert.equal(rows.length, acknowledged.length, 'every acknowledged requestId is stored');
    assert.ok(rows.every((r) => r.n === 1), 'none twice');
    console.log(`[faults] acknowledged ${acknowledged.length}, found ${rows.length}, lost 0, duplicated 0`);
  });
});
