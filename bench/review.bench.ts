/**
 * `npm run bench:review` — on a log table of ROWS (default 1,000,000) rows, in one run:
 *   (a) drift tagging of a 12 h window: `reportDriftEvent` over HTTP next to the bare set-based SQL a
 *       person would hand-write for the same number of rows (INSERT … SELECT into log_tag … WHERE
 *       model_version = $1 AND ts BETWEEN …). Alternating rounds on fresh windows of equal size; medians.
 *   (b) one `logEntries` page of 100 with nested tags, feedback and corrections: p50/p99 latency and
 *       SQL statements per page (the service's own statement counter).
 * Ratios and figures are printed last. Targets: (a) ≤ 2× the bare statement; (b) ≤ 4 statements, p50 ≤ 50 ms.
 *
 * Env: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test; a scratch database is created
 * beside it and dropped), BENCH_ROWS (default 1000000), BENCH_PAGES (default 300).
 */
import type { Pool } from 'pg';
import { startBenchService } from './bench-service';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PAGES = Number(process.env.BENCH_PAGES ?? 300);
const ROUNDS = 5;
const PORT = 42_000 + (process.pid % 1000);
const H = 3_600_000;
/** Rows span 30 days, alternating two model versions: a 12 h window of one version holds ROWS/120 rows. */
const START = Date.parse('2026-01-01T00:00:00Z');
const SPAN_MS = 30 * 24 * H;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Rows g = first..last spread evenly over 30 days from 2026-01-01, alternating bench-a / bench-b. A
 * second call with another prefix adds as many rows again, interleaved in time with the first.
 */
async function generate(pool: Pool, first: number, last: number, prefix: string, models: [string, string] = ['bench-a', 'bench-b']): Promise<void> {
  const step = SPAN_MS / (last - first + 1);
  for (let from = first; from <= last; from += 250_000) {
    const to = Math.min(last, from + 249_999);
    await pool.query(
      `WITH g AS (SELECT g, timestamptz '2026-01-01T00:00:00Z' + ((g - $4::int) * $3::float8) * interval '1 millisecond' AS ts FROM generate_series($1::int, $2::int) g),
       r AS (INSERT INTO inference_request (request_id, ts) SELECT $5 || g, ts FROM g)
       INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, response_logprob, keep_reasons)
       SELECT ts, $5 || g, CASE WHEN g % 2 = 0 THEN $6 ELSE $7 END,
              'Question ' || g || ': ' || repeat(md5(g::text), 6), 'Answer: ' || repeat(md5((g + 7)::text), 4), 100 + g % 900, -((g % 50) / 10.0),
              '{}'::text[]
       FROM g`,
      [from, to, step, first, prefix, models[0], models[1]],
    );
  }
  // Every table, log_tag included: with stale statistics (a few hundred rows when it now holds tens of
  // thousands) the planner probes log_tag by sequential scan per window row, 1000× slower. Autovacuum
  // keeps statistics fresh in a live database; a bulk load must not outrun it in a benchmark.
  await pool.query('VACUUM ANALYZE');
}

