import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { chatLineProblems, jsonlLines, preferenceLineProblems } from './helpers/fine-tuning-format';
import { ADMIN_KEY, createKey, errorCode, logBatch, logInput, ok, startTestServer, TestServer, waitFor } from './helpers/test-server';

/**
 * Issue 9 (Curate): dataset versions built by a job through the quality gate, exported as chat
 * fine-tuning JSONL (and preference pairs), served at /exports/<id>/<file>.
 *
 * One server for the whole file. Every test logs its own entries under its own model version(s) and
 * filters on them, and its prompts carry a per-run token, so the global parts of the gate (label
 * conflicts over all accepted corrections, contamination by any READY EVAL version) only ever see the
 * test's own data.
 */

const RUN = crypto.randomBytes(3).toString('hex');
const SERVICE_VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version as string;

/** A well-formed global id (base64url of "<Type>:<key>", as the API issues them) for ids that do not exist. */
const toGlobalId = (type: string, key: string) => Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
/** The normalisation the issue names for dedup, conflicts and "no preference": case, whitespace, trailing punctuation. */
const normalise = (t: string) =>
  t
    .normalize('NFKC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\s.!?。！？]+$/u, '');
const promptKey = (t: string) => sha256(normalise(t));

const VERSION_FIELDS = `id name version kind status formats filter { tags from to modelVersions } systemPrompt validationFraction maxPsi exampleCount validationCount contentHash
  qualityReport error createdBy createdAt builtAt files { name sha256 bytes lines } parent { id version } job { id name state progress { phase done total percent details } retryCount output }`;
const CREATE = `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { ${VERSION_FIELDS} } } }`;
const VERSION = `query($id: ID!) { datasetVersion(id: $id) { ${VERSION_FIELDS} } }`;
const JOB = `query($id: ID!) { job(id: $id) { id name state progress { phase done total percent details } retryCount output } }`;
const CANCEL = `mutation($input: CancelJobInput!) { cancelJob(input: $input) { job { id state } } }`;
const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id status source } } }`;
const CLAIM = `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { requestId } } }`;

type Json = any;

/** Which side of the validation split the rule puts an entry on (the build hashes its requestId). */
const expectedSplit = (requestId: string, fraction: number) =>
  fraction > 0 && parseInt(crypto.createHash('md5').update(requestId).digest('hex').slice(0, 8), 16) < fraction * 4294967296 ? 'VALIDATION' : 'TRAIN';

test('the chat-format validator itself rejects what fine-tuning services reject', () => {
  const good = { messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'u' }, { role: 'assistant', content: 'a' }] };
  assert.deepEqual(chatLineProblems(JSON.stringify(good)), []);
  const bad: [string, unknown][] = [
    ['no messages', {}],
    ['empty messages', { messages: [] }],
    ['bad role', { messages: [{ role: 'tool', content: 'x' }, { role: 'assistant', content: 'a' }] }],
    ['empty content', { messages: [{ role: 'user', content: '  ' }, { role: 'assistant', content: 'a' }] }],
    ['non-string content', { messages: [{ role: 'user', content: 3 }, { role: 'assistant', content: 'a' }] }],
    ['late system', { messages: [{ role: 'user', content: 'u' }, { role: 'system', content: 's' }, { role: 'assistant', content: 'a' }] }],
    ['ends with user', { messages: [{ role: 'assistant', content: 'a' }, { role: 'user', content: 'u' }] }],
    ['no user', { messages: [{ role: 'system', content: 's' }, { role: 'assistant', content: 'a' }] }],
    ['array', [good]],
  ];
  for (const [what, line] of bad) assert.notDeepEqual(chatLineProblems(JSON.stringify(line)), [], what);
  assert.notDeepEqual(chatLineProblems('{"messages": ['), [], 'not JSON');
});

describe('dataset versions (issue 9)', () => {
  let server: TestServer;
  let exportDir: string;
  let curate: string;
  let reader: string;
  let feedbackKey: string;
  let ingestKey: string;
  let annotateKey: string;
  let modelLabelKey: string;

  before(async () => {
    exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-datasets-'));
    server = await startTestServer({ EXPORT_DIR: exportDir });
    curate = await createKey(server, ['CURATE'], 'curate-pipeline');
    reader = await createKey(server, ['READ'], 'dashboard');
    feedbackKey = await createKey(server, ['FEEDBACK'], 'widget');
    ingestKey = await createKey(server, ['INGEST'], 'endpoint');
    annotateKey = await createKey(server, ['ANNOTATE'], 'annotator');
    modelLabelKey = await createKey(server, ['MODEL_LABEL'], 'llm-judge');
  });
  after(async () => {
    await server?.stop();
    if (exportDir) fs.rmSync(exportDir, { recursive: true, force: true });
  });

  // -------------------------------------------------------------------------------------------------------
  // Helpers.

  interface Seed {
    requestId?: string;
    prompt: string;
    response?: string;
    /** An ACCEPTED correction is written for it (ADMIN key: OPERATOR, accepted). */
    completion?: string;
    occurredAt?: string;
    responseLogprob?: number;
  }
  interface Entry {
    requestId: string;
    prompt: string;
    response: string;
    completion?: string;
  }

  /** Logs the entries (one batch per 1000) and corrects those with a completion, in the given order. */
  async function seed(modelVersion: string, seeds: Seed[]): Promise<Entry[]> {
    const items = seeds.map((s) =>
      logInput({
        modelVersion,
        prompt: s.prompt,
        ...(s.requestId ? { requestId: s.requestId } : {}),
        ...(s.response ? { response: s.response } : {}),
        ...(s.occurredAt ? { occurredAt: s.occurredAt } : {}),
        ...(s.responseLogprob != null ? { responseLogprob: s.responseLogprob } : {}),
      }),
    );
    for (let i = 0; i < items.length; i += 1000) {
      const results = await logBatch(server, items.slice(i, i + 1000));
      assert.ok(results.every((r) => r.created), 'fresh entries');
    }
    const entries = items.map((it, i) => ({ requestId: it.requestId as string, prompt: it.prompt as string, response: it.response as string, completion: seeds[i].completion }));
    for (const e of entries) if (e.completion !== undefined) await correct(e.requestId, e.completion);
    return entries;
  }

  async function correct(requestId: string, completion: string, key = ADMIN_KEY): Promise<Json> {
    const c = ok(await server.gql(CORRECT, { input: { requestId, completion } }, key)).submitCorrection.correction;
    return c;
  }

  async function create(input: Record<string, unknown>, key = curate): Promise<Json> {
    return ok(await server.gql(CREATE, { input }, key)).createDatasetVersion.datasetVersion;
  }

  async function version(id: string, key = curate): Promise<Json> {
    return ok(await server.gql(VERSION, { id }, key)).datasetVersion;
  }

  /** Waits until the build job has finished for good (retries included) and the version with it. */
  async function settled(id: string, timeoutMs = 90_000): Promise<Json> {
    return waitFor(
      async () => {
        const v = await version(id);
        return ['COMPLETED', 'FAILED', 'CANCELLED'].includes(v.job?.state) && ['READY', 'FAILED'].includes(v.status) ? v : null;
      },
      `dataset version ${id} to settle`,
      timeoutMs,
    );
  }

  async function build(input: Record<string, unknown>): Promise<Json> {
    const created = await create(input);
    const v = await settled(created.id);
    assert.equal(v.status, 'READY', `build of ${JSON.stringify(input)}: ${v.status} ${v.error} ${JSON.stringify(v.qualityReport)}`);
    return v;
  }

  interface Download {
    status: number;
    headers: Headers;
    body: Buffer;
  }
  async function download(id: string, file: string, key: string | null = reader, headers: Record<string, string> = {}): Promise<Download> {
    const res = await fetch(`${server.url}/exports/${encodeURIComponent(id)}/${file}`, { headers: { ...headers, ...(key ? { authorization: `Bearer ${key}` } : {}) } });
    return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
  }
  const errorOf = (d: Download) => JSON.parse(d.body.toString()).errors[0].extensions.code as string;

  const members = async (versionId: string) =>
    (
      await server.sql<{ request_id: string; correction_id: string; split: string }>(
        `SELECT request_id, correction_id::text, split FROM dataset_example WHERE dataset_version_id = $1 ORDER BY request_id`,
        [fromGlobal(versionId)],
      )
    ).map((r) => ({ ...r }));
  const fromGlobal = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':').slice(1).join(':');
  const versionDir = (v: Json) => path.join(exportDir, v.name, `v${v.version}`);

  const sftLine = (e: { prompt: string; completion?: string }, system?: string) =>
    JSON.stringify({ messages: [...(system ? [{ role: 'system', content: system }] : []), { role: 'user', content: e.prompt }, { role: 'assistant', content: e.completion }] });

  // -------------------------------------------------------------------------------------------------------

  test('build flow: PENDING with a job, then READY with the job COMPLETED at 100 %; numbers monotonic per name', async () => {
    const model = `flow-${RUN}`;
    const entries = await seed(model, [
      { prompt: `How do I export my invoices ${RUN}?`, completion: 'Open Billing, choose Invoices and press Export.' },
      { prompt: `Where can I change my avatar ${RUN}?`, completion: 'Open Profile and pick Change picture.' },
      // Auto-flagged low_confidence: waiting in the review queue, so it is claimed before it is corrected.
      { prompt: `Can I delete my account ${RUN}?`, responseLogprob: -6 },
      { prompt: `Is there a dark mode ${RUN}?`, responseLogprob: -5 },
      // Not corrected: not an example.
      { prompt: `Why is the sky blue ${RUN}?` },
    ]);
    const queued = [entries[2], entries[3]];
    const refused = await server.gql(CORRECT, { input: { requestId: queued[0].requestId, completion: 'Yes, under Privacy.' } });
    assert.equal(errorCode(refused), 'FORBIDDEN', 'a queued entry needs a claim first');
    const claimed = ok(await server.gql(CLAIM, { input: { requestIds: queued.map((e) => e.requestId) } })).claimReviewItems.items;
    assert.deepEqual(claimed.map((i: Json) => i.requestId).sort(), queued.map((e) => e.requestId).sort());
    const c1 = await correct(queued[0].requestId, 'Yes: Settings, Privacy, Delete account.');
    await correct(queued[1].requestId, 'Yes: Settings, Appearance, Dark.');
    assert.deepEqual([c1.status, c1.source], ['ACCEPTED', 'OPERATOR']);

    const name = `flow-${RUN}`;
    const created = await create({ name, modelVersions: [model], systemPrompt: 'You are the support assistant.' });
    assert.equal(created.status, 'PENDING');
    assert.equal(created.version, 1);
    assert.equal(created.kind, 'TRAIN');
    assert.deepEqual(created.formats, ['SFT']);
    assert.equal(created.createdBy, 'curate-pipeline');
    assert.ok(created.job?.id, 'the payload carries the build job');
    assert.equal(created.job.name, 'DATASET_BUILD');
    assert.equal(created.contentHash, null);

    const seen = new Set<string>();
    const ready = await waitFor(
      async () => {
        const v = await version(created.id);
        seen.add(v.status);
        return v.status === 'READY' && v.job.state === 'COMPLETED' ? v : v.status === 'FAILED' ? assert.fail(`build failed: ${v.error}`) : null;
      },
      'the build',
      60_000,
    );
    assert.deepEqual([...seen].filter((s) => !['PENDING', 'BUILDING', 'READY'].includes(s)), []);
    assert.equal(ready.exampleCount, 4);
    assert.equal(ready.validationCount, 0);
    assert.match(ready.contentHash, /^[0-9a-f]{64}$/);
    assert.ok(Date.parse(ready.builtAt) >= Date.parse(ready.createdAt));
    assert.equal(ready.job.id, created.job.id);
    assert.equal(ready.job.progress.percent, 100);
    assert.equal(ready.job.progress.done, 4);
    assert.equal(ready.job.progress.total, 4);
    assert.equal(ready.job.progress.phase, 'DONE');
    assert.equal(ready.parent, null);
    assert.deepEqual(
      ready.files.map((f: Json) => [f.name, f.lines]),
      [['train.jsonl', 4]],
    );
    // job(id) agrees, for a CURATE key (training pipelines follow their builds).
    const job = ok(await server.gql(JOB, { id: created.job.id }, curate)).job;
    assert.equal(job.state, 'COMPLETED');
    assert.equal(job.progress.percent, 100);
    // A READ key sees the version too, but not its build job: jobs are CURATE's (job, jobs, node), and
    // the nested hop checks the type it leads to.
    const asReader = await server.gql(`query($id: ID!) { datasetVersion(id: $id) { status job { id } } }`, { id: created.id }, reader);
    assert.equal(asReader.data.datasetVersion.status, 'READY');
    assert.equal(asReader.data.datasetVersion.job, null);
    assert.deepEqual(asReader.errors?.map((e) => [e.extensions?.code, e.path?.join('.')]), [['FORBIDDEN', 'datasetVersion.job']]);

    // Numbers: monotonic per name, independent between names, unique under concurrent requests.
    const v2 = await create({ name, modelVersions: [model] });
    assert.equal(v2.version, 2);
    const other = await create({ name: `flow-other-${RUN}`, modelVersions: [model] });
    assert.equal(other.version, 1);
    const burst = await Promise.all([0, 1, 2].map(() => create({ name, modelVersions: [model] })));
    assert.deepEqual(burst.map((v) => v.version).sort(), [3, 4, 5]);
    const listed = ok(await server.gql(`query($n: String!) { datasetVersions(name: $n, first: 10) { totalCount nodes { version } } }`, { n: name }, reader)).datasetVersions;
    assert.equal(listed.totalCount, 5);
    assert.deepEqual(
      listed.nodes.map((n: Json) => n.version),
      [5, 4, 3, 2, 1],
      'newest first',
    );
    for (const v of [v2, other, ...burst]) assert.equal((await settled(v.id)).status, 'READY');

    // The job's result names what it built (issue: jobs show their result).
    assert.deepEqual(ok(await server.gql(JOB, { id: created.job.id }, curate)).job.output, {
      datasetVersionId: fromGlobal(created.id),
      status: 'READY',
      exampleCount: 4,
      contentHash: ready.contentHash,
    });
  });

  test('exact content: train.jsonl lines by requestId, chat format, sha256 = contentHash = ETag; manifest; same hash on rebuild', async () => {
    const model = `exact-${RUN}`;
    const system = 'You are the Flywheel support assistant. Answer briefly.';
    const id = (n: string) => `exact-${RUN}-${n}`;
    // Logged out of order; the file is ordered by requestId.
    const entries = await seed(model, [
      { requestId: id('c'), prompt: `Line one\nline "two" with a tab\tand ünïcödé — ${RUN}`, completion: 'Reply with "quotes", a back\\slash\nand a second line.' },
      { requestId: id('a'), prompt: `How do I rotate an API key ${RUN}?`, completion: 'Open Settings → Keys, press Rotate, then update your clients.' },
      { requestId: id('b'), prompt: `Что такое Flywheel ${RUN}?`, completion: 'Сервис обратной связи для моделей.' },
      { requestId: id('d'), prompt: `Not corrected ${RUN}` },
      { requestId: id('e'), prompt: `Only a proposed correction ${RUN}` },
      // Every character JSON escapes, and some it does not: the lines are built by PostgreSQL's to_json,
      // and must be JSON.stringify's bytes.
      { requestId: id('f'), prompt: `Controls \u0001\u0008\u000c\r\u001f\u007f, a separator \u2028, an emoji 😀 and a slash / ${RUN}`, completion: 'A \\"quoted\\" backslash pair: \\\\ and a bell\u0007.' },
    ]);
    // A MODEL correction below AUTO_ACCEPT_CONFIDENCE stays PROPOSED: not an example.
    const proposed = ok(await server.gql(`mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { status } } }`, {
      input: { requestId: id('e'), completion: 'A guess.', confidence: 0.2 },
    }, modelLabelKey)).submitCorrection.correction;
    assert.equal(proposed.status, 'PROPOSED');

    const name = `exact-${RUN}`;
    const v = await build({ name, modelVersions: [model], systemPrompt: system });
    const expected = [entries[1], entries[2], entries[0], entries[5]].map((e) => `${sftLine(e, system)}\n`).join('');

    const d = await download(v.id, 'train.jsonl', reader);
    assert.equal(d.status, 200);
    assert.equal(d.body.toString(), expected, 'the exact lines, ordered by requestId');
    assert.match(d.headers.get('content-type') ?? '', /ndjson/);
    const lines = jsonlLines(d.body);
    assert.equal(lines.length, 4);
    for (const [i, line] of lines.entries()) assert.deepEqual(chatLineProblems(line), [], `line ${i + 1}: ${line}`);
    assert.equal(sha256(d.body), v.contentHash);
    assert.equal(d.headers.get('etag'), `"${v.contentHash}"`);
    assert.equal(v.exampleCount, 4);
    assert.deepEqual(v.files, [{ name: 'train.jsonl', sha256: v.contentHash, bytes: d.body.length, lines: 4 }]);
    // On disk where the issue says, byte for byte the download.
    assert.equal(fs.readFileSync(path.join(exportDir, name, 'v1', 'train.jsonl')).toString(), expected);
    assert.deepEqual(fs.readdirSync(path.join(exportDir, name)), ['v1'], 'no .partial folder left');

    const m = await download(v.id, 'manifest.json', reader);
    assert.equal(m.status, 200);
    assert.equal(m.headers.get('etag'), `"${sha256(m.body)}"`);
    const manifest = JSON.parse(m.body.toString());
    assert.equal(manifest.name, name);
    assert.equal(manifest.version, 1);
    assert.equal(manifest.count, 4);
    assert.equal(manifest.sha256, v.contentHash);
    assert.deepEqual(manifest.filter, v.filter);
    assert.deepEqual(manifest.filter.modelVersions, [model]);
    assert.deepEqual(manifest.qualityReport, v.qualityReport);
    assert.equal(manifest.serviceVersion, SERVICE_VERSION);
    assert.equal(manifest.baseVersion ?? null, null);
    assert.ok(manifest.createdAt);
    assert.deepEqual(
      { candidates: v.qualityReport.candidates, accepted: v.qualityReport.accepted, excluded: v.qualityReport.excluded },
      { candidates: 4, accepted: 4, excluded: {} },
    );

    // The same filter on the same data: a new version with the same bytes.
    const again = await build({ name, modelVersions: [model], systemPrompt: system });
    assert.equal(again.version, 2);
    assert.notEqual(again.id, v.id);
    assert.equal(again.contentHash, v.contentHash);
    assert.equal((await download(again.id, 'train.jsonl')).body.toString(), expected);
  });

  test('gate: duplicates keep one, label conflicts exclude both and are listed; blank completions cannot be written', async () => {
    const model = `gate-${RUN}`;
    const entries = await seed(model, [
      // Duplicate pair: the same prompt and completion after normalisation; the earlier one is kept.
      { prompt: `What are your opening hours ${RUN}?`, completion: 'We open at nine.', occurredAt: '2026-03-01T10:00:00.000Z' },
      { prompt: `  WHAT are your   opening hours ${RUN}  `, completion: 'we open at nine', occurredAt: '2026-03-01T10:05:00.000Z' },
      // Label conflict: the same normalised prompt, two different accepted answers.
      { prompt: `Can I pay by card ${RUN}?`, completion: 'Yes, all major cards.', occurredAt: '2026-03-01T10:10:00.000Z' },
      { prompt: `can i pay by card ${RUN}`, completion: 'No, cash only.', occurredAt: '2026-03-01T10:15:00.000Z' },
      // Ordinary examples.
      { prompt: `Do you ship abroad ${RUN}?`, completion: 'Yes, to the EU and the UK.', occurredAt: '2026-03-01T10:20:00.000Z' },
      { prompt: `How long is the warranty ${RUN}?`, completion: 'Two years.', occurredAt: '2026-03-01T10:25:00.000Z' },
    ]);
    // Completeness: the API never stores an empty or blank completion (so `incomplete` cannot be crafted here).
    for (const blank of ['', '   \n\t']) {
      assert.equal(errorCode(await server.gql(CORRECT, { input: { requestId: entries[4].requestId, completion: blank } })), 'BAD_USER_INPUT');
    }

    const v = await build({ name: `gate-${RUN}`, modelVersions: [model] });
    const r = v.qualityReport;
    assert.equal(r.candidates, 6);
    assert.equal(r.accepted, 3);
    assert.deepEqual(r.excluded, { duplicate: 1, label_conflict: 2 });
    assert.deepEqual(r.labelConflictPromptKeys, [promptKey(entries[2].prompt)]);
    assert.equal(promptKey(entries[2].prompt), promptKey(entries[3].prompt));
    assert.equal(v.exampleCount, 3);
    // The API's own conflict list agrees.
    const conflicts = ok(await server.gql(`query { labelConflicts(first: 100) { nodes { promptKey } } }`, {}, reader)).labelConflicts.nodes.map((n: Json) => n.promptKey);
    assert.ok(conflicts.includes(promptKey(entries[2].prompt)), JSON.stringify(conflicts));

    const kept = [entries[0], entries[4], entries[5]];
    assert.deepEqual(
      (await members(v.id)).map((m) => m.request_id),
      kept.map((e) => e.requestId).sort(),
    );
    const body = (await download(v.id, 'train.jsonl')).body.toString();
    assert.equal(
      body,
      kept
        .sort((a, b) => (a.requestId < b.requestId ? -1 : 1))
        .map((e) => `${sftLine(e)}\n`)
        .join(''),
    );
  });

  test('gate: a prompt in a READY EVAL version never enters a TRAIN version (eval_contamination)', async () => {
    const gold = await seed(`gold-${RUN}`, [
      { prompt: `How do I cancel my subscription ${RUN}?`, completion: 'Billing, then Cancel plan.' },
      { prompt: `How do I add a teammate ${RUN}?`, completion: 'Team, then Invite.' },
    ]);
    const ev = await build({ name: `gold-${RUN}`, kind: 'EVAL', modelVersions: [`gold-${RUN}`] });
    assert.equal(ev.kind, 'EVAL');
    assert.equal(ev.exampleCount, 2);

    const train = await seed(`train-${RUN}`, [
      // The gold prompts, written differently, with the same answers (so no label conflict either).
      { prompt: `how do I CANCEL my subscription ${RUN}`, completion: 'Billing, then Cancel plan.' },
      { prompt: `How do I add a teammate ${RUN}?`, completion: 'Team, then Invite.' },
      { prompt: `How do I change my email ${RUN}?`, completion: 'Profile, then Email.' },
      { prompt: `How do I enable two-factor login ${RUN}?`, completion: 'Security, then Two-factor.' },
    ]);
    assert.equal(promptKey(train[0].prompt), promptKey(gold[0].prompt));
    const v = await build({ name: `train-${RUN}`, modelVersions: [`train-${RUN}`] });
    assert.equal(v.qualityReport.excluded.eval_contamination, 2);
    assert.equal(v.exampleCount, 2);
    assert.deepEqual(
      (await members(v.id)).map((m) => m.request_id),
      [train[2].requestId, train[3].requestId].sort(),
    );
    // The EVAL version itself is not "contaminated" by its own prompts.
    assert.equal(ev.qualityReport.excluded.eval_contamination, undefined);
  });

  /** Built once, used by the drift test and the tests that need a version that is not READY. */
  let shifted: Promise<{ base: Json; failed: Json; baseEntries: Entry[]; newEntries: Entry[]; name: string; model: string }> | undefined;
  function shiftedDistribution() {
    shifted ??= (async () => {
      const name = `drift-${RUN}`;
      const words = ['reset', 'invoice', 'avatar', 'refund', 'export', 'login', 'team', 'plan', 'email', 'theme'];
      const baseEntries = await seed(`drift-base-${RUN}`, words.flatMap((w, i) => [
        { prompt: `How do I ${w} my account ${RUN} ${i}a?`, completion: `Open ${w} settings.` },
        { prompt: `Where is the ${w} page ${RUN} ${i}b?`, completion: `Under Settings, ${w}.` },
      ]));
      const base = await build({ name, modelVersions: [`drift-base-${RUN}`] });
      assert.equal(base.exampleCount, 20);
      const model = `drift-new-${RUN}`;
      const long = (i: number) => `Please read this very long complaint ${RUN} ${i}: ${'the checkout page keeps spinning and nothing happens '.repeat(60)}`;
      const newEntries = await seed(model, [
        ...[0, 1, 2, 3, 4].map((i) => ({ prompt: long(i), completion: `Sorry about that, case ${'abcde'[i]}.` })),
        ...['пароль', 'счёт', 'аватар', 'возврат', 'экспорт'].map((w, i) => ({ prompt: `Как мне изменить ${w} в аккаунте, вариант ${'абвгд'[i]}?`, completion: `Откройте настройки: ${w}.` })),
      ]);
      const created = await create({ name, baseVersionId: base.id, modelVersions: [model] });
      assert.equal(created.version, 2);
      const failed = await settled(created.id);
      return { base, failed, baseEntries, newEntries, name, model };
    })();
    return shifted;
  }

  test('gate: a shifted distribution (very long or Cyrillic prompts) fails the build above maxPsi; an override builds it', async () => {
    const { base, failed, name, model, baseEntries, newEntries } = await shiftedDistribution();
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.error ?? '', /maxPsi/);
    const dist = failed.qualityReport?.distribution;
    assert.ok(dist, JSON.stringify(failed.qualityReport));
    assert.equal(dist.passed, false);
    assert.equal(dist.maxPsi, 0.25);
    assert.equal(dist.comparedExamples, 10);
    assert.equal(dist.referenceExamples, 20);
    assert.ok(Math.max(dist.psi.promptLength, dist.psi.scriptMix) > 0.25, JSON.stringify(dist.psi));
    assert.ok(dist.psi.promptLength > 0.25 && dist.psi.scriptMix > 0.25, 'both the long and the Cyrillic prompts move their statistic');
    assert.equal(failed.contentHash, null);
    assert.deepEqual(failed.files, []);
    // The job did its work (the gate's refusal is its answer) and is not retried: COMPLETED, with the
    // refusal in its output; the version is the one that is FAILED.
    assert.equal(failed.job.state, 'COMPLETED');
    assert.equal(failed.job.output?.status, 'FAILED');
    // Nothing of it exists: no files, no membership.
    assert.equal(fs.existsSync(versionDir(failed)), false, 'no folder for the failed version');
    assert.equal(fs.existsSync(`${versionDir(failed)}.partial`), false, 'no partial folder');
    assert.deepEqual(fs.readdirSync(path.join(exportDir, name)), ['v1']);
    assert.deepEqual(await members(failed.id), []);
    // Not READY → no download.
    const d = await download(failed.id, 'train.jsonl');
    assert.equal(d.status, 404);
    assert.equal(errorOf(d), 'NOT_FOUND');
    assert.equal((await download(failed.id, 'manifest.json')).status, 404);

    // The same request with the threshold raised goes through, and says it compared.
    const v = await build({ name, baseVersionId: base.id, modelVersions: [model], maxPsi: 100 });
    assert.equal(v.version, 3);
    assert.equal(v.qualityReport.distribution.passed, true);
    assert.equal(v.qualityReport.distribution.maxPsi, 100);
    assert.equal(v.exampleCount, 30);
    assert.deepEqual(
      (await members(v.id)).map((m) => m.request_id),
      [...baseEntries, ...newEntries].map((e) => e.requestId).sort(),
    );
    // A version without a base or reference has nothing to compare with, and says so.
    assert.equal(base.qualityReport.distribution.referenceVersionId, null);
  });

  test('base/extend: version 2 holds the base examples plus the new ones; a duplicate of a base member is excluded', async () => {
    const name = `extend-${RUN}`;
    const first = await seed(`extend-a-${RUN}`, [
      { prompt: `How do I print a receipt ${RUN}?`, completion: 'Orders, then Print.' },
      { prompt: `How do I rename a project ${RUN}?`, completion: 'Project, then Rename.' },
      { prompt: `How do I archive a project ${RUN}?`, completion: 'Project, then Archive.' },
    ]);
    const base = await build({ name, modelVersions: [`extend-a-${RUN}`] });
    const second = await seed(`extend-b-${RUN}`, [
      { prompt: `How do I restore a project ${RUN}?`, completion: 'Archive, then Restore.' },
      { prompt: `How do I share a project ${RUN}?`, completion: 'Project, then Share.' },
      // (prompt, completion) of a base member, another entry: duplicate_of_base.
      { prompt: `how do I print a receipt ${RUN}`, completion: 'orders, then print' },
    ]);
    // The filter covers the base's own entries too: they are members once, through the base.
    const v = await build({ name, baseVersionId: base.id, modelVersions: [`extend-a-${RUN}`, `extend-b-${RUN}`] });
    assert.equal(v.version, 2);
    assert.equal(v.parent.id, base.id);
    assert.equal(v.exampleCount, 5);
    assert.equal(v.qualityReport.excluded.duplicate_of_base, 1);
    assert.equal(v.qualityReport.excluded.in_base, undefined, 'entries already in the base are not "excluded"');
    assert.equal(v.qualityReport.base.examples, 3);
    assert.equal(v.qualityReport.distribution.passed, true);
    const expected = [...first, second[0], second[1]];
    assert.deepEqual(
      (await members(v.id)).map((m) => m.request_id),
      expected.map((e) => e.requestId).sort(),
    );
    // The base members keep their correction (the one they were built with).
    const baseMembers = await members(base.id);
    const vMembers = await members(v.id);
    for (const b of baseMembers) assert.equal(vMembers.find((m) => m.request_id === b.request_id)?.correction_id, b.correction_id);
    const body = (await download(v.id, 'train.jsonl')).body.toString();
    assert.equal(
      body,
      expected
        .sort((a, b) => (a.requestId < b.requestId ? -1 : 1))
        .map((e) => `${sftLine(e)}\n`)
        .join(''),
    );
    const manifest = JSON.parse((await download(v.id, 'manifest.json')).body.toString());
    assert.equal(manifest.baseVersion, fromGlobal(base.id), 'the manifest names its base version');
  });

  test('validation split: validationFraction 0.5 writes validation.jsonl, by a hash of the entry; a rebuild keeps each entry on its side', async () => {
    const model = `split-${RUN}`;
    const entries = await seed(
      model,
      Array.from({ length: 24 }, (_, i) => ({ requestId: `split-${RUN}-${String(i).padStart(2, '0')}`, prompt: `Split question ${RUN} ${'abcdefghijklmnopqrstuvwx'[i]}?`, completion: `Answer ${'abcdefghijklmnopqrstuvwx'[i]}.` })),
    );
    const name = `split-${RUN}`;
    const v = await build({ name, modelVersions: [model], validationFraction: 0.5 });
    const side = (e: Entry) => expectedSplit(e.requestId, 0.5);
    const valid = entries.filter((e) => side(e) === 'VALIDATION');
    const train = entries.filter((e) => side(e) === 'TRAIN');
    assert.ok(valid.length > 0 && train.length > 0, 'both sides hold examples');
    assert.equal(v.exampleCount, 24);
    assert.equal(v.validationCount, valid.length);
    assert.deepEqual(v.files.map((f: Json) => f.name).sort(), ['train.jsonl', 'validation.jsonl']);
    const t = (await download(v.id, 'train.jsonl')).body.toString();
    const val = await download(v.id, 'validation.jsonl');
    assert.equal(val.status, 200);
    assert.equal(t, train.map((e) => `${sftLine(e)}\n`).join(''));
    assert.equal(val.body.toString(), valid.map((e) => `${sftLine(e)}\n`).join(''));
    for (const line of jsonlLines(val.body)) assert.deepEqual(chatLineProblems(line), []);
    assert.equal(val.headers.get('etag'), `"${sha256(val.body)}"`);
    assert.equal(sha256(t), v.contentHash, 'contentHash is train.jsonl');
    const manifest = JSON.parse((await download(v.id, 'manifest.json')).body.toString());
    assert.equal(manifest.count, train.length, 'manifest count is the train file');

    const again = await build({ name, modelVersions: [model], validationFraction: 0.5 });
    assert.deepEqual(
      (await members(again.id)).map((m) => [m.request_id, m.split]),
      (await members(v.id)).map((m) => [m.request_id, m.split]),
    );
    assert.equal(again.contentHash, v.contentHash);
    assert.equal(again.files.find((f: Json) => f.name === 'validation.jsonl').sha256, sha256(val.body));
  });

  test('preference format: preference.jsonl pairs the correction (preferred) with the response; a correction equal to the response is no preference', async () => {
    const model = `pref-${RUN}`;
    const entries = await seed(model, [
      { requestId: `pref-${RUN}-1`, prompt: `How do I reset my password ${RUN}?`, response: 'Contact support.', completion: 'Settings, Security, Reset password.' },
      // Equal after normalisation (case, whitespace, trailing punctuation): an example, but no preference.
      { requestId: `pref-${RUN}-2`, prompt: `How do I log out ${RUN}?`, response: 'Press Log out in the menu.', completion: '  press LOG OUT   in the menu!! ' },
      { requestId: `pref-${RUN}-3`, prompt: `How do I add a card ${RUN}?`, response: 'You cannot.', completion: 'Billing, then Add card.' },
      // Negative feedback, no correction: never a preferred output.
      { requestId: `pref-${RUN}-4`, prompt: `How do I close a ticket ${RUN}?`, response: 'Press Close.' },
    ]);
    ok(await server.gql(`mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { created } }`, { input: { requestId: entries[3].requestId, kind: 'THUMBS_DOWN' } }, feedbackKey));

    const system = 'Be brief.';
    const v = await build({ name: `pref-${RUN}`, modelVersions: [model], formats: ['SFT', 'PREFERENCE'], systemPrompt: system });
    assert.deepEqual([...v.formats].sort(), ['PREFERENCE', 'SFT']);
    assert.equal(v.exampleCount, 3);
    assert.equal(v.qualityReport.preference.excludedNoPreference, 1);
    const pair = (e: Entry) =>
      JSON.stringify({
        input: { messages: [{ role: 'system', content: system }, { role: 'user', content: e.prompt }] },
        preferred_output: [{ role: 'assistant', content: e.completion }],
        non_preferred_output: [{ role: 'assistant', content: e.response }],
      });
    const p = await download(v.id, 'preference.jsonl');
    assert.equal(p.status, 200);
    assert.equal(p.body.toString(), `${pair(entries[0])}\n${pair(entries[2])}\n`);
    for (const line of jsonlLines(p.body)) assert.deepEqual(preferenceLineProblems(line), [], line);
    const pf = v.files.find((f: Json) => f.name === 'preference.jsonl');
    assert.equal(pf.sha256, sha256(p.body));
    assert.equal(pf.lines, 2);
    assert.equal(p.headers.get('etag'), `"${pf.sha256}"`);
    // The SFT file holds all three examples, and stays the content hash.
    const t = await download(v.id, 'train.jsonl');
    assert.equal(t.body.toString(), [entries[0], entries[1], entries[2]].map((e) => `${sftLine(e, system)}\n`).join(''));
    assert.equal(v.contentHash, sha256(t.body));
    assert.ok(!p.body.toString().includes(entries[3].prompt) && !t.body.toString().includes(entries[3].prompt));

    // Preference only: no train.jsonl, and the hash is preference.jsonl's.
    const only = await build({ name: `pref-only-${RUN}`, modelVersions: [model], formats: ['PREFERENCE'], systemPrompt: system });
    assert.deepEqual(only.files.map((f: Json) => f.name), ['preference.jsonl']);
    assert.equal(only.contentHash, sha256(p.body));
    assert.equal((await download(only.id, 'train.jsonl')).status, 404);
  });

  test('downloads: 401 without a key, 403 for FEEDBACK and INGEST, 200 for READ and CURATE, 404 for unknown, 206 for a range', async () => {
    await seed(`dl-${RUN}`, [
      { prompt: `Download question one ${RUN}?`, completion: 'Answer one.' },
      { prompt: `Download question two ${RUN}?`, completion: 'Answer two.' },
    ]);
    const v = await build({ name: `dl-${RUN}`, modelVersions: [`dl-${RUN}`] });
    const full = await download(v.id, 'train.jsonl', reader);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    assert.equal(Number(full.headers.get('content-length')), full.body.length);

    const none = await download(v.id, 'train.jsonl', null);
    assert.equal(none.status, 401);
    assert.equal(errorOf(none), 'UNAUTHENTICATED');
    assert.match(none.headers.get('www-authenticate') ?? '', /Bearer/);
    const bogus = await download(v.id, 'train.jsonl', 'fw_not_a_real_key_0123456789abcdef');
    assert.equal(bogus.status, 401);
    for (const key of [feedbackKey, ingestKey]) {
      const d = await download(v.id, 'train.jsonl', key);
      assert.equal(d.status, 403);
      assert.equal(errorOf(d), 'FORBIDDEN');
      assert.ok(!d.body.toString().includes('Answer one'), 'no content to a key without the scope');
    }
    for (const key of [reader, curate, ADMIN_KEY]) {
      const d = await download(v.id, 'train.jsonl', key);
      assert.equal(d.status, 200);
      assert.deepEqual(d.body, full.body);
      assert.equal((await download(v.id, 'manifest.json', key)).status, 200);
    }

    for (const [idPart, file] of [
      [toGlobalId('DatasetVersion', crypto.randomUUID()), 'train.jsonl'],
      [toGlobalId('DatasetVersion', 'not-a-uuid'), 'train.jsonl'],
      [toGlobalId('Job', crypto.randomUUID()), 'train.jsonl'],
      ['garbage!', 'train.jsonl'],
      [v.id, 'validation.jsonl'],
      [v.id, 'secrets.txt'],
      [v.id, '..%2F..%2Fpackage.json'],
    ]) {
      const d = await download(idPart, file, reader);
      assert.equal(d.status, 404, `${idPart}/${file}`);
      assert.equal(errorOf(d), 'NOT_FOUND');
    }

    // Resume: bytes=10- is the rest of the file, under the same ETag.
    const part = await download(v.id, 'train.jsonl', reader, { range: 'bytes=10-' });
    assert.equal(part.status, 206);
    assert.deepEqual(part.body, full.body.subarray(10));
    assert.equal(part.headers.get('content-range'), `bytes 10-${full.body.length - 1}/${full.body.length}`);
    assert.equal(part.headers.get('etag'), `"${v.contentHash}"`);
    const resumed = await download(v.id, 'train.jsonl', reader, { range: 'bytes=10-', 'if-range': `"${v.contentHash}"` });
    assert.equal(resumed.status, 206);
    const revalidate = await download(v.id, 'train.jsonl', reader, { 'if-none-match': `"${v.contentHash}"` });
    assert.equal(revalidate.status, 304);

    // A version that is not READY has nothing to download (status moves only towards READY/FAILED, so
    // if it is still not READY after the request, it was not READY during it).
    const pending = await create({ name: `dl-${RUN}`, modelVersions: [`dl-${RUN}`] });
    const early = await download(pending.id, 'train.jsonl', reader);
    const later = await version(pending.id);
    if (later.status !== 'READY') assert.equal(early.status, 404);
    const { failed } = await shiftedDistribution();
    assert.equal((await download(failed.id, 'train.jsonl', reader)).status, 404);
    await settled(pending.id);
  });

  test('scopes and bad input: CURATE builds; READ is FORBIDDEN; bad name, fraction, unknown or unbuilt base are refused', async () => {
    const input = { name: `scopes-${RUN}`, modelVersions: [`scopes-${RUN}`] };
    for (const key of [reader, ingestKey, feedbackKey, annotateKey]) {
      const r = await server.gql(CREATE, { input }, key);
      assert.equal(errorCode(r), 'FORBIDDEN');
    }
    assert.equal(errorCode(await server.gql(CREATE, { input }, null)), 'UNAUTHENTICATED');
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM dataset_version WHERE name = $1`, [input.name]))[0].n, 0, 'nothing recorded');
    // cancelJob needs CURATE (or ADMIN) too.
    const own = await create(input);
    assert.equal(errorCode(await server.gql(CANCEL, { input: { jobId: own.job.id } }, reader)), 'FORBIDDEN');

    const problemFields = (r: Json) => (r.errors?.[0]?.extensions?.problems ?? []).map((p: Json) => p.field);
    const badName = await server.gql(CREATE, { input: { ...input, name: 'my dataset' } });
    assert.equal(errorCode(badName), 'BAD_USER_INPUT');
    assert.deepEqual(problemFields(badName), ['name']);
    const badFraction = await server.gql(CREATE, { input: { ...input, validationFraction: 1.5 } });
    assert.equal(errorCode(badFraction), 'BAD_USER_INPUT');
    assert.deepEqual(problemFields(badFraction), ['validationFraction']);
    const unknownBase = await server.gql(CREATE, { input: { ...input, baseVersionId: toGlobalId('DatasetVersion', crypto.randomUUID()) } }, curate);
    assert.equal(errorCode(unknownBase), 'NOT_FOUND');
    const wrongType = await server.gql(CREATE, { input: { ...input, baseVersionId: toGlobalId('Job', crypto.randomUUID()) } }, curate);
    assert.equal(errorCode(wrongType), 'BAD_USER_INPUT');
    const { failed } = await shiftedDistribution();
    const unbuilt = await server.gql(CREATE, { input: { ...input, baseVersionId: failed.id } }, curate);
    assert.equal(errorCode(unbuilt), 'BAD_USER_INPUT');
    assert.deepEqual(problemFields(unbuilt), ['baseVersionId']);
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM dataset_version WHERE name = $1`, [input.name]))[0].n, 1, 'refused requests record nothing');
    await settled(own.id);
  });

  test('immutability: later corrections change nothing in a READY version; its member rows are never compacted', async () => {
    const model = `imm-${RUN}`;
    const entries = await seed(model, [
      { prompt: `How do I merge two accounts ${RUN}?`, completion: 'Ask support to merge them.' },
      { prompt: `How do I leave a team ${RUN}?`, completion: 'Team, then Leave.' },
      { prompt: `How do I download my data ${RUN}?`, completion: 'Privacy, then Download.' },
      { prompt: `An uncorrected control row ${RUN}` },
    ]);
    const v = await build({ name: `imm-${RUN}`, modelVersions: [model] });
    const snap = { v, members: await members(v.id), body: (await download(v.id, 'train.jsonl')).body, manifest: (await download(v.id, 'manifest.json')).body };
    assert.equal(v.exampleCount, 3);

    // New accepted corrections matching the filter: a new entry, a correction of the control row, and a
    // second, different answer for a member (which makes it a label conflict from now on).
    await seed(model, [{ prompt: `How do I pin a message ${RUN}?`, completion: 'Hover, then Pin.' }]);
    await correct(entries[1].requestId, 'Open Team settings and press Leave team.');
    const now = await version(v.id);
    for (const f of ['status', 'exampleCount', 'validationCount', 'contentHash', 'qualityReport', 'files', 'builtAt']) assert.deepEqual(now[f], v[f], f);
    assert.deepEqual(await members(v.id), snap.members);
    assert.deepEqual((await download(v.id, 'train.jsonl')).body, snap.body);
    assert.deepEqual((await download(v.id, 'manifest.json')).body, snap.manifest);
    // The new data would change a new version (so the unchanged one above is not a coincidence).
    const next = await build({ name: `imm-${RUN}`, modelVersions: [model] });
    assert.notEqual(next.contentHash, v.contentHash);
    assert.deepEqual(next.qualityReport.excluded, { label_conflict: 1 });

    // Compaction: make every row of the test old and keepless, so only references can save them.
    const ids = [...entries.map((e) => e.requestId)];
    const control = (await seed(model, [{ prompt: `Another uncorrected control row ${RUN}` }]))[0].requestId;
    await server.sql(`UPDATE inference_log SET received_at = now() - interval '30 days', keep_reasons = '{}' WHERE request_id = ANY($1)`, [[...ids, control]]);
    const job = ok(await server.gql(`mutation { compactLogs(input: { graceHours: 0 }) { job { id } } }`)).compactLogs.job;
    const done = await waitFor(async () => {
      const j = ok(await server.gql(JOB, { id: job.id })).job;
      return ['COMPLETED', 'FAILED'].includes(j.state) ? j : null;
    }, 'compaction');
    assert.equal(done.state, 'COMPLETED', JSON.stringify(done.output));
    const left = (await server.sql<{ request_id: string }>(`SELECT request_id FROM inference_log WHERE request_id = ANY($1) ORDER BY 1`, [[...ids, control]])).map((r) => r.request_id);
    assert.ok(!left.includes(control), 'the unreferenced control row was compacted (compaction did run on these rows)');
    for (const m of snap.members) assert.ok(left.includes(m.request_id), `member ${m.request_id} is still stored`);
    assert.deepEqual(await members(v.id), snap.members);
    const d = await download(v.id, 'train.jsonl');
    assert.equal(d.status, 200);
    assert.deepEqual(d.body, snap.body);
    assert.equal((await version(v.id)).status, 'READY');
  });

  // -------------------------------------------------------------------------------------------------------
  // Cancel. 3000 examples so the build takes a moment. The 3000 entries are logged through the API
  // (logInferences, 1000 per batch); their ACCEPTED corrections are written with one SQL INSERT, because
  // 3000 submitCorrection round trips would dominate the run time (minutes on the embedded database)
  // and test nothing this file is about. The rows are what submitCorrection writes for an OPERATOR
  // correction of an entry outside the review queue (same prompt_key/completion_key normalisation).

  let bigModel: Promise<string> | undefined;
  function bigSeed(): Promise<string> {
    bigModel ??= (async () => {
      const model = `big-${RUN}`;
      const entries = await seed(
        model,
        Array.from({ length: 3000 }, (_, i) => ({ requestId: `big-${RUN}-${String(i).padStart(4, '0')}`, prompt: `Bulk question ${RUN} number ${i.toString(36)}?` })),
      );
      const completions = entries.map((e, i) => `Bulk answer ${i.toString(36)}.`);
      await server.sql(
        `INSERT INTO correction (request_id, completion, source, annotator, status, prompt_key, completion_key)
         SELECT r, c, 'OPERATOR', 'bulk-fixture', 'ACCEPTED', pk, ck FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(r, c, pk, ck)`,
        [entries.map((e) => e.requestId), completions, entries.map((e) => promptKey(e.prompt)), completions.map(promptKey)],
      );
      return model;
    })();
    return bigModel;
  }

  /** After a cancel: one of the two consistent ends, nothing half-built either way. */
  async function assertConsistentAfterCancel(id: string): Promise<Json> {
    let v: Json;
    const deadline = Date.now() + 30_000;
    for (;;) {
      v = await version(id);
      if (['READY', 'FAILED'].includes(v.status) && ['COMPLETED', 'FAILED', 'CANCELLED'].includes(v.job.state)) break;
      if (Date.now() > deadline) assert.fail(`a cancelled build must end FAILED ("cancelled") or READY; it is still ${v.status} with its job ${v.job.state}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const dir = versionDir(v);
    assert.equal(fs.existsSync(`${dir}.partial`), false, 'no .partial folder remains');
    const rows = (await server.sql(`SELECT count(*)::int AS n FROM dataset_example WHERE dataset_version_id = $1`, [fromGlobal(id)]))[0].n;
    if (v.status === 'FAILED') {
      assert.equal(v.error, 'cancelled');
      assert.equal(v.job.state, 'CANCELLED');
      assert.equal(rows, 0, 'a FAILED version has no members');
      assert.equal(fs.existsSync(dir), false, 'and no files');
      assert.equal(v.contentHash, null);
      assert.deepEqual(v.files, []);
      assert.equal((await download(id, 'train.jsonl')).status, 404);
      // Its counts must not describe a membership it does not have.
      assert.ok(v.exampleCount == null || v.exampleCount === 0, `a FAILED version claims no examples (exampleCount ${v.exampleCount})`);
    } else {
      assert.equal(v.job.state, 'COMPLETED', 'a build that won the race completed');
      assert.equal(v.exampleCount, 3000);
      assert.equal(rows, 3000);
      const d = await download(id, 'train.jsonl');
      assert.equal(d.status, 200);
      assert.equal(sha256(d.body), v.contentHash);
      assert.equal(jsonlLines(d.body).length, 3000);
    }
    return v;
  }

  test('cancel right after create (the job may not have started): FAILED "cancelled" or READY, nothing half-built', async () => {
    const model = await bigSeed();
    const created = await create({ name: `cancel-${RUN}`, modelVersions: [model] });
    const c = await server.gql(CANCEL, { input: { jobId: created.job.id } }, curate);
    const job = ok(c).cancelJob.job;
    assert.equal(job.id, created.job.id);
    assert.ok(['CANCELLED', 'COMPLETED'].includes(job.state), job.state);
    await assertConsistentAfterCancel(created.id);
  });

  test('cancel while building: FAILED "cancelled" or READY, nothing half-built', async () => {
    const model = await bigSeed();
    const created = await create({ name: `cancel-${RUN}`, modelVersions: [model] });
    // Cancel as soon as the build has started.
    await waitFor(
      async () => {
        const v = await version(created.id);
        return v.status !== 'PENDING' || v.job.state === 'ACTIVE';
      },
      'the build to start',
      60_000,
    );
    ok(await server.gql(CANCEL, { input: { jobId: created.job.id } }, curate));
    await assertConsistentAfterCancel(created.id);
    // The data was fine: an uncancelled build of it completes.
    const v = await build({ name: `cancel-${RUN}`, modelVersions: [model] });
    assert.equal(v.exampleCount, 3000);
    assert.deepEqual(fs.readdirSync(path.join(exportDir, `cancel-${RUN}`)).filter((f) => f.endsWith('.partial')), []);
  });
});
