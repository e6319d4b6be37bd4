import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { loadConfig } from '../src/config';
import { ADMIN_KEY, createKey, startTestServer } from './helpers/test-server';

/** Issue 12: each finding of the security review, closed by a test that failed on the code before. */
describe('security: operational surfaces', () => {
  test('HOST defaults to this machine only (127.0.0.1), as the README says', () => {
    assert.equal(loadConfig({}).host, '127.0.0.1');
    assert.equal(loadConfig({ HOST: '0.0.0.0' }).host, '0.0.0.0');
  });

  test('a revoked ADMIN_API_KEY stays revoked after a restart; a new value rotates it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-revoke-'));
    try {
      const first = await startTestServer({}, { embedded: true, dataDir });
      let other: string;
      try {
        other = await createKey(first, ['admin'], 'second-admin');
        const keys = await first.gql(`{ apiKeys(first: 50) { nodes { id name } } }`);
        const bootstrap = keys.data.apiKeys.nodes.find((k: any) => k.name === 'bootstrap-admin (ADMIN_API_KEY)');
        assert.ok(bootstrap, JSON.stringify(keys));
        const revoked = await first.gql(`mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { revokedAt } } }`, { input: { apiKeyId: bootstrap.id } }, other);
        assert.equal(revoked.errors, undefined, JSON.stringify(revoked.errors));
        assert.equal((await first.gql('{ viewer { name } }')).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
      } finally {
        await first.stop();
      }
      // Same ADMIN_API_KEY in the environment (test-server sets it): before, boot cleared revokedAt.
      const second = await startTestServer({}, { embedded: true, dataDir });
      try {
        assert.equal((await second.gql('{ viewer { name } }', {}, ADMIN_KEY)).errors?.[0]?.extensions?.code, 'UNAUTHENTICATED');
        assert.equal((await second.gql('{ viewer { name } }', {}, other)).data?.viewer?.name, 'second-admin');
      } finally {
        await second.stop();
      }
      const rotated = 'fw_rotated_admin_key_0123456789abcdef';
      const third = await startTestServer({ ADMIN_API_KEY: rotated }, { embedded: true, dataDir });
      try {
        assert.equal((await third.gql('{ viewer { name } }', {}, rotated)).data?.viewer?.name, 'bootstrap-admin (ADMIN_API_KEY)');
      } finally {
        await third.stop();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