async function main(): Promise<void> {
  const service = await startBenchService({
    name: 'review',
    port: PORT,
    httpConnections: 4,
    poolSize: 4,
    env: {
      API_KEY_CACHE_SECONDS: '3600',
      // The generated rows are months old: keep the scheduled compaction (every 15 min) from scanning
      // them in the middle of a measurement.
      SAMPLING_GRACE_HOURS: String(24 * 3650),
    },
  });
  const { pool, http, gql } = service;
  try {
    console.log(`[bench] generating ${ROWS.toLocaleString()} log rows…`);
    const t0 = Date.now();
    await generate(pool, 1, ROWS, 'r');
    console.log(`[bench] generated in ${((Date.now() - t0) / 1000).toFixed(0)} s`);


    // (a) Drift tagging: windows of equal size, each used once, alternating bare SQL and the service.
    const window = (k: number) => {
      const detected = START + (2 + k) * 24 * H; // day 2, 3, 4, … of the data (30 days): disjoint 12 h windows
      return { from: new Date(detected - 12 * H).toISOString(), to: new Date(detected).toISOString() };
    };
    const bare: number[] = [];
    const ours: number[] = [];
    const tagged: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await pool.query('CHECKPOINT');
      const wb = window(round * 2);
      let t = process.hrtime.bigint();
      const r = await pool.query(
        `INSERT INTO log_tag (request_id, tag, source, actor)
         SELECT request_id, 'drift_window', 'DRIFT', 'bare' FROM inference_log WHERE model_version = $1 AND ts BETWEEN $2 AND $3`,
        ['bench-a', wb.from, wb.to],
      );
      bare.push(Number(process.hrtime.bigint() - t) / 1e6);
      await pool.query('CHECKPOINT');
      const wo = window(round * 2 + 1);
      t = process.hrtime.bigint();
      const d = await gql(`mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id taggedCount } windowRows } }`, {
        input: { modelVersion: 'bench-a', detectedAt: wo.to, metric: 'gold_pass_rate', value: 0.7, threshold: 0.8, windowHours: 12 },
      });
      ours.push(Number(process.hrtime.bigint() - t) / 1e6);
      tagged.push(d.reportDriftEvent.driftEvent.taggedCount);
      // Let the drift-review job put the window into the review queue before the next measurement.
      for (let i = 0; i < 100; i++) {
        const q = await pool.query(`SELECT count(*)::int AS n FROM review_item`);
        if (q.rows[0].n >= tagged.reduce((a, b) => a + b, 0)) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      if (Math.abs(d.reportDriftEvent.driftEvent.taggedCount - (r.rowCount ?? 0)) > 1) throw new Error(`window sizes differ: ${d.reportDriftEvent.driftEvent.taggedCount} vs ${r.rowCount}`);
    }
    const plan = (await pool.query(`EXPLAIN SELECT request_id FROM inference_log WHERE model_version = 'bench-a' AND ts BETWEEN $1 AND $2`, [window(0).from, window(0).to]))
      .rows.map((r) => r['QUERY PLAN'])
      .join(' | ');

    // Independence: add as many rows again outside every bench-a window (other model versions, same
    // days), then tag fresh windows of the same size.
    console.log(`[bench] adding ${ROWS.toLocaleString()} rows outside the windows…`);
    await generate(pool, ROWS + 1, 2 * ROWS, 'x', ['other-a', 'other-b']);
    const oursBigger: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      await pool.query('CHECKPOINT');
      const w = window(2 * ROUNDS + round);
      const t = process.hrtime.bigint();
      const d = await gql(`mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id taggedCount } } }`, {
        input: { modelVersion: 'bench-a', detectedAt: w.to, metric: 'gold_pass_rate', value: 0.7, threshold: 0.8, windowHours: 12 },
      });
      oursBigger.push(Number(process.hrtime.bigint() - t) / 1e6);
      tagged.push(d.reportDriftEvent.driftEvent.taggedCount);
      await new Promise((r) => setTimeout(r, 1500)); // let the drift-review job finish
    }

    // (b) Pages of 100 with nested fields, over a region with tags, feedback and corrections.
    const region = window(1);
    const pageIds: string[] = (
      await pool.query(`SELECT request_id FROM inference_log WHERE model_version = 'bench-a' AND ts BETWEEN $1 AND $2 ORDER BY ts DESC, request_id DESC LIMIT 100`, [
        region.from,
        region.to,
      ])
    ).rows.map((r) => r.request_id);
    const fbKey = (await gql(`mutation { createApiKey(input: {name: "bench feedback", scopes: [FEEDBACK]}) { secret } }`)).createApiKey.secret;
    for (const id of pageIds.slice(0, 30)) {
      const res = await http.request({
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${fbKey}` },
        body: JSON.stringify({ query: `mutation($id: String!) { submitFeedback(input: {requestId: $id, kind: THUMBS_DOWN, comment: "wrong"}) { feedbackId } }`, variables: { id } }),
      });
      await res.body.dump();
    }
    // Entries waiting in the review queue are corrected by the holder of their claim: claim them first.
    await gql(`mutation($ids: [String!]!) { claimReviewItems(input: {requestIds: $ids}) { items { requestId } } }`, { ids: pageIds.slice(0, 20) });
    for (const id of pageIds.slice(0, 20)) {
      await gql(`mutation($id: String!) { submitCorrection(input: {requestId: $id, completion: "Better answer"}) { correction { id } } }`, { id });
    }
    const pageQuery = `query($f: LogEntryFilter) { logEntries(first: 100, filter: $f) { edges { node { requestId occurredAt prompt response keepReasons
      tags { name source } feedback { kind comment } corrections { completion status annotator confidence } } } } }`;
    const variables = { f: { modelVersion: 'bench-a', from: region.from, to: region.to } };
    const statements = () => service.metric('flywheel_db_statements_total');
    for (let i = 0; i < 20; i++) await gql(pageQuery, variables); // warm-up
    const latencies: number[] = [];
    // The counter is the whole service's: background work (the drift-review jobs queued in (a), key-cache
    // refreshes) lands in it too. Reading it around each page and taking the median counts the page alone.
    const perPageCounts: number[] = [];
    let nested = 0;
    for (let i = 0; i < PAGES; i++) {
      const before = await statements();
      const t = process.hrtime.bigint();
      const page = await gql(pageQuery, variables);
      latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      perPageCounts.push((await statements()) - before);
      if (i === 0) nested = page.logEntries.edges.filter((e: any) => e.node.tags.length && e.node.feedback.length && e.node.corrections.length).length;
    }
    const perPage = median(perPageCounts);
    const perPageMean = perPageCounts.reduce((a, b) => a + b, 0) / PAGES;
    latencies.sort((a, b) => a - b);

    const ratio = median(ours) / median(bare);
    console.log(`\nFlywheel review benchmark: PostgreSQL, ${ROWS.toLocaleString()} log rows (then ${(2 * ROWS).toLocaleString()})\n`);
    console.log(`(a) 12 h drift window (${median(tagged).toLocaleString()} rows of ${ROWS.toLocaleString()}), median of ${ROUNDS} fresh windows each:`);
    console.log(`    bare INSERT … SELECT into log_tag:                 ${median(bare).toFixed(1)} ms  (runs: ${bare.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`    reportDriftEvent over HTTP (event + tags; queue job): ${median(ours).toFixed(1)} ms  (runs: ${ours.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`    same, after adding ${ROWS.toLocaleString()} rows outside the windows:  ${median(oursBigger).toFixed(1)} ms  (runs: ${oursBigger.map((x) => x.toFixed(0)).join(', ')})`);
    console.log(`    window scan plan: ${plan}`);
    console.log(`(b) logEntries page of 100 with tags/feedback/corrections (${nested} entries on the page have all three), ${PAGES} pages:`);
    console.log(`    p50 ${percentile(latencies, 50).toFixed(1)} ms   p99 ${percentile(latencies, 99).toFixed(1)} ms   SQL statements per page ${perPage.toFixed(2)} (median; mean ${perPageMean.toFixed(2)} with background work)`);
    console.log('');
    console.log(`(a) drift tagging / bare statement: ${ratio.toFixed(2)}× (target ≤ 2.00); with twice the rows outside the window: ${(median(oursBigger) / median(ours)).toFixed(2)}× the time`);
    console.log(`(b) statements per page: ${perPage.toFixed(2)} (target ≤ 4); p50 ${percentile(latencies, 50).toFixed(1)} ms (target ≤ 50)`);
  } finally {
    await service.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
