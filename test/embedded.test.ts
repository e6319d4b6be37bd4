import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
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
      await first.stop();

      const second = await startTestServer(env, { embedded: true, dataDir });
      try {
        assert.equal(second.app.generatedAdminKey, null, 'no second admin key on restart');
        const entry = await gqlRequest(second.url, `query($id: String!) { logEntry(requestId: $id) { prompt userIdHash } }`, { id: input.requestId }, adminKey);
        assert.equal(entry.data.logEntry.prompt, 'call me at [PHONE]');
        assert.equal(entry.data.logEntry.userIdHash, crypto.createHmac('sha256', hmacKey).update('carol@example.com').digest('hex'));
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
});
