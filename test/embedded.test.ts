import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Pool } from 'pg';
import { acquireLock, LOCK_STALE_MS, startEmbeddedPostgres } from '../src/db/embedded-postgres';
import { gqlRequest, LOG_MUTATION, logInput, startTestServer } from './helpers/test-server';

/** The default a newcomer gets: no DATABASE_URL, no keys configured, data under DATA_DIR. */
describe('embedded database (PGlite)', () => {
  test('first start creates and prints an admin key and an HMAC key; data, keys and hashes survive a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-embedded-'));
    const env = { DATABASE_URL: '', ADMIN_API_KEY: '', USER_ID_HMAC_KEY: '' };
    try {
      const first = await startTestServer(env, { embedded: true, dataDir });
      const adminKey = first.app.generatedAdminKey;
      assert.match(adminKey ?? '', /^fw_/);
      const hmacFile = path.join(dataDir, 'user-id-hmac.key');
      const hmacKey = fs.readFileSync(hmacFile, 'utf8').trim();
      assert.equal(hmacKey.length, 64);
      assert.equal((fs.statSync(hmacFile).mode & 0o777).toString(8), '600');

      const input = logInput({ userId: 'carol@example.com', prompt: 'call me at (415) 555-2671' });
      const logged = await gqlRequest(first.url, LOG_MUTATION, { input }, adminKey);
      assert.equal(logged.errors, undefined, JSON.stringify(logged.errors));
      const before = await gqlRequest(first.url, `query($id: String!) { logEntry(requestId: $id) { id } }`, { id: input.requestId }, adminKey);
      const globalId: string = before.data.logEntry.id;
      await first.stop();

      const second = await startTestServer(env, { embedded: true, dataDir });
      try {
        assert.equal(second.app.generatedAdminKey, null, 'no second admin key on restart');
        const entry = await gqlRequest(second.url, `query($id: String!) { logEntry(requestId: $id) { prompt userIdHash } }`, { id: input.requestId }, adminKey);
        assert.equal(entry.data.logEntry.prompt, 'call me at [PHONE]');
        assert.equal(entry.data.logEntry.userIdHash, crypto.createHmac('sha256', hmacKey).update('carol@example.com').digest('hex'));
        // The global id a client cached before the restart still finds the entry.
        const node = await gqlRequest(second.url, `query($id: ID!) { node(id: $id) { id ... on LogEntry { requestId } } }`, { id: globalId }, adminKey);
        assert.equal(node.errors, undefined, JSON.stringify(node.errors));
        assert.deepEqual(node.data.node, { id: globalId, requestId: input.requestId });
      } finally {
        await second.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('two processes cannot open one data dir; a stale lock from a dead process is taken over', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-lock-'));
    try {
      const one = await startTestServer({ DATABASE_URL: '' }, { embedded: true, dataDir });
      try {
        await assert.rejects(startTestServer({ DATABASE_URL: '' }, { embedded: true, dataDir }), (err: any) => {
          assert.equal(err.extensions?.code, 'DATA_DIR_LOCKED');
          assert.match(err.message, /in use by process \d+/);
          return true;
        });
      } finally {
        await one.stop();
      }
      // A lock left by a process that died (kill -9) does not block the next start.
      fs.writeFileSync(path.join(dataDir, 'flywheel.lock'), '999999');
      const again = await startTestServer({ DATABASE_URL: '' }, { embedded: true, dataDir });
      await again.stop();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a lock from another PID namespace (a container sharing the volume) is live while its heartbeat is fresh, stale after', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-lockns-'));
    const lockFile = path.join(dataDir, 'flywheel.lock');
    try {
      // Pid 999999 does not exist here, and that says nothing: it is a pid of another namespace.
      // Before, the pid check alone declared this lock stale and a second writer opened the data dir.
      fs.writeFileSync(lockFile, JSON.stringify({ pid: 999999, namespace: 'other-host|pid:[4026530000]|boot' }));
      assert.throws(() => acquireLock(dataDir), (err: any) => {
        assert.equal(err.extensions?.code, 'DATA_DIR_LOCKED');
        assert.match(err.message, /another host or container/);
        return true;
      });
      // Its owner stopped touching it longer ago than LOCK_STALE_MS: taken over.
      const old = new Date(Date.now() - LOCK_STALE_MS - 5_000);
      fs.utimesSync(lockFile, old, old);
      const release = acquireLock(dataDir);
      const owner = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
      assert.equal(owner.pid, process.pid);
      release();
      assert.equal(fs.existsSync(lockFile), false);
      // An empty lock (its starter died between create and write) does not block forever.
      fs.writeFileSync(lockFile, '');
      fs.utimesSync(lockFile, old, old);
      acquireLock(dataDir)();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('eight starters racing for one stale lock: exactly one gets it, in each of 10 rounds', async () => {
    const { spawn } = await import('node:child_process');
    const lockModule = path.resolve(__dirname, '../src/db/embedded-postgres.js');
    // Each child spins until the go file appears (so they start within microseconds of each other),
    // tries the lock, holds it 500 ms if it got it, and says which.
    const child = `const fs = require('fs'); const { acquireLock } = require(${JSON.stringify(lockModule)});
      console.log('READY'); while (!fs.existsSync(process.argv[2])) {}
      try { const release = acquireLock(process.argv[1]); console.log('LOCKED'); setTimeout(() => { release(); }, 500); }
      catch (e) { console.log(e.extensions && e.extensions.code === 'DATA_DIR_LOCKED' ? 'REFUSED' : 'ERROR ' + e.message); }`;
    for (let round = 0; round < 10; round++) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-lockrace-'));
      const go = path.join(dataDir, 'go');
      try {
        fs.writeFileSync(path.join(dataDir, 'flywheel.lock'), '999999'); // left by a process that died
        let ready = 0;
        let allReady: () => void;
        const waiting = new Promise<void>((r) => (allReady = r));
        const done = Array.from({ length: 8 }, () => new Promise<string>((resolve) => {
          const p = spawn(process.execPath, ['-e', child, dataDir, go], { stdio: ['ignore', 'pipe', 'inherit'] });
          let out = '';
          p.stdout!.on('data', (b) => {
            out += b;
            if (out.startsWith('READY') && !(p as unknown as { counted?: boolean }).counted) {
              (p as unknown as { counted?: boolean }).counted = true;
              if (++ready === 8) allReady();
            }
          });
          p.on('close', () => resolve(out.replace('READY', '').trim()));
        }));
        await waiting;
        fs.writeFileSync(go, '');
        const outcomes = await Promise.all(done);
        assert.deepEqual(outcomes.filter((o) => o === 'LOCKED').length, 1, `round ${round}: ${outcomes.join(', ')}`);
        assert.equal(outcomes.filter((o) => o === 'REFUSED').length, 7, outcomes.join(', '));
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });

  test('concurrent ingestion and duplicate requestIds behave the same as on PostgreSQL', async () => {
    const server = await startTestServer({ DATABASE_URL: '' }, { embedded: true });
    try {
      const dup = logInput();
      const inputs = [...Array.from({ length: 40 }, () => logInput()), ...Array.from({ length: 10 }, () => dup)];
      const results = await Promise.all(inputs.map((input) => server.gql(LOG_MUTATION, { input })));
      assert.ok(results.every((r) => !r.errors), JSON.stringify(results.find((r) => r.errors)));
      assert.equal(results.filter((r) => r.data.logInference.requestId === dup.requestId && r.data.logInference.created).length, 1);
      const [{ n }] = await server.sql('SELECT count(*)::int AS n FROM inference_log');
      assert.equal(n, 41);
    } finally {
      await server.stop();
    }
  });

  test('statements of concurrent connections never mix, even around another connection’s transaction', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-pglite-'));
    const embedded = await startEmbeddedPostgres(dataDir);
    const pool = new Pool({ connectionString: embedded.url, max: 8 });
    try {
      await pool.query('CREATE TABLE mix (id int PRIMARY KEY, v text)');
      await pool.query(`INSERT INTO mix SELECT g, 'v' || g FROM generate_series(1, 50) g`);
      let wrong = 0;
      await Promise.all([
        ...Array.from({ length: 3 }, async (_, w) => {
          for (let i = 0; i < 40; i++) {
            const c = await pool.connect();
            await c.query('BEGIN');
            await c.query('UPDATE mix SET v = $1 WHERE id = $2', [`w${w}`, 1 + (i % 50)]);
            await c.query('COMMIT');
            c.release();
          }
        }),
        ...Array.from({ length: 4 }, async () => {
          for (let i = 0; i < 80; i++) {
            const id = 1 + ((i * 7) % 50);
            const r = await pool.query('SELECT id, length(v) AS n FROM mix WHERE id = $1', [id]);
            if (r.rows.length !== 1 || r.rows[0].id !== id) wrong++;
          }
        }),
      ]);
      assert.equal(wrong, 0, 'every SELECT answered its own statement');
      const [{ n }] = (await pool.query(`SELECT count(*)::int AS n FROM mix WHERE v LIKE 'w%'`)).rows;
      assert.equal(n, 40, 'every UPDATE landed on its own rows');
    } finally {
      await pool.end();
      await embedded.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
