import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import { WebSocket } from 'undici';
import { HostileRequest, listMaxPageAliasBombs, oversizedBodies, requestArbitrary, RequestSpec } from './helpers/hostile-requests';
import { MainProcess, startMain } from './helpers/main-process';
import { createFreshDatabase } from './helpers/test-server';

/**
 * Issue 11: a fuzz run of at least 10,000 malformed or hostile requests against the real process
 * (`node dist/src/main.js`, on a fresh database of the shared PostgreSQL when DATABASE_URL is set,
 * else embedded), drawn with fast-check from the committed schema plus hand-written hostile families
 * (test/helpers/hostile-requests.ts), 8 at a time. Invariants: every request answered within 15 s,
 * no 5xx without a code, no INTERNAL_SERVER_ERROR, every error coded, no error message echoes a
 * planted input value or shows internals, RSS bounded (measured after a full GC, through the
 * server's inspector on a loopback port), and the process alive at the end. After the fuzz, alone:
 * 1,000 aliases of a list field at the largest page.
 *
 * Figures are printed as `[faults] …` lines, with up to 8 distinct samples per violated invariant and
 * the server's own log lines for internal errors. Reproduce a run with FAULTS_FUZZ_SEED=<seed>
 * (printed); FAULTS_FUZZ_REQUESTS changes the count.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const REQUESTS = Number(process.env.FAULTS_FUZZ_REQUESTS ?? 10_200);
const SEED = Number(process.env.FAULTS_FUZZ_SEED ?? 1111);
const CONCURRENCY = 8;
/** The per-request timeout: connect, send, and read the whole answer. */
const TIMEOUT_MS = 15_000;
/**
 * The first requests of the run are its warm-up: RSS "before" is read after them and a full GC. A cold
 * process has not reached its working size: the embedded database's WebAssembly memory grows to the
 * largest statement it has run and never shrinks, Apollo's parsed-document cache fills. (The cold
 * figure is printed too.)
 */
const WARMUP = 1_000;
/**
 * RSS "settled" (the server idle, then a full GC) may exceed "before" by this much. What may
 * legitimately remain: Apollo's parsed-document LRU (~30 MiB), the embedded database's WebAssembly
 * memory grown by the largest statement of the run (a 20,000-item batch), V8 old-space pages and
 * malloc arenas kept after the storm's multi-MB bodies (8 at a time). A leak of 30 KB per request
 * over 10,000 requests, or keeping the big bodies, exceeds it. RSS right after the storm measures
 * when V8 last collected, not what the process keeps: it is printed, not bounded.
 */
const RSS_BOUND_MB = 300;
const MAX_BODY_BYTES = 64 * 1024 * 1024;

const ADMIN = `fw_fuzz_admin_${crypto.randomBytes(16).toString('hex')}`;
const MARKER_TOKEN = `pii-marker-${crypto.randomBytes(6).toString('hex')}`;
const MARKER = `${MARKER_TOKEN}@example.com`;
/** Internals that must never reach a client. */
const INTERNAL = /node_modules|QueryFailedError|TypeORMError|\n\s+at |\/work\/|\bdist\/src\b|Maximum call stack|ECONNREFUSED|pg_|relation "/;

interface Sample {
  family: string;
  request: string;
  response: string;
}
interface Stats {
  sent: number;
  byStatus: Map<string, number>;
  byCode: Map<string, number>;
  byFamily: Map<string, { n: number; maxMs: number; totalMs: number; statuses: Map<string, number> }>;
  latencies: number[];
  /** Per kind: the count, and up to 8 samples with distinct answers (digits and the marker normalised). */
  violations: Map<string, { count: number; samples: Sample[]; seen: Set<string> }>;
  rss: { at: number; mb: number }[];
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)\s+kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
}

/**
 * A full garbage collection in the server, through its inspector (started on a loopback port of its
 * own: `--inspect=127.0.0.1:0`), then V8's heap figures. RSS read right after a request storm says
 * more about when V8 last collected than about what the process keeps; after this it says what it keeps.
 */
