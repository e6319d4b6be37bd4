import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
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

  test('/metrics labels come from a fixed set: repeated or combined root fields add no series', async () => {
    const server = await startTestServer();
    try {
      const labels = async () => {
        const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
        return new Set([...text.matchAll(/^flywheel_http_requests_total\{[^}]*operation="([^"]*)"/gm)].map((m) => m[1]));
      };
      const before = await labels();
      for (const query of ['{ viewer { name } viewer { name } }', '{ a: viewer { name } b: viewer { name } c: viewer { name } }', '{ viewer { name } logEntries { nodes { id } } }', '{ logEntries { nodes { id } } viewer { name } __typename }', '{ __typename viewer { name } }']) {
        await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
      }
      const added = [...(await labels())].filter((l) => !before.has(l));
      assert.ok(added.length <= 2, `new operation labels: ${added.join(', ')}`);
      assert.ok(added.every((l) => ['query viewer', 'query multiple'].includes(l)), added.join(', '));
    } finally {
      await server.stop();
    }
  });

  test('/metrics needs a METRICS (or ADMIN) key: none → 401, another scope → 403', async () => {
    const server = await startTestServer();
    try {
      const metricsKey = await createKey(server, ['metrics'], 'prometheus');
      const read = await createKey(server, ['read']);
      const get = (key?: string) => fetch(`${server.url}/metrics`, key ? { headers: { authorization: `Bearer ${key}` } } : {});
      const none = await get();
      assert.equal(none.status, 401);
      assert.equal(((await none.json()) as any).errors[0].extensions.code, 'UNAUTHENTICATED');
      const wrong = await get(read);
      assert.equal(wrong.status, 403);
      assert.equal(((await wrong.json()) as any).errors[0].extensions.code, 'FORBIDDEN');
      const ok = await get(metricsKey);
      assert.equal(ok.status, 200);
      assert.match(await ok.text(), /^flywheel_database_up 1$/m);
      // The scraper's key reads nothing else.
      assert.equal((await server.gql('{ logEntries(first: 1) { nodes { id } } }', {}, metricsKey)).errors?.[0]?.extensions?.code, 'FORBIDDEN');
    } finally {
      await server.stop();
    }
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

describe('security: the embedded database is private', () => {
  test('its files are 0600 and folders 0700 (an existing world-writable data dir is fixed on start); its port refuses a client without the secret', async () => {
    const { Client } = await import('pg');
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-private-'));
    fs.chmodSync(dataDir, 0o777);
    fs.writeFileSync(path.join(dataDir, 'left-over.txt'), 'x', { mode: 0o666 });
    fs.chmodSync(path.join(dataDir, 'left-over.txt'), 0o666);
    const server = await startTestServer({}, { embedded: true, dataDir });
    try {
      await server.gql('{ viewer { name } }');
      const loose: string[] = [];
      const walk = (p: string) => {
        const st = fs.lstatSync(p);
        if (st.isSymbolicLink()) return;
        const mode = st.mode & 0o777;
        if (st.isDirectory()) {
          if (mode !== 0o700) loose.push(`${p} ${mode.toString(8)}`);
          for (const n of fs.readdirSync(p)) walk(path.join(p, n));
        } else if (mode !== 0o600) loose.push(`${p} ${mode.toString(8)}`);
      };
      walk(dataDir);
      assert.deepEqual(loose, [], 'every folder 0700 and file 0600');
      // What the review did: psql on the embedded port as any user, reading the key table.
      const url = new URL(server.app.database.url);
      for (const password of ['', 'postgres', 'x']) {
        const c = new Client({ host: '127.0.0.1', port: Number(url.port), user: 'postgres', password, database: 'postgres' });
        c.on('error', () => undefined);
        await assert.rejects(c.connect().then(() => c.query('SELECT key_hash FROM api_key')), (err: any) => err.code === '28P01');
      }
    } finally {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('security: authenticate before work, body limits by key kind', () => {
  /** Sends headers and the first bytes of a body that claims `declared` bytes, and never the rest. */
  function partialPost(url: string, headers: Record<string, string>, declared: number): Promise<{ status: number; body: any }> {
    return new Promise((resolve, reject) => {
      const req = http.request(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(declared), ...headers } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      });
      req.on('error', reject);
      req.write('{"query":"{ ' + 'a: __typename '.repeat(100));
      // The rest never comes: a server that reads the body before checking the key waits forever.
      setTimeout(() => {
        req.destroy();
        reject(new Error('no answer within 10 s: the server waited for the body'));
      }, 10_000).unref();
    });
  }

  test('no key, a malformed header or an unknown key: 401 UNAUTHENTICATED before the body is read', async () => {
    const server = await startTestServer();
    try {
      for (const headers of [{} as Record<string, string>, { authorization: 'Basic abc' }, { authorization: 'Bearer fw_not_a_key_0123456789abcdef' }]) {
        const r = await partialPost(server.url, headers, 50 * 1024 * 1024);
        assert.equal(r.status, 401, JSON.stringify(r));
        assert.equal(r.body.errors[0].extensions.code, 'UNAUTHENTICATED');
      }
    } finally {
      await server.stop();
    }
  });

  test('body limits by key kind: feedback 64 KiB, read/review 1 MiB, ingest MAX_BODY_BYTES; the 413 names the setting', async () => {
    const server = await startTestServer();
    try {
      const feedback = await createKey(server, ['feedback']);
      const read = await createKey(server, ['read']);
      const ingest = await createKey(server, ['ingest']);
      const post = async (key: string, bytes: number) => {
        const query = `{ __typename }${' '.repeat(bytes)}`;
        const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query }) });
        return { status: res.status, body: (await res.json()) as any };
      };
      const fb = await post(feedback, 100 * 1024);
      assert.equal(fb.status, 413);
      assert.match(fb.body.errors[0].message, /MAX_BODY_BYTES_FEEDBACK/);
      assert.equal((await post(feedback, 10 * 1024)).status, 200);
      const rd = await post(read, 2 * 1024 * 1024);
      assert.equal(rd.status, 413);
      assert.match(rd.body.errors[0].message, /MAX_BODY_BYTES_SMALL/);
      assert.equal((await post(read, 512 * 1024)).status, 200);
      assert.equal((await post(ingest, 2 * 1024 * 1024)).status, 200);
    } finally {
      await server.stop();
    }
  });
});
