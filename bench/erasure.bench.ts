import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config';
import { silentLogger } from '../src/logging';
import { createFreshDatabase } from '../test/helpers/test-server';

/**
 * eraseUser on a large log (issue 14): how long one erasure takes with N rows in the log, when the user
 * has 30 of them. The log has no index on user_id_hash (every ingested row would pay for one), so the
 * erasure scans it; this measures what that costs. `ROWS` (default 1,000,000) sets N.
 */
const BASE = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const ROWS = Number(process.env.ROWS ?? 1_000_000);
const ADMIN = `fw_bench_admin_${crypto.randomBytes(12).toString('hex')}`;
const HMAC = crypto.randomBytes(32).toString('hex');

async function main(): Promise<void> {
  const fresh = await createFreshDatabase(BASE);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-erasure-bench-'));
  const app = await startApp(loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: fresh.url, ADMIN_API_KEY: ADMIN, USER_ID_HMAC_KEY: HMAC, RUN_WORKER: 'false' }), silentLogger);
  const db = new Client({ connectionString: fresh.url });
  await db.connect();
  try {
    const user = 'bench-user-42';
    const hash = crypto.createHmac('sha256', HMAC).update(user).digest('hex');
    const seedStart = Date.now();
    // N rows of other users over 30 days; every (N/30)th row is the user's.
    await db.query(
      `WITH s AS (SELECT i, now() - (i * interval '2.5 seconds') AS ts, 'r-' || i AS rid FROM generate_series(1, $1::int) i)
       , reg AS (INSERT INTO inference_request (request_id, ts) SELECT rid, ts FROM s)
       INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, user_id_hash, keep_reasons)
       SELECT ts, rid, 'bench-v1', 'How do I reset my password? ' || i, 'Open settings.', 100,
              CASE WHEN i % ($1::int / 30) = 0 THEN $2 ELSE md5(i::text) END, '{}' FROM s`,
      [ROWS, hash],
    );
    await db.query('VACUUM ANALYZE inference_log');
    console.log(`seeded ${ROWS.toLocaleString()} log rows in ${((Date.now() - seedStart) / 1000).toFixed(1)} s`);
    const erase = async () => {
      const t = process.hrtime.bigint();
      const res = await fetch(`${app.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify({ query: 'mutation($input: EraseUserInput!) { eraseUser(input: $input) { counts { logEntries } } }', variables: { input: { userId: user } } }),
      });
      const body = (await res.json()) as { data?: { eraseUser: { counts: { logEntries: number } } }; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return { ms: Number(process.hrtime.bigint() - t) / 1e6, rows: body.data!.eraseUser.counts.logEntries };
    };
    const first = await erase();
    const second = await erase();
    console.log(`eraseUser: ${first.rows} rows erased in ${first.ms.toFixed(0)} ms; the second call (nothing left) ${second.ms.toFixed(0)} ms`);
  } finally {
    await db.end();
    await app.stop();
    await fresh.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
