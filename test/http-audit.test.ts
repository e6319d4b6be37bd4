import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { AuditResult, serverAudits } from 'graphql-http';

/**
 * The GraphQL-over-HTTP contract checked against the process `npm start` runs (NODE_ENV=production,
 * embedded database), not against a test-built app: production defaults (introspection, landing
 * page, CSRF) are decided at startup, and an in-process server would not exercise them.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const READY_TIMEOUT_MS = 90_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

describe('GraphQL over HTTP: the production start (`npm start`, embedded database)', () => {
  let child: ChildProcess | undefined;
  let output = '';
  let dataDir: string;
  let base: string;
  let endpoint: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-audit-'));
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      ADMIN_API_KEY: crypto.randomBytes(30).toString('base64url'),
    };
    // The zero-setup start is the one under test; a DATABASE_URL from the test run would switch it off.
    delete env.DATABASE_URL;
    child = spawn(process.execPath, ['dist/src/main.js'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    base = `http://127.0.0.1:${port}`;
    endpoint = `${base}/graphql`;

    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`node dist/src/main.js exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
      }
      const status = await fetch(`${base}/readyz`).then(
        (r) => r.status,
        () => 0,
      );
      if (status === 200) break;
      if (Date.now() > deadline) throw new Error(`/readyz not 200 after ${READY_TIMEOUT_MS / 1000} s (last: ${status}):\n${output}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  after(async () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const done = exited(child);
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child?.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 30_000);
      await done;
      clearTimeout(timer);
    }
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  test('graphql-http audit: every MUST passes', async () => {
    const results: AuditResult[] = [];
    for (const audit of serverAudits({ url: endpoint, fetchFn: fetch })) {
      try {
        results.push(await audit.fn());
      } catch (err) {
        // An audit throws only when it could not run at all; count that as a failure of that audit.
        results.push({ id: audit.id, name: audit.name, status: 'error', reason: `audit threw: ${(err as Error).message}`, response: undefined as never });
      }
    }
    const failed = results.filter((r) => r.status !== 'ok') as Extract<AuditResult, { reason: string }>[];
    const mustFailures = failed.filter((r) => r.name.startsWith('MUST'));
    const otherFailures = failed.filter((r) => !r.name.startsWith('MUST'));
    console.log(`graphql-http audit: ${results.length} audits, ${results.length - failed.length} ok, ${mustFailures.length} MUST failed, ${otherFailures.length} SHOULD/MAY not met`);
    for (const f of otherFailures) console.log(`  [${f.status}] ${f.id} ${f.name}: ${f.reason}`);
    assert.equal(mustFailures.length, 0, `MUST audits failed:\n${mustFailures.map((f) => `  - ${f.id} ${f.name}: ${f.reason}`).join('\n')}`);
  });

  test('introspection is on for the embedded zero-setup start', async () => {
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __schema { queryType { name } } }' }),
    });
    const body = (await res.json()) as any;
    assert.equal(body.data?.__schema?.queryType?.name, 'Query', `status ${res.status}: ${JSON.stringify(body)}`);
  });

  test('GET /graphql from a browser serves GraphiQL with every asset from this server (no CDN)', async () => {
    const res = await fetch(endpoint, { headers: { accept: 'text/html' } });
    const html = await res.text();
    assert.equal(res.status, 200, html.slice(0, 500));
    assert.match(res.headers.get('content-type') ?? '', /^text\/html\b/);
    assert.match(html, /<script\b/i, 'the page loads no script');

    const urls = [...html.matchAll(/\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)]
      .map((m) => new URL(m[1] ?? m[2], endpoint))
      .filter((u) => u.protocol === 'http:' || u.protocol === 'https:');
    const origin = new URL(endpoint).origin;
    // Scripts and stylesheets from elsewhere would break the IDE on offline or firewalled installs and
    // hand the page (and the key typed into it) to a third party. Links in the page text are fine.
    const foreignAssets = [...html.matchAll(/<(script|link)\b[^>]*>/gi)]
      .map((m) => /\b(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(m[0]))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => new URL(m[1] ?? m[2], endpoint))
      .filter((u) => (u.protocol === 'http:' || u.protocol === 'https:') && u.origin !== origin)
      .map((u) => u.href);
    assert.deepEqual(foreignAssets, [], 'script/link assets loaded from another origin');

    const broken: string[] = [];
    for (const url of urls.filter((u) => u.origin === origin)) {
      const asset = await fetch(url);
      await asset.arrayBuffer();
      if (asset.status !== 200) broken.push(`${url.pathname}${url.search} → ${asset.status}`);
    }
    assert.deepEqual(broken, [], 'same-origin assets referenced by the page that the server does not serve');
  });
});
