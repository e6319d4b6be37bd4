import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Browser, chromium, Page } from 'playwright-core';
import { createKey, logInput, startTestServer, TestServer } from './helpers/test-server';

/**
 * CORS as a browser enforces it, not as we think it does: a real headless Chromium (the system one,
 * playwright-core never downloads a browser) loads pages from an allowed and a not-allowed origin and
 * calls the real Flywheel server with a plain fetch, the way a product UI would send thumbs-down.
 */

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = fs.existsSync(CHROMIUM);
// Locally a missing browser only skips; in CI it must not let CORS go untested silently.
const mustRun = process.env.CI === 'true';

const FEEDBACK_MUTATION = 'mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId created } }';
const READ_QUERY = '{ logEntries(first: 5) { edges { node { requestId prompt } } } }';

interface PageSpec {
  apiUrl: string;
  key: string;
  body: { query: string; variables?: Record<string, unknown> };
}

/** What the page reported plus what the browser did on the wire to get there. */
interface BrowserCall {
  outcome: 'ok' | 'error';
  /** The JSON text of the result, or `<name>: <message>` of the error fetch rejected with. */
  text: string;
  /** The non-preflight POST as Playwright saw it (Playwright does not surface preflights). */
  post?: { status: number; headers: Record<string, string> };
  /** Preflights from the DevTools protocol, which does report them. */
  preflights: { status: number; headers: Record<string, string> }[];
  preflightRequests: { method: string; headers: Record<string, string> }[];
  consoleErrors: string[];
}

