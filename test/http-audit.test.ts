import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { AuditResult, serverAudits } from 'graphql-http';
import { MainProcess, startMain } from './helpers/main-process';

/**
 * The GraphQL-over-HTTP contract checked against the process `npm start` runs (NODE_ENV=production,
 * embedded database), not against a test-built app: production defaults (introspection, landing
 * page, CSRF) are decided at startup, and an in-process server would not exercise them.
 */

describe('GraphQL over HTTP: the production start (`npm start`, embedded database)', () => {
  let main: MainProcess;
  let endpoint: string;
  const adminKey = crypto.randomBytes(30).toString('base64url');
  // Every request carries a key: a request without one is refused (401) before its body is read.
  const withKey: typeof fetch = (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${adminKey}`);
    return fetch(input, { ...init, headers });
  };

  before(async () => {
    main = await startMain({ ADMIN_API_KEY: adminKey }, 'flywheel-audit-');
    endpoint = `${main.base}/graphql`;
  });

  after(() => main?.stop());

  test('graphql-http audit: every MUST passes', async () => {
    const results: AuditResult[] = [];
    for (const audit of serverAudits({ url: endpoint, fetchFn: withKey })) {
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
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
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