async function collectGarbage(output: string): Promise<{ heapUsedMb: number; heapTotalMb: number }> {
  const url = /ws:\/\/127\.0\.0\.1:\d+\/[0-9a-f-]+/.exec(output)?.[0];
  if (!url) throw new Error(`no inspector URL in the server output:\n${output.slice(0, 2000)}`);
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  let id = 0;
  const pending = new Map<number, (m: { result?: Record<string, number> }) => void>();
  ws.addEventListener('message', (e) => {
    const m = JSON.parse(String(e.data));
    pending.get(m.id)?.(m);
  });
  const call = (method: string) =>
    new Promise<{ result?: Record<string, number> }>((resolve) => {
      pending.set(++id, resolve);
      ws.send(JSON.stringify({ id, method }));
    });
  try {
    await call('HeapProfiler.collectGarbage');
    const usage = (await call('Runtime.getHeapUsage')).result ?? {};
    return { heapUsedMb: Math.round(usage.usedSize / 2 ** 20), heapTotalMb: Math.round(usage.totalSize / 2 ** 20) };
  } finally {
    ws.close();
  }
}

/** CPU time (user + system) of a process, in clock ticks (100 per second). */
function cpuTicks(pid: number): number {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** Waits until the process uses under a fifth of a core over a second (it goes on with work its caller gave up on). */
async function untilIdle(pid: number, maxMs: number, onTick: () => void = () => undefined): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const before = cpuTicks(pid);
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 250));
      onTick();
    }
    if (cpuTicks(pid) - before < 20 || Date.now() - t0 > maxMs) return Date.now() - t0;
  }
}

function preview(text: string, n = 300): string {
  return text.length > n ? `${text.slice(0, n)}… (${text.length} chars)` : text;
}
function describeRequest(r: HostileRequest): string {
  const body = r.body === undefined ? '' : typeof r.body === 'string' ? r.body : Buffer.from(r.body).toString('latin1');
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${preview(k === 'authorization' ? v.replace(ADMIN, '<admin>') : v, 80)}`)
    .join('; ');
  return `${r.method} ${preview(r.path, 160)} [${headers}] ${preview(body.replace(ADMIN, '<admin>'), 400)}`;
}
const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

/**
 * node:http for bodies over MAX_BODY_BYTES, so that a 413 arriving while the body is still being
 * written is read (fetch gives up on the write error). The server answers 413 as soon as it knows and
 * closes the connection; when the close resets the socket before the client has read the answer, the
 * answer is lost whatever the client (curl, which stops sending when the answer comes, got it 3 times
 * in 3; fetch and node:http lose it in some runs): the dedicated test reports that.
 */
function sendRaw(base: string, r: HostileRequest, timeoutMs: number): Promise<{ status: number; contentType: string; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${r.path}`, { method: r.method, headers: r.headers });
    const timer = setTimeout(() => {
      req.destroy();
      reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
    }, timeoutMs);
    let answered = false;
    // A write that fails after the answer ended is reported on the socket alone (no request to carry it).
    req.on('socket', (socket) => socket.on('error', () => undefined));
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (e) => (clearTimeout(timer), reject(e)));
    });
    req.on('error', (e) => {
      if (answered) return; // the write failed after the answer came: that is the point
      clearTimeout(timer);
      reject(e);
    });
    req.end(r.body);
  });
}

