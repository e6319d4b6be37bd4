#!/usr/bin/env node
'use strict';
/**
 * flywheel — ask a running Flywheel whether to retrain, or whether a candidate may ship, from CI.
 *
 *   flywheel readiness --model <modelVersion>     exit 0: retrain now; 1: wait
 *   flywheel promotion --run <trainingRunId>      exit 0: promote; 1: reject
 *   exit 2: anything else (bad arguments, unreachable server, bad key, an API error)
 *
 * FLYWHEEL_URL (default http://127.0.0.1:4000) and FLYWHEEL_API_KEY (a CI key is enough) come from the
 * environment, so the key never appears in a command line or a CI log. Plain JavaScript with no
 * dependencies: it runs from a fresh clone without a build (`npm run readiness -- …`, `npx flywheel …`).
 */

const USAGE = `usage:
  flywheel readiness --model <modelVersion> [--json]   exit 0 when a retrain policy fires, 1 when not
  flywheel promotion --run <trainingRunId> [--json]    exit 0 when the candidate may be promoted, 1 when not
  (exit 2 on any error)
environment: FLYWHEEL_URL (default http://127.0.0.1:4000), FLYWHEEL_API_KEY (required)`;
const TIMEOUT_MS = 30_000;

class UsageError extends Error {}

function parseArgs(argv) {
  const args = [...argv];
  const command = args[0] === 'readiness' || args[0] === 'promotion' ? args.shift() : 'readiness';
  const opts = { command, json: false };
  while (args.length) {
    const a = args.shift();
    if (a === '--json') opts.json = true;
    else if (a === '--model' || a === '--run') {
      const v = args.shift();
      if (!v || v.startsWith('--')) throw new UsageError(`${a} needs a value`);
      opts[a.slice(2)] = v;
    } else if (a === '--help' || a === '-h') opts.help = true;
    else throw new UsageError(`unknown argument: ${a}`);
  }
  if (opts.help) return opts;
  if (command === 'readiness' && !opts.model) throw new UsageError('readiness needs --model <modelVersion>');
  if (command === 'promotion' && !opts.run) throw new UsageError('promotion needs --run <trainingRunId>');
  if (command === 'readiness' && opts.run) throw new UsageError('--run belongs to the promotion command');
  if (command === 'promotion' && opts.model) throw new UsageError('--model belongs to the readiness command');
  return opts;
}

async function graphql(query, variables) {
  const key = process.env.FLYWHEEL_API_KEY;
  if (!key) throw new UsageError('FLYWHEEL_API_KEY is not set');
  const base = (process.env.FLYWHEEL_URL || 'http://127.0.0.1:4000').replace(/\/+$/, '');
  const url = base.endsWith('/graphql') ? base : `${base}/graphql`;
  let res;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new Error(`cannot reach ${url}: ${err.cause?.code || err.message}`);
  }
  let body;
  try {
    body = await res.json();
  } catch {
    throw new Error(`${url} answered HTTP ${res.status} without a JSON body`);
  }
  if (body.errors && body.errors.length) {
    const e = body.errors[0];
    throw new Error(`${e.extensions?.code || `HTTP ${res.status}`}: ${e.message}`);
  }
  return body.data;
}

async function readiness(opts) {
  const data = await graphql(
    `query Readiness($v: String!) { retrainReadiness(modelVersion: $v) { ready outcome reasons counts { newAcceptedCorrections lastTrainingRunAt policies } lastDecision { outcome decidedAt } } }`,
    { v: opts.model },
  );
  const r = data.retrainReadiness;
  if (!r) throw new Error('no answer (retrainReadiness was null)');
  if (opts.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else {
    process.stdout.write(`${opts.model}: ${r.ready ? 'RETRAIN — ready to retrain' : 'WAIT — not ready to retrain'}\n`);
    for (const reason of r.reasons) process.stdout.write(`  - ${reason}\n`);
    if (r.lastDecision) process.stdout.write(`  last decision: ${r.lastDecision.outcome} at ${r.lastDecision.decidedAt}\n`);
  }
  return r.ready ? 0 : 1;
}

async function promotion(opts) {
  const data = await graphql(
    `query Promotion($run: ID!) { promotionDecision(runId: $run) { outcome reasons candidateModelVersion deployedModelVersion } }`,
    { run: opts.run },
  );
  const d = data.promotionDecision;
  if (!d) throw new Error(`no training run ${opts.run}`);
  if (opts.json) process.stdout.write(`${JSON.stringify(d)}\n`);
  else {
    const against = d.deployedModelVersion ? ` against ${d.deployedModelVersion}` : '';
    process.stdout.write(`${d.candidateModelVersion}${against}: ${d.outcome === 'PROMOTE' ? 'PROMOTE — may be promoted' : 'REJECT — may not be promoted'}\n`);
    for (const reason of d.reasons) process.stdout.write(`  - ${reason}\n`);
  }
  return d.outcome === 'PROMOTE' ? 0 : 1;
}

async function main() {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`flywheel: ${err.message}\n${USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return opts.command === 'promotion' ? await promotion(opts) : await readiness(opts);
  } catch (err) {
    process.stderr.write(`flywheel: ${err.message}\n`);
    return 2;
  }
}

main().then((code) => {
  process.exitCode = code;
});
