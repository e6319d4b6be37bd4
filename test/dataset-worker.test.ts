import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HMAC_KEY, ok, startTestServer, TestServer, usingRealPostgres, waitFor } from './helpers/test-server';

const WORKER = path.resolve(__dirname, '../src/worker.js');
/** Enough examples that the export takes a few seconds here, so the kill lands mid-file. */
const EXAMPLES = 60_000;

const CREATE = `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id job { id } } } }`;
const VERSION = `query($id: ID!) { datasetVersion(id: $id) { status contentHash exampleCount error job { state retryCount progress } } }`;

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
        return p?.phase === 'export' && p.rowsDone > 0 && p.rowsDone < p.rowsTotal ? v : null;
      },
      'the export to be under way',
      60_000,
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
});
