import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { chatLineProblems, jsonlLines, preferenceLineProblems } from './helpers/fine-tuning-format';
import { MainProcess, startMain } from './helpers/main-process';
import { waitFor } from './helpers/test-server';

/**
 * The README's "From logs to a training file, step by step", as a newcomer follows it: the process
 * `npm start` runs (embedded database, fresh DATA_DIR, no ADMIN_API_KEY, so it prints its admin key
 * once), the operations the README quotes (docs/examples, which the codegen test holds verbatim to the
 * README), the variables the README writes, and the README's own `curl` lines for the download.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const README = fs.readFileSync(path.join(REPO_ROOT, 'README.md'), 'utf8');
const sha256 = (b: Buffer | string) => crypto.createHash('sha256').update(b).digest('hex');
const run = promisify(execFile);

/** The README text from a heading to the next heading of the same or a higher level (outside code fences). */
function section(heading: string): string {
  const lines = README.split('\n');
  const start = lines.indexOf(heading);
  assert.ok(start >= 0, `README has a "${heading}" section`);
  const level = /^#+/.exec(heading)![0].length;
  let fenced = false;
  let end = start + 1;
  for (; end < lines.length; end++) {
    if (lines[end].startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^(#+) /.exec(lines[end]);
    if (m && m[1].length <= level) break;
  }
  return lines.slice(start + 1, end).join('\n');
}

const operation = (file: string) => fs.readFileSync(path.join(REPO_ROOT, 'docs', 'examples', `${file}.graphql`), 'utf8');

describe('the README walk-through: log, feedback, correct, build, watch the job, download', () => {
  let main: MainProcess;
  let workDir: string;

  before(async () => {
    main = await startMain({ ADMIN_API_KEY: undefined }, 'flywheel-walkthrough-');
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-walkthrough-files-'));
  });
  after(async () => {
    await main?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  test('every step works as written, and the file passes the chat fine-tuning format rules', async () => {
    const steps = section('### From logs to a training file, step by step');
    const gql = async (file: string, variables: unknown, key: string) => {
      const res = await fetch(`${main.base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: operation(file), variables }),
      });
      const body = (await res.json()) as { data?: any; errors?: unknown };
      assert.equal(body.errors, undefined, `${file}: ${JSON.stringify(body.errors)}`);
      return body.data;
    };

    // 1. The admin key, printed once.
    const admin = /Admin API key \(shown once[^)]*\):\s+(\S+)/.exec(main.output())?.[1];
    assert.ok(admin, `the start prints an admin key:\n${main.output()}`);

    // 2. One key per actor, with the README's variables.
    const keyInputs = [...steps.matchAll(/`(\{"input": \{"name": [^`]+\}\})`/g)].map((m) => JSON.parse(m[1]));
    assert.deepEqual(
      keyInputs.map((k) => k.input.scopes[0]),
      ['INGEST', 'FEEDBACK', 'ANNOTATE', 'CURATE'],
    );
    const keys: Record<string, string> = {};
    for (const variables of keyInputs) keys[variables.input.scopes[0]] = (await gql('create-api-key', variables, admin)).createApiKey.secret;

    // 3. The endpoint logs its traffic.
    const rows = Array.from({ length: 12 }, (_, i) => ({
      requestId: `walk-${String(i).padStart(2, '0')}`,
      modelVersion: 'support-v1',
      prompt: `My parcel for order ${4711 + i} has not arrived after ${3 + (i % 5)} days. Where is it?`,
      response: 'Please wait.',
      latencyMs: 420,
      userId: `customer-${i}`,
    }));
    const logged = (await gql('log-inferences', { input: { items: rows } }, keys.INGEST)).logInferences.results;
    assert.equal(logged.length, rows.length);

    // 4. Thumbs-down on 8 of them, with the README's variables (the request id filled in).
    const feedbackVars = JSON.parse(/`(\{"input": \{"requestId": "…", "kind": "THUMBS_DOWN"\}\})`/.exec(steps)![1]);
    const disliked = rows.slice(0, 8).map((r) => r.requestId);
    for (const requestId of disliked) {
      const fb = await gql('submit-feedback', { input: { ...feedbackVars.input, requestId } }, keys.FEEDBACK);
      assert.equal(fb.submitFeedback.created, true);
    }

    // 5. Ana claims the queue and corrects each item.
    const claimVars = JSON.parse(/`(\{"input": \{"count": \d+\}\})`/.exec(steps)![1]);
    const items = (await gql('claim-review-items', claimVars, keys.ANNOTATE)).claimReviewItems.items;
    assert.deepEqual(items.map((i: any) => i.requestId).sort(), disliked, 'the thumbs-down entries are the queue');
    const correctVars = JSON.parse(/`(\{"input": \{"requestId": "…", "completion": "[^"]+"\}\})`/.exec(steps)![1]);
    assert.ok(correctVars.input.completion);
    for (const item of items) {
      const completion = `I am sorry about the delay. Your parcel for ${item.entry.prompt.match(/order \d+/)[0]} is at the local depot; it will be delivered tomorrow.`;
      const c = await gql('submit-correction', { input: { ...correctVars.input, requestId: item.requestId, completion } }, keys.ANNOTATE);
      assert.equal(c.submitCorrection.correction.status, 'ACCEPTED');
    }

    // 6. The training pipeline builds a version with the README's variables, and watches it.
    const datasetVars = JSON.parse(/Variables, for example: `(\{"input": .+?\})`\./.exec(section('## Curate: dataset versions for training'))![1]);
    const created = (await gql('create-dataset-version', datasetVars, keys.CURATE)).createDatasetVersion.datasetVersion;
    assert.equal(created.status, 'PENDING');
    const v = await waitFor(
      async () => {
        const d = (await gql('dataset-version', { id: created.id }, keys.CURATE)).datasetVersion;
        return d.status === 'READY' || d.status === 'FAILED' ? d : null;
      },
      'the dataset version to be built',
      60_000,
    );
    assert.equal(v.status, 'READY', `${v.error} ${JSON.stringify(v.qualityReport)}`);
    assert.equal(v.exampleCount, disliked.length);
    // The version is READY a moment before its job is marked done.
    const job = await waitFor(
      async () => {
        const j = (await gql('dataset-version', { id: created.id }, keys.CURATE)).datasetVersion.job;
        return j.state === 'COMPLETED' ? j : null;
      },
      'the build job to complete',
    );
    assert.deepEqual([job.progress.phase, job.progress.percent], ['DONE', 100]);
    const jobs = (await gql('jobs', { filter: { name: 'DATASET_BUILD' }, first: 10 }, keys.CURATE)).jobs;
    assert.ok(jobs.nodes.some((j: any) => j.id === v.job.id && j.state === 'COMPLETED'), 'the build is in the jobs list');

    // 7. The README's curl lines, as written (the port is this test's).
    const curl = [...section('## Curate: dataset versions for training').matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]).find((b) => b.includes('/exports/'));
    assert.ok(curl, 'the README shows how to download');
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', curl.replaceAll('http://127.0.0.1:4000', main.base)], {
      cwd: workDir,
      env: { PATH: process.env.PATH, KEY: keys.CURATE, DATASET_VERSION_ID: v.id },
    });
    const train = fs.readFileSync(path.join(workDir, 'train.jsonl'));
    assert.equal(sha256(train), v.contentHash);
    const trainLines = jsonlLines(train);
    assert.equal(trainLines.length + v.validationCount, v.exampleCount);
    assert.ok(trainLines.length > 0);
    for (const line of trainLines) assert.deepEqual(chatLineProblems(line), [], line);
    for (const line of trainLines) assert.equal(JSON.parse(line).messages[0].content, datasetVars.input.systemPrompt);
    const manifest = JSON.parse(stdout);
    assert.equal(manifest.sha256, v.contentHash);
    assert.equal(manifest.count, trainLines.length);
    // No raw user id anywhere in what was written.
    assert.ok(!train.toString().includes('customer-'));

    // The preference pairs the README's variables ask for follow the DPO layout.
    const pref = await fetch(`${main.base}/exports/${v.id}/preference.jsonl`, { headers: { authorization: `Bearer ${keys.CURATE}` } });
    assert.equal(pref.status, 200);
    for (const line of jsonlLines(Buffer.from(await pref.arrayBuffer()))) assert.deepEqual(preferenceLineProblems(line), [], line);
  });
});