/** One request, answer read whole, within TIMEOUT_MS (throws a TimeoutError otherwise). */
async function send(base: string, req: HostileRequest): Promise<{ status: number; contentType: string; text: string }> {
  if (req.family === 'payload-too-large') return sendRaw(base, req, TIMEOUT_MS);
  const res = await fetch(`${base}${req.path}`, { method: req.method, headers: req.headers, body: req.body, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
}

describe('fuzz: 10,000+ hostile requests against the real process (issue 11)', () => {
  let main: MainProcess;
  let dropDatabase: (() => Promise<void>) | undefined;
  const stats: Stats = { sent: 0, byStatus: new Map(), byCode: new Map(), byFamily: new Map(), latencies: [], violations: new Map(), rss: [] };
  let rssCold = NaN;
  let rssBefore = NaN;
  let rssAfter = NaN;
  let heapBefore = NaN;
  let heapAfter = NaN;
  let rssSettled = NaN;
  let ran = false;
  let logEchoes = 0;

  const violation = (kind: string, family: string, request: HostileRequest, response: string) => {
    const v = stats.violations.get(kind) ?? { count: 0, samples: [], seen: new Set<string>() };
    v.count++;
    const signature = `${family.split(':')[0]} ${response.slice(0, 200)}`.replaceAll(MARKER_TOKEN, 'M').replace(/[0-9a-f-]{36}|\d+/g, 'N');
    if (v.samples.length < 8 && !v.seen.has(signature)) {
      v.seen.add(signature);
      v.samples.push({ family, request: describeRequest(request), response: preview(response, 400) });
    }
    stats.violations.set(kind, v);
  };

  const gql = async (query: string, variables: Record<string, unknown> = {}, key = ADMIN) => {
    const res = await fetch(`${main.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(`seeding: ${JSON.stringify(body.errors)}`);
    return body.data;
  };

  before(async () => {
    const fresh = process.env.DATABASE_URL ? await createFreshDatabase(process.env.DATABASE_URL) : undefined;
    dropDatabase = fresh?.drop;
    main = await startMain(
      {
        ADMIN_API_KEY: ADMIN,
        // For collectGarbage: the inspector on a free loopback port.
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --inspect=127.0.0.1:0`.trim(),
        USER_ID_HMAC_KEY: crypto.randomBytes(32).toString('hex'),
        ...(fresh ? { DATABASE_URL: fresh.url } : {}),
      },
      'flywheel-fuzz-',
    );
  });
  after(async () => {
    await main?.stop();
    await dropDatabase?.();
  });

  test(`${REQUESTS} requests (+ oversized bodies), ${CONCURRENCY} at a time, each within ${TIMEOUT_MS / 1000} s`, { timeout: 420_000 }, async () => {
    const t0 = Date.now();
    // Seed: scoped keys, a revoked key, a few hundred log rows (some low-confidence, so the review queue
    // has items), and their ids, so that part of the fuzz reaches real rows.
    const key = async (name: string, scopes: string[]) =>
      (await gql('mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }', { input: { name, scopes } })).createApiKey;
    const ingest = (await key('fuzz-ingest', ['INGEST'])).secret as string;
    const read = (await key('fuzz-read', ['READ'])).secret as string;
    const feedback = (await key('fuzz-feedback', ['FEEDBACK'])).secret as string;
    const annotate = (await key('fuzz-annotate', ['ANNOTATE'])).secret as string;
    const revokedKey = await key('fuzz-revoked', ['READ']);
    await gql('mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }', { input: { apiKeyId: revokedKey.apiKey.id } });
    const items = Array.from({ length: 300 }, (_, i) => ({
      requestId: `fuzz-seed-${i}`,
      modelVersion: i % 2 ? 'fuzz-v1' : 'support-bot-v6',
      prompt: `How do I reset my password? (${i})`,
      response: 'Open Settings, then Security.',
      latencyMs: 100 + i,
      ...(i % 10 === 0 ? { responseLogprob: -6 } : {}),
      ...(i % 7 === 0 ? { flagged: true, metadata: { channel: 'web', i } } : {}),
    }));
    await gql('mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId } } }', { input: { items } });
    const seededData = await gql('{ logEntries(first: 100) { nodes { id requestId tags { id } } } apiKeys { nodes { id name } } reviewQueue(first: 20) { nodes { id } } }');
    const ids: string[] = [
      ...seededData.logEntries.nodes.map((n: { id: string }) => n.id),
      ...seededData.logEntries.nodes.flatMap((n: { tags: { id: string }[] }) => n.tags.map((t) => t.id)),
      // Not the admin key's own id: a drawn revokeApiKey would lock the rest of the run out.
      ...seededData.apiKeys.nodes.filter((k: { name: string }) => k.name.startsWith('fuzz-')).map((k: { id: string }) => k.id),
      ...seededData.reviewQueue.nodes.map((n: { id: string }) => n.id),
    ];
    const requestIds = seededData.logEntries.nodes.map((n: { requestId: string }) => n.requestId);

    const schema = buildSchema(fs.readFileSync(path.join(REPO_ROOT, 'schema.graphql'), 'utf8'));
    const arb = requestArbitrary({
      schema,
      marker: MARKER,
      markerToken: MARKER_TOKEN,
      keys: { admin: ADMIN, ingest, read, feedback, annotate, revoked: revokedKey.secret },
      seeded: { ids, requestIds, strings: ['fuzz-v1', 'support-bot-v6', 'fuzz-seed-1', 'web'] },
    });
    const specs: RequestSpec[] = fc.sample(arb, { numRuns: REQUESTS, seed: SEED });
    // The oversized bodies go among everything else, not at the end.
    specs.splice(Math.floor(specs.length / 2), 0, ...oversizedBodies(ADMIN, MAX_BODY_BYTES));
    console.log(`[faults] fuzz seed ${SEED}: ${specs.length} requests drawn in ${Date.now() - t0} ms (incl. seeding), marker ${MARKER}`);

    rssCold = rssMb(main.pid);
    stats.rss.push({ at: 0, mb: rssCold });

    const runOne = async (spec: RequestSpec) => {
      const req = spec.build();
      const family = spec.family;
      const started = performance.now();
      let status: string;
      let text: string;
      let contentType = '';
      try {
        const answer = await send(main.base, req);
        status = String(answer.status);
        ({ text, contentType } = answer);
      } catch (err) {
        const e = err as Error & { cause?: Error };
        status = e.name === 'TimeoutError' ? 'timeout' : 'no answer';
        text = `${e.name}: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}`;
      }
      const ms = performance.now() - started;
      stats.sent++;
      stats.latencies.push(ms);
      inc(stats.byStatus, status);
      const fam = stats.byFamily.get(family) ?? { n: 0, maxMs: 0, totalMs: 0, statuses: new Map() };
      fam.n++;
      fam.totalMs += ms;
      fam.maxMs = Math.max(fam.maxMs, ms);
      inc(fam.statuses, status);
      stats.byFamily.set(family, fam);

      if (status === 'timeout') return violation(`no answer within ${TIMEOUT_MS / 1000} s`, family, req, text);
      if (status === 'no answer' && family === 'payload-too-large') return violation('a 413 lost: the connection closed while the body was still being sent', family, req, text);
      if (status === 'no answer') return violation('connection failed without an HTTP answer', family, req, text);
      const code = Number(status);
      let body: { errors?: { message?: unknown; extensions?: { code?: unknown } }[] } | undefined;
      if (/json/i.test(contentType) && req.method !== 'HEAD') {
        try {
          body = JSON.parse(text);
        } catch {
          violation('a JSON content-type with a body that is not JSON', family, req, text);
        }
      }
      const errors = Array.isArray(body?.errors) ? body!.errors : [];
      for (const e of errors) {
        const c = typeof e?.extensions?.code === 'string' ? e.extensions.code : '(no code)';
        inc(stats.byCode, c);
        if (c === '(no code)') violation('an error without extensions.code', family, req, text);
        if (c === 'INTERNAL_SERVER_ERROR') violation('INTERNAL_SERVER_ERROR', family, req, text);
      }
      if (code >= 500 && typeof errors[0]?.extensions?.code !== 'string') violation('a 5xx without errors[0].extensions.code', family, req, text);
      // A 5xx is the server's fault or the database's: a client error (BAD_USER_INPUT, …) answered 500 is mislabelled.
      if (code >= 500 && errors.length && !errors.some((e) => ['INTERNAL_SERVER_ERROR', 'DATABASE_UNAVAILABLE'].includes(String(e?.extensions?.code)))) {
        violation('a 5xx whose errors are all client errors', family, req, text);
      }
      if (code >= 400 && req.method !== 'HEAD' && errors.length === 0) violation('a 4xx without a coded JSON error body', family, req, `${status} ${contentType} ${text}`);
      if (errors.length && JSON.stringify(errors).includes(MARKER_TOKEN)) violation('an error echoes an input value (the planted marker)', family, req, text);
      if (errors.some((e) => INTERNAL.test(String(e?.message ?? '')))) violation('an error message shows internals', family, req, text);
    };
    const pool = async (from: number, to: number) => {
      let next = from;
      const worker = async () => {
        for (;;) {
          const i = next++;
          if (i >= to) return;
          await runOne(specs[i]);
          if (i > 0 && i % 1000 === 0) stats.rss.push({ at: i, mb: rssMb(main.pid) });
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    };
    const tRun = Date.now();
    // The first WARMUP requests (counted like the rest) bring the process to its working size; "before" is measured after them.
    await pool(0, WARMUP);
    heapBefore = (await collectGarbage(main.output())).heapUsedMb;
    rssBefore = rssMb(main.pid);
    await pool(WARMUP, specs.length);
    const runMs = Date.now() - tRun;
    rssAfter = rssMb(main.pid);
    stats.rss.push({ at: specs.length, mb: rssAfter });
    // Let the server settle (background jobs the fuzz started finish), then collect its garbage.
    await untilIdle(main.pid, 30_000);
    heapAfter = (await collectGarbage(main.output())).heapUsedMb;
    rssSettled = rssMb(main.pid);
    ran = true;

    const jobs = await gql('{ jobs { totalCount } datasetVersions { totalCount } apiKeys { totalCount } }').catch((e: Error) => ({ error: e.message }));
    console.log(`[faults] what the fuzz left behind: ${JSON.stringify(jobs)}`);
    const sorted = [...stats.latencies].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
    const fmt = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(`[faults] requests: ${stats.sent} in ${(runMs / 1000).toFixed(1)} s (${Math.round((stats.sent / runMs) * 1000)}/s), concurrency ${CONCURRENCY}, timeout ${TIMEOUT_MS / 1000} s`);
    console.log(`[faults] by status: ${fmt(stats.byStatus)}`);
    console.log(`[faults] errors by code: ${fmt(stats.byCode)}`);
    console.log(`[faults] latency: p50 ${pct(50).toFixed(0)} ms, p99 ${pct(99).toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms`);
    for (const [family, f] of [...stats.byFamily].sort((a, b) => a[0].localeCompare(b[0]))) {
      console.log(`[faults]   ${family}: ${f.n} requests, max ${f.maxMs.toFixed(0)} ms, total ${(f.totalMs / 1000).toFixed(1)} s, ${fmt(f.statuses)}`);
    }
    console.log(
      `[faults] RSS at start ${rssCold} MB; before (after ${WARMUP} warm-up requests and a full GC) ${rssBefore} MB, right after ${rssAfter} MB, ` +
        `settled (idle, full GC) ${rssSettled} MB; V8 heap used before ${heapBefore} MB, settled ${heapAfter} MB (RSS every 1000 requests: ${stats.rss.map((r) => r.mb).join(', ')} MB)`,
    );
    // What the server logged about its internal errors (pino JSON lines; distinct class, SQLSTATE and scrubbed message).
    const logged = new Map<string, number>();
    for (const line of main.output().split('\n')) {
      if (!line.startsWith('{')) continue;
      try {
        const l = JSON.parse(line) as { msg?: string; error?: { type?: string; code?: string; message?: string } };
        if (l.msg === 'internal error') inc(logged, `${l.error?.type ?? '?'}${l.error?.code ? ` ${l.error.code}` : ''}: ${l.error?.message ?? ''}`.slice(0, 240));
      } catch {
        /* not a log line */
      }
    }
    for (const [line, n] of logged) console.log(`[faults] server logged ${n}× internal error: ${line}`);
    // The logging promise (src/logging.ts): no value a client sent reaches a log line.
    const logLines = main.output().split('\n').filter((l) => l.includes(MARKER_TOKEN));
    logEchoes = logLines.length;
    for (const l of logLines.slice(0, 5)) console.log(`[faults] a server log line with the planted marker: ${preview(l, 400)}`);
    for (const [kind, v] of stats.violations) {
      console.log(`[faults] VIOLATION ${kind}: ${v.count}`);
      for (const s of v.samples) console.log(`[faults]     ${s.family}: ${s.request}\n[faults]       → ${s.response}`);
    }
    assert.ok(stats.sent >= 10_000, `at least 10,000 requests were sent (${stats.sent})`);
  });

  const violations = (kind: string) => stats.violations.get(kind);
  const none = (kind: string) => {
    assert.ok(ran, 'the fuzz run finished');
    const v = violations(kind);
    assert.equal(v?.count ?? 0, 0, `${kind}: ${v?.count} times, e.g.\n${(v?.samples ?? []).map((s) => `${s.family}: ${s.request}\n  → ${s.response}`).join('\n')}`);
  };

  test(`every request got an HTTP answer within ${TIMEOUT_MS / 1000} s`, () => {
    none(`no answer within ${TIMEOUT_MS / 1000} s`);
    none('connection failed without an HTTP answer');
  });

  test('a body over MAX_BODY_BYTES gets its 413 (the server keeps reading until the answer is out, no reset)', () =>
    none('a 413 lost: the connection closed while the body was still being sent'));

  test('no 5xx without a code, and none for a client error', () => {
    none('a 5xx without errors[0].extensions.code');
    none('a 5xx whose errors are all client errors');
  });

  test('no INTERNAL_SERVER_ERROR (every fault the fuzz provokes is a client error with its own code)', () => none('INTERNAL_SERVER_ERROR'));

  test('every error has a code, and every 4xx carries a coded JSON error body', () => {
    none('an error without extensions.code');
    none('a 4xx without a coded JSON error body');
    none('a JSON content-type with a body that is not JSON');
  });

  test('no error message echoes an input value (the planted marker) or shows internals', () => {
    none('an error echoes an input value (the planted marker)');
    none('an error message shows internals');
  });

  test('no server log line contains an input value (the planted marker)', () => {
    assert.ok(ran, 'the fuzz run finished');
    assert.equal(logEchoes, 0, `${logEchoes} log lines contain the marker (printed above)`);
  });

  test(`RSS stays bounded (settled after ≤ before + ${RSS_BOUND_MB} MB)`, () => {
    assert.ok(ran, 'the fuzz run finished');
    // Right after the storm RSS is whatever V8 has not collected yet (printed, not bounded); settled is what the process keeps.
    assert.ok(rssSettled <= rssBefore + RSS_BOUND_MB, `RSS before ${rssBefore} MB, settled ${rssSettled} MB (right after: ${rssAfter} MB)`);
  });

  test(`thousands of aliases of a list field at the largest page: answered (or refused with a code) within ${TIMEOUT_MS / 1000} s, RSS within ${RSS_BOUND_MB} MB`, { timeout: 150_000 }, async () => {
    assert.ok(ran, 'the fuzz run finished');
    // One request: 1,000 aliases of logEntries(first: 500) over the 300 seeded rows. Run after the fuzz,
    // alone, because the server goes on executing it after the client gives up (nothing cancels it).
    const [spec] = listMaxPageAliasBombs(ADMIN, 1_000, 1);
    const req = spec.build();
    const before = rssMb(main.pid);
    let peak = before;
    let probeMax = 0;
    let probeFailures = 0;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        peak = Math.max(peak, rssMb(main.pid));
        const t = performance.now();
        const ok = await fetch(`${main.base}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
          body: JSON.stringify({ query: '{ viewer { name } }' }),
          signal: AbortSignal.timeout(TIMEOUT_MS),
        }).then(
          (r) => r.ok,
          () => false,
        );
        probeMax = Math.max(probeMax, performance.now() - t);
        if (!ok) probeFailures++;
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const t0 = performance.now();
    let outcome: string;
    let answer: { status: number; contentType: string; text: string } | undefined;
    try {
      answer = await send(main.base, req);
      outcome = `${answer.status}, ${answer.text.length} bytes`;
    } catch (err) {
      outcome = `${(err as Error).name}: ${(err as Error).message}`;
    }
    const ms = performance.now() - t0;
    // The server goes on executing it after a timeout: wait until it is idle (up to 100 s) before the next test.
    done = true;
    await sampler;
    const idleAfter = await untilIdle(main.pid, 100_000, () => (peak = Math.max(peak, rssMb(main.pid))));
    const after = rssMb(main.pid);
    const code = (() => {
      try {
        return JSON.parse(answer?.text ?? '{}').errors?.[0]?.extensions?.code as string | undefined;
      } catch {
        return undefined;
      }
    })();
    console.log(
      `[faults] 1,000 aliases of logEntries(first: 500): ${outcome}${code ? ` (${code})` : ''} after ${ms.toFixed(0)} ms; ` +
        `RSS before ${before} MB, peak ${peak} MB, after ${after} MB; the server was busy ${((ms + idleAfter) / 1000).toFixed(0)} s; ` +
        `a { viewer } probe every 250 ms while the client waited: max ${probeMax.toFixed(0)} ms, ${probeFailures} failed`,
    );
    assert.ok(answer, `answered within ${TIMEOUT_MS / 1000} s (${outcome})`);
    assert.ok(answer.status === 200 ? !code : typeof code === 'string' && answer.status < 500, `data, or a coded client error (${answer.status} ${code})`);
    assert.ok(peak <= before + RSS_BOUND_MB, `RSS peak ${peak} MB ≤ ${before} + ${RSS_BOUND_MB} MB`);
    assert.equal(probeFailures, 0, 'other callers were answered meanwhile');
  });

  test('after all of it, the process is alive, /healthz answers 200 and /readyz 200', async () => {
    assert.ok(main.alive(), `the server process is running:\n${main.output().slice(-3000)}`);
    const res = await fetch(`${main.base}/healthz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    assert.equal(res.status, 200);
    const ready = await fetch(`${main.base}/readyz`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    assert.equal(ready.status, 200, 'the database is still there');
  });
});
