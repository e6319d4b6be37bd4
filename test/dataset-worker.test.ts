import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HMAC_KEY, ok, startTestServer, TestServer, usingRealPostgres, waitFor } from './helpers/test-server';

const WORKER = path.resolve(__dirname, '../src/worker.js');
/**
 * Enough examples that the export (COPY, ~100k rows/s here) takes a couple of seconds, so the kill and
 * the cancel land mid-file; progress is polled every 50 ms.
 */
const EXAMPLES = 200_000;
const CANCEL = `mutation($input: CancelJobInput!) { cancelJob(input: $input) { job { id state } } }`;

const CREATE = `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id job { id } } } }`;
const VERSION = `query($id: ID!) { datasetVersion(id: $id) { status contentHash exampleCount error job { state retryCount progress { phase done total percent } } } }`;

/**
 * Dataset builds in `npm run worker`, a process apart from the API (RUN_WORKER=false), and a worker
 * killed with SIGKILL in the middle of writing the file: the job is picked up again by another worker
 * and completes with the same bytes as an undisturbed build.
 */
describe('dataset builds in a separate worker process survive kill -9', { skip: !usingRealPostgres && 'the worker process needs DATABASE_URL' }, () => {
  let server: TestServer;
  let exportDir: string;
  const workers: ChildProcess[] = [];

  const startWorker = () => {
    const child = spawn(process.execPath, [WORKER], {
      env: { PATH: process.env.PATH!, DATABASE_URL: server.databaseUrl!, USER_ID_HMAC_KEY: HMAC_KEY, EXPORT_DIR: exportDir },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    workers.push(child);
    return child;
  };

  before(async () => {
    exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-exports-'));
    server = await startTestServer({ RUN_WORKER: 'false', EXPORT_DIR: exportDir });
    // Fixture rows straight in SQL: the API path is covered elsewhere; here only the size matters.
    await server.sql(
      `WITH rows AS (
         SELECT i, timestamptz '2026-03-01' + i * interval '1 second' AS ts, 'kill-' || lpad(i::text, 6, '0') AS id FROM generate_series(1, $1) i
       ), reg AS (INSERT INTO inference_request (request_id, ts) SELECT id, ts FROM rows)
       INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, keep_reasons)
       SELECT ts, id, 'kill-v1', 'How do I change the shipping address of order ' || i || ' after it was placed?', 'I cannot help.', 100, '{SAMPLED}' FROM rows`,
      [EXAMPLES],
    );
    await server.sql(
      `INSERT INTO correction (request_id, completion, source, annotator, status, prompt_key, completion_key)
       SELECT request_id, 'Open Orders, pick order ' || substr(request_id, 6) || ', then Change address.', 'OPERATOR', 'fixture', 'ACCEPTED',
              md5(prompt), md5(request_id) FROM inference_log WHERE model_version = 'kill-v1'`,
    );
  });

  after(async () => {
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
    await server.stop();
    fs.rmSync(exportDir, { recursive: true, force: true });
  });

  test('a worker killed mid-export leaves a job another worker completes, with the same hash as a clean build', async () => {
    const first = startWorker();
    const created = ok(await server.gql(CREATE, { input: { name: 'kill-test', modelVersions: ['kill-v1'] } })).createDatasetVersion.datasetVersion;
    // Wait until the file is being written, then kill the worker without warning.
    const during = await waitFor(
      async () => {
        const v = ok(await server.gql(VERSION, { id: created.id })).datasetVersion;
        const p = v.job?.progress;
        return p?.phase === 'EXPORT' && p.done > 0 && p.done < p.total ? v : null;
      },
      'the export to be under way',
      60_000,
      50,
    );
    first.kill('SIGKILL');
    assert.equal(during.status, 'BUILDING');
    await new Promise((r) => first.once('exit', r));
    assert.equal(ok(await server.gql(VERSION, { id: created.id })).datasetVersion.status, 'BUILDING', 'nothing marks it READY after the kill');

    startWorker();
    const done = await waitFor(
      async () => {
        const v = ok(await server.gql(VERSION, { id: created.id })).datasetVersion;
        return v.status === 'READY' || v.status === 'FAILED' ? v : null;
      },
      'another worker to pick the job up again and finish it (the dead worker is noticed by its missing heartbeat)',
      150_000,
    );
    assert.equal(done.status, 'READY', done.error);
    assert.equal(done.exampleCount, EXAMPLES);
    assert.ok(done.job.retryCount >= 1, 'the build ran again after the kill');
    const dir = path.join(exportDir, 'kill-test');
    assert.deepEqual(fs.readdirSync(dir), ['v1'], 'no .partial folder is left behind');
    const file = fs.readFileSync(path.join(dir, 'v1', 'train.jsonl'));
    assert.equal(crypto.createHash('sha256').update(file).digest('hex'), done.contentHash);
    assert.equal(file.toString('utf8').trimEnd().split('\n').length, EXAMPLES);

    // An undisturbed build of the same filter on the same data writes the same bytes.
    const again = ok(await server.gql(CREATE, { input: { name: 'kill-test', modelVersions: ['kill-v1'] } })).createDatasetVersion.datasetVersion;
    const clean = await waitFor(
      async () => {
        const v = ok(await server.gql(VERSION, { id: again.id })).datasetVersion;
        return v.status === 'READY' ? v : null;
      },
      'the clean rebuild',
      120_000,
    );
    assert.equal(clean.contentHash, done.contentHash);
  });

  test('cancelJob during the export interrupts the COPY: FAILED "cancelled", job CANCELLED, no files, no membership', async () => {
    startWorker();
    const created = ok(await server.gql(CREATE, { input: { name: 'cancel-test', modelVersions: ['kill-v1'] } })).createDatasetVersion.datasetVersion;
    await waitFor(
      async () => {
        const p = ok(await server.gql(VERSION, { id: created.id })).datasetVersion.job?.progress;
        return p?.phase === 'EXPORT' && p.done > 0 && p.done < p.total;
      },
      'the export to be under way',
      60_000,
      50,
    );
    const cancelled = ok(await server.gql(CANCEL, { input: { jobId: created.job.id } })).cancelJob.job;
    assert.equal(cancelled.state, 'CANCELLED');
    const v = await waitFor(
      async () => {
        const d = ok(await server.gql(VERSION, { id: created.id })).datasetVersion;
        return d.status === 'FAILED' ? d : null;
      },
      'the build to stop',
      30_000,
    );
    assert.equal(v.error, 'cancelled');
    // Stopped mid-file, not after it: the last progress it reported is short of the total.
    assert.ok(v.job.progress.done < v.job.progress.total, JSON.stringify(v.job.progress));
    assert.equal(v.contentHash, null);
    assert.equal(v.exampleCount, null);
    assert.equal(fs.existsSync(path.join(exportDir, 'cancel-test')) ? fs.readdirSync(path.join(exportDir, 'cancel-test')).length : 0, 0, 'no file, no .partial folder');
    const [members] = await server.sql(`SELECT count(*)::int AS n FROM dataset_example e JOIN dataset_version d ON d.id = e.dataset_version_id WHERE d.name = 'cancel-test'`);
    assert.equal(members.n, 0);
    // The interrupted statement left the worker's connection usable: it builds the next version.
    const next = ok(await server.gql(CREATE, { input: { name: 'cancel-test', modelVersions: ['kill-v1'] } })).createDatasetVersion.datasetVersion;
    const built = await waitFor(
      async () => {
        const d = ok(await server.gql(VERSION, { id: next.id })).datasetVersion;
        return d.status === 'READY' || d.status === 'FAILED' ? d : null;
      },
      'the next build',
      120_000,
    );
    assert.equal(built.status, 'READY', built.error);
    assert.equal(built.exampleCount, EXAMPLES);
  });
});