function pageHtml(spec: PageSpec): string {
  // `<` escaped so that data can never close the script element.
  const data = JSON.stringify(spec).replace(/</g, '\\u003c');
  return `<!doctype html>
<html>
<head><meta charset="utf-8"><title>Flywheel CORS check</title></head>
<body>
<button id="send">Send</button>
<pre id="out"></pre>
<script>
const SPEC = ${data};
document.getElementById('send').addEventListener('click', async () => {
  const out = document.getElementById('out');
  try {
    const res = await fetch(SPEC.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + SPEC.key },
      body: JSON.stringify(SPEC.body),
    });
    out.textContent = JSON.stringify(await res.json());
    out.dataset.outcome = 'ok';
  } catch (err) {
    out.textContent = err.name + ': ' + err.message;
    out.dataset.outcome = 'error';
  }
});
</script>
</body>
</html>`;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

if (!haveChromium && mustRun) {
  test('browser CORS: Chromium is installed', () => {
    assert.fail(`${CHROMIUM} is missing and CI=true: run scripts/ensure-chromium.sh (apt-get install chromium) before the tests`);
  });
}

const skip = haveChromium ? false : mustRun ? `${CHROMIUM} not found (failed above because CI=true)` : `${CHROMIUM} not found (run scripts/ensure-chromium.sh); skipped because CI is not 'true'`;

describe('CORS from a real browser (headless Chromium)', { skip }, () => {
  const pages = new Map<string, PageSpec>();
  const pageHandler: http.RequestListener = (req, res) => {
    if (req.url === '/favicon.ico') {
      // Keeps Chromium's console (which the tests read) free of an unrelated 404.
      res.statusCode = 204;
      res.end();
      return;
    }
    const name = /^\/p\/([\w-]+)$/.exec(req.url ?? '')?.[1];
    const spec = name ? pages.get(name) : undefined;
    if (!spec) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.setHeader('content-type', 'text/html; charset=utf-8');
    res.setHeader('cache-control', 'no-store');
    res.end(pageHtml(spec));
  };
  const allowedPages = http.createServer(pageHandler);
  const blockedPages = http.createServer(pageHandler);
  let allowedOrigin: string;
  let blockedOrigin: string;
  let server: TestServer | undefined;
  let browser: Browser | undefined;
  // localhost (not 127.0.0.1 like the pages) so the API differs from every page origin in host too.
  let apiUrl: string;
  let feedbackKey: string;
  let requestId: string;
  let prompt: string;
  let dataDir: string | undefined;

  before(async () => {
    allowedOrigin = `http://127.0.0.1:${await listen(allowedPages)}`;
    blockedOrigin = `http://127.0.0.1:${await listen(blockedPages)}`;
    // Owned here rather than by the helper, which leaves its own dir behind when the start fails.
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-cors-'));
    server = await startTestServer({ CORS_ORIGINS: allowedOrigin }, { dataDir });
    apiUrl = `http://localhost:${new URL(server.url).port}/graphql`;
    feedbackKey = await createKey(server, ['FEEDBACK']);
    const input = logInput();
    requestId = input.requestId as string;
    prompt = input.prompt as string;
    const logged = await server.gql('mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId } }', { input });
    assert.equal(logged.errors, undefined, JSON.stringify(logged.errors));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'], headless: true });
  });

  after(async () => {
    await browser?.close();
    await close(allowedPages);
    await close(blockedPages);
    await server?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function callFromPage(origin: string, spec: PageSpec): Promise<BrowserCall> {
    const name = crypto.randomUUID();
    pages.set(name, spec);
    const context = await browser!.newContext();
    const page: Page = await context.newPage();
    const call: BrowserCall = { outcome: 'error', text: '', preflights: [], preflightRequests: [], consoleErrors: [] };
    const postHeaders: Promise<void>[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') call.consoleErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.url() === spec.apiUrl && r.request().method() === 'POST') {
        postHeaders.push(r.allHeaders().then((headers) => void (call.post = { status: r.status(), headers: lowerKeys(headers) })));
      }
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.request.url === spec.apiUrl && e.request.method === 'OPTIONS') call.preflightRequests.push({ method: e.request.method, headers: lowerKeys(e.request.headers) });
    });
    cdp.on('Network.responseReceived', (e) => {
      if (e.type === 'Preflight' && e.response.url === spec.apiUrl) call.preflights.push({ status: e.response.status, headers: lowerKeys(e.response.headers) });
    });
    try {
      await page.goto(`${origin}/p/${name}`);
      await page.click('#send');
      await page.waitForSelector('#out[data-outcome]', { timeout: 20_000 });
      call.outcome = (await page.getAttribute('#out', 'data-outcome')) as 'ok' | 'error';
      call.text = (await page.textContent('#out')) ?? '';
      await Promise.all(postHeaders);
      return call;
    } finally {
      pages.delete(name);
      await context.close();
    }
  }

  const feedbackSpec = (clientFeedbackId: string): PageSpec => ({
    apiUrl,
    key: feedbackKey,
    body: { query: FEEDBACK_MUTATION, variables: { input: { requestId, kind: 'THUMBS_DOWN', comment: 'wrong answer', clientFeedbackId } } },
  });

  test('allowed origin: thumbs-down from the page is stored, with the CORS headers the browser needs', async () => {
    const call = await callFromPage(allowedOrigin, feedbackSpec(crypto.randomUUID()));
    assert.equal(call.outcome, 'ok', `fetch from the allowed origin failed in the browser: ${call.text}; console: ${call.consoleErrors.join(' | ')}`);
    const result = JSON.parse(call.text);
    assert.equal(result.errors, undefined, call.text);
    assert.equal(result.data.submitFeedback.created, true, call.text);
    assert.ok(result.data.submitFeedback.feedbackId, call.text);
    const rows = await server!.sql<{ kind: string }>('SELECT kind FROM feedback WHERE request_id = $1', [requestId]);
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['THUMBS_DOWN'],
    );

    // JSON plus Authorization is never a "simple" request: the browser must have asked first.
    assert.equal(call.preflightRequests.length, 1, 'the browser should send exactly one preflight');
    assert.equal(call.preflightRequests[0].headers['access-control-request-method'], 'POST');
    assert.match(call.preflightRequests[0].headers['access-control-request-headers'] ?? '', /authorization/i);
    assert.equal(call.preflights.length, 1, 'no preflight response was seen');
    assert.ok([200, 204].includes(call.preflights[0].status), `preflight status ${call.preflights[0].status}`);
    assert.equal(call.preflights[0].headers['access-control-allow-origin'], allowedOrigin);

    assert.ok(call.post, 'Playwright saw no response to the POST');
    assert.equal(call.post.status, 200);
    assert.equal(call.post.headers['access-control-allow-origin'], allowedOrigin);
    // Without Vary: Origin a shared cache could hand this response to a page of another origin.
    assert.match(call.post.headers['vary'] ?? '', /(^|,)\s*origin\s*(,|$)/i, `vary: ${call.post.headers['vary']}`);
  });

  test('allowed origin, feedback-only key: the page can read the reply, and the reply is FORBIDDEN without any prompt', async () => {
    const call = await callFromPage(allowedOrigin, { apiUrl, key: feedbackKey, body: { query: READ_QUERY } });
    assert.equal(call.outcome, 'ok', `the browser could not read the response: ${call.text}; console: ${call.consoleErrors.join(' | ')}`);
    const result = JSON.parse(call.text);
    assert.equal(result.errors?.[0]?.extensions?.code, 'FORBIDDEN', call.text);
    assert.ok(!call.text.includes(prompt), 'prompt text leaked to a feedback-only key');
    assert.ok(!call.text.includes(requestId), 'entry leaked to a feedback-only key');
    assert.equal(result.data?.logEntries ?? null, null, call.text);
  });

  test('not-allowed origin: fetch rejects in the browser and nothing is written', async () => {
    const clientFeedbackId = crypto.randomUUID();
    const call = await callFromPage(blockedOrigin, feedbackSpec(clientFeedbackId));
    assert.equal(call.outcome, 'error', `the not-allowed origin could read the response: ${call.text}`);
    assert.equal(call.text, 'TypeError: Failed to fetch');
    assert.ok(
      call.consoleErrors.some((m) => m.includes('blocked by CORS policy')),
      `expected Chromium to report a CORS block; console: ${call.consoleErrors.join(' | ')}`,
    );
    assert.ok(!call.preflights.some((p) => p.headers['access-control-allow-origin']), 'the preflight allowed a not-allowed origin');
    const rows = await server!.sql('SELECT 1 FROM feedback WHERE request_id = $1 AND client_feedback_id = $2', [requestId, clientFeedbackId]);
    assert.equal(rows.length, 0, 'a blocked cross-origin request still stored feedback');
  });

  describe('preflight and CSRF from node (no browser)', () => {
    const preflight = (origin: string) =>
      fetch(`${server!.url}/graphql`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });

    test('allowed origin gets a complete preflight answer', async () => {
      const res = await preflight(allowedOrigin);
      const h = res.headers;
      assert.ok([200, 204].includes(res.status), `status ${res.status}`);
      assert.equal(h.get('access-control-allow-origin'), allowedOrigin);
      assert.match(h.get('access-control-allow-methods') ?? '', /\bPOST\b/i);
      assert.match(h.get('access-control-allow-headers') ?? '', /\bauthorization\b/i);
      assert.match(h.get('access-control-allow-headers') ?? '', /\bcontent-type\b/i);
      assert.ok(h.get('access-control-max-age'), 'access-control-max-age missing: every call would pay a second round trip');
      assert.match(h.get('vary') ?? '', /\borigin\b/i);
    });

    test('not-allowed origin gets no access-control-allow-origin', async () => {
      const res = await preflight(blockedOrigin);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    test('server-to-server POST without Origin works as before', async () => {
      // Node's fetch sends no Origin header, like any backend client.
      const res = await fetch(`${server!.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${feedbackKey}` },
        body: JSON.stringify({ query: FEEDBACK_MUTATION, variables: { input: { requestId, kind: 'THUMBS_UP', clientFeedbackId: crypto.randomUUID() } } }),
      });
      const text = await res.text();
      assert.equal(res.status, 200, text);
      const body = JSON.parse(text);
      assert.equal(body.errors, undefined, text);
      assert.equal(body.data.submitFeedback.created, true);
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    });

    test('a "simple" text/plain POST is still refused by CSRF prevention, from any origin', async () => {
      // A form or a no-preflight fetch can send text/plain cross-site; allowing an origin for CORS
      // must not turn such requests into executed mutations.
      for (const origin of [blockedOrigin, allowedOrigin]) {
        const clientFeedbackId = crypto.randomUUID();
        const res = await fetch(`${server!.url}/graphql`, {
          method: 'POST',
          headers: { origin, 'content-type': 'text/plain', authorization: `Bearer ${feedbackKey}` },
          body: JSON.stringify({ query: FEEDBACK_MUTATION, variables: { input: { requestId, kind: 'REPORT', clientFeedbackId } } }),
        });
        const text = await res.text();
        assert.equal(res.status, 400, `origin ${origin}: ${res.status} ${text}`);
        const rows = await server!.sql('SELECT 1 FROM feedback WHERE client_feedback_id = $1', [clientFeedbackId]);
        assert.equal(rows.length, 0, `origin ${origin}: a text/plain POST stored feedback`);
      }
    });
  });
});
