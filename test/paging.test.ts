import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EntityManager } from 'typeorm';
import { LOG_MUTATION, logBatch, logInput, startTestServer, TestServer } from './helpers/test-server';

const PAGE = `query($filter: LogEntryFilter, $first: Int, $after: String, $last: Int, $before: String, $order: SortOrder) {
  logEntries(filter: $filter, first: $first, after: $after, last: $last, before: $before, order: $order) {
    edges { cursor node { requestId occurredAt modelVersion responseLogprob keepReasons } }
    nodes { requestId }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

describe('reading logs: keyset pages and filters', () => {
  let server: TestServer;
  const base = Date.parse('2026-11-01T00:00:00.000Z');
  const inputs: Record<string, any>[] = [];

  before(async () => {
    server = await startTestServer({ MAX_PAGE_SIZE: '50' });
    // 30 rows, two models; groups of three share one occurredAt so the requestId tie-break is exercised.
    for (let i = 0; i < 30; i++) {
      inputs.push(
        logInput({
          requestId: `page-${String(i).padStart(2, '0')}`,
          occurredAt: new Date(base + Math.floor(i / 3) * 60_000).toISOString(),
          modelVersion: i % 2 === 0 ? 'even-v1' : 'odd-v1',
          responseLogprob: -i / 5,
          flagged: i % 7 === 0,
        }),
      );
    }
    await logBatch(server, inputs);
  });
  after(() => server.stop());

  async function page(variables: Record<string, unknown>): Promise<any> {
    const r: any = await server.gql(PAGE, variables);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const p = r.data.logEntries;
    // Relay invariants every page keeps: nodes mirror edges; start/end cursors are the edges' own.
    assert.deepEqual(p.nodes.map((n: any) => n.requestId), p.edges.map((e: any) => e.node.requestId));
    assert.equal(p.pageInfo.startCursor, p.edges[0]?.cursor ?? null);
    assert.equal(p.pageInfo.endCursor, p.edges.at(-1)?.cursor ?? null);
    return p;
  }

  /** Pages forward (first/after) to the end; returns the requestIds in list order. */
  async function all(variables: Record<string, unknown>, first: number): Promise<string[]> {
    const ids: string[] = [];
    let after: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const p = await page({ ...variables, first, after });
      assert.equal(p.pageInfo.hasPreviousPage, after !== null, 'paging forward, hasPreviousPage says whether `after` was given');
      ids.push(...p.edges.map((e: any) => e.node.requestId));
      if (!p.pageInfo.hasNextPage) return ids;
      after = p.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  }

  /** Pages backward (last/before) from the end of the list to its start; returns the requestIds in list order. */
  async function allBackward(variables: Record<string, unknown>, last: number): Promise<string[]> {
    const ids: string[] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 100; guard++) {
      const p = await page({ ...variables, last, before });
      assert.equal(p.pageInfo.hasNextPage, before !== null, 'paging backward, hasNextPage says whether `before` was given');
      ids.unshift(...p.edges.map((e: any) => e.node.requestId));
      if (!p.pageInfo.hasPreviousPage) return ids;
      before = p.pageInfo.startCursor;
    }
    throw new Error('paging did not end');
  }

  const sortedAsc = () =>
    [...inputs].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.requestId.localeCompare(b.requestId)).map((i) => i.requestId);

  test('pages walk every row once in (occurredAt, requestId) order, both directions', async () => {
    const filter = { from: new Date(base).toISOString(), to: new Date(base + 3_600_000).toISOString() };
    assert.deepEqual(await all({ filter, order: 'ASC' }, 7), sortedAsc());
    assert.deepEqual(await all({ filter }, 4), sortedAsc().reverse(), 'default order is newest first');
    // last/before walks the same list from its end; the rows come out in list order either way.
    assert.deepEqual(await allBackward({ filter, order: 'ASC' }, 7), sortedAsc());
    assert.deepEqual(await allBackward({ filter }, 4), sortedAsc().reverse());
  });

  test('a page of the exact remaining size says there is no next page', async () => {
    const filter = { from: new Date(base).toISOString(), to: new Date(base + 3_600_000).toISOString() };
    const p = await page({ filter, order: 'ASC', first: 30 });
    assert.equal(p.edges.length, 30);
    assert.equal(p.pageInfo.hasNextPage, false);
    const beyond = await page({ filter, order: 'ASC', first: 5, after: p.pageInfo.endCursor });
    assert.deepEqual(beyond.edges, []);
    assert.equal(beyond.pageInfo.hasNextPage, false);
    assert.equal(beyond.pageInfo.endCursor, null);
  });

  test('filters: time range, modelVersion, keepReason, logprobBelow', async () => {
    const from = new Date(base + 2 * 60_000).toISOString();
    const to = new Date(base + 5 * 60_000).toISOString();
    assert.deepEqual(await all({ filter: { from, to }, order: 'ASC' }, 50), sortedAsc().slice(6, 15));
    const odd = await all({ filter: { modelVersion: 'odd-v1', from: new Date(base).toISOString() }, order: 'ASC' }, 5);
    assert.deepEqual(odd, sortedAsc().filter((id) => Number(id.slice(5)) % 2 === 1));
    const flagged = await all({ filter: { keepReason: 'FLAGGED', from: new Date(base).toISOString() }, order: 'ASC' }, 50);
    assert.deepEqual(flagged, ['page-00', 'page-07', 'page-14', 'page-21', 'page-28']);
    const low = await all({ filter: { logprobBelow: -5, from: new Date(base).toISOString() }, order: 'ASC' }, 50);
    assert.deepEqual(low, sortedAsc().filter((id) => -Number(id.slice(5)) / 5 < -5));
  });

  test('a cursor stays valid while new rows arrive', async () => {
    const filter = { modelVersion: 'even-v1' };
    const first = await page({ filter, first: 5, order: 'ASC' });
    await logBatch(server, [logInput({ modelVersion: 'even-v1', occurredAt: new Date(base - 60_000).toISOString() })]);
    const second = await page({ filter, first: 5, order: 'ASC', after: first.pageInfo.endCursor });
    const ids = [...first.edges, ...second.edges].map((e: any) => e.node.requestId);
    assert.equal(new Set(ids).size, 10, 'no row repeated across pages');
  });

  /**
   * Pages through one model version's rows while another client inserts rows of the same model version
   * everywhere in the order: before the first row, after the last, at fresh instants in between, and at
   * instants existing rows share (requestIds between theirs). Every insert request runs concurrently
   * with a page request. Offset paging would repeat or skip pre-existing rows here; keyset paging must
   * not.
   */
  async function pageWhileInserting(mv: string, order: 'ASC' | 'DESC', direction: 'forward' | 'backward') {
    const concBase = Date.parse('2026-10-01T00:00:00.000Z');
    // Digit-only suffixes of one length order the same under any collation.
    const id = (n: number) => `${mv}-${String(n).padStart(4, '0')}`;
    const at = (ms: number) => new Date(concBase + ms).toISOString();
    type Row = { requestId: string; occurredAt: string };
    const existing = Array.from({ length: 24 }, (_, i) => logInput({ requestId: id(i * 100), modelVersion: mv, occurredAt: at(Math.floor(i / 3) * 60_000), responseLogprob: -0.5 })) as Row[];
    await logBatch(server, existing);
    const key = (r: Row) => [Date.parse(r.occurredAt), r.requestId] as const;
    const cmpAsc = (a: Row, b: Row) => {
      const [ta, ia] = key(a);
      const [tb, ib] = key(b);
      return ta - tb || (ia < ib ? -1 : ia > ib ? 1 : 0);
    };
    const cmp = order === 'ASC' ? cmpAsc : (a: Row, b: Row) => -cmpAsc(a, b);
    const expected = [...existing].sort(cmp).map((r) => r.requestId);

    const inserted: Row[] = [];
    const newRows = (k: number) => {
      const j = (k * 7 + 3) % 24; // an existing row whose instant the new one shares
      const rows = [
        logInput({ requestId: id(5000 + k * 10), modelVersion: mv, occurredAt: at(-(k + 1) * 60_000), responseLogprob: -0.5 }),
        logInput({ requestId: id(5001 + k * 10), modelVersion: mv, occurredAt: at(2 * 3_600_000 + k * 60_000), responseLogprob: -0.5 }),
        logInput({ requestId: id(5002 + k * 10), modelVersion: mv, occurredAt: at(Math.floor(j / 3) * 60_000 + 20_000 + k), responseLogprob: -0.5 }),
        logInput({ requestId: id(j * 100 + k + 1), modelVersion: mv, occurredAt: at(Math.floor(j / 3) * 60_000), responseLogprob: -0.5 }),
        logInput({ requestId: id(j * 100 + 50 + k), modelVersion: mv, occurredAt: at(Math.floor(j / 3) * 60_000), responseLogprob: -0.5 }),
      ];
      inserted.push(...(rows as Row[]));
      // One batch and single inserts, all in flight together with the page request.
      return [logBatch(server, rows.slice(0, 3)), ...rows.slice(3).map((input) => server.gql(LOG_MUTATION, { input }))];
    };

    const filter = { modelVersion: mv };
    const seen: Row[] = [];
    let cursor: string | null = null;
    let lastPage: any;
    for (let k = 0; ; k++) {
      assert.ok(k < 50, 'paging did not end');
      const args: Record<string, unknown> = direction === 'forward' ? { filter, order, first: 5, after: cursor } : { filter, order, last: 5, before: cursor };
      const [p, ...writes]: any[] = await Promise.all([page(args), ...newRows(k)]);
      for (const w of writes) assert.equal((w as any).errors, undefined, JSON.stringify((w as any).errors));
      const rows = p.edges.map((e: any) => e.node);
      if (direction === 'forward') seen.push(...rows);
      else seen.unshift(...rows);
      lastPage = p;
      const more = direction === 'forward' ? p.pageInfo.hasNextPage : p.pageInfo.hasPreviousPage;
      if (!more) break;
      cursor = direction === 'forward' ? p.pageInfo.endCursor : p.pageInfo.startCursor;
    }

    const ids = seen.map((r) => r.requestId);
    assert.equal(new Set(ids).size, ids.length, `a row came twice: ${ids.join(' ')}`);
    const before = new Set(expected);
    assert.deepEqual(
      ids.filter((i) => before.has(i)),
      expected,
      'every row that existed before paging started came exactly once, in order (no gap, no duplicate)',
    );
    // Rows that arrived meanwhile may or may not be on a page, but only at their place in the order.
    for (let i = 1; i < seen.length; i++) assert.ok(cmp(seen[i - 1], seen[i]) < 0, `out of order: ${seen[i - 1].requestId} then ${seen[i].requestId}`);
    const insertedIds = new Set(inserted.map((r) => r.requestId));
    assert.ok(ids.every((i) => before.has(i) || insertedIds.has(i)));
    // Not vacuous: rows inserted ahead of the cursor while paging did show up on later pages.
    assert.ok(ids.some((i) => insertedIds.has(i)), 'no row inserted during paging was paged over');

    // The final cursor stays usable: resuming from it yields exactly the rows that arrived beyond it.
    const edge = direction === 'forward' ? lastPage.pageInfo.endCursor : lastPage.pageInfo.startCursor;
    const boundary = direction === 'forward' ? seen.at(-1)! : seen[0];
    const resumed = await page(direction === 'forward' ? { filter, order, first: 50, after: edge } : { filter, order, last: 50, before: edge });
    const beyond = inserted.filter((r) => (direction === 'forward' ? cmp(boundary, r) < 0 : cmp(r, boundary) < 0)).sort(cmp);
    assert.deepEqual(resumed.edges.map((e: any) => e.node.requestId), beyond.map((r) => r.requestId));
  }

  test('paging forward (ASC) while rows are inserted concurrently: no duplicate, no gap', () => pageWhileInserting('conc-asc', 'ASC', 'forward'));
  test('paging forward (DESC) while rows are inserted concurrently: no duplicate, no gap', () => pageWhileInserting('conc-desc', 'DESC', 'forward'));
  test('paging backward (last/before, ASC) while rows are inserted concurrently: no duplicate, no gap', () =>
    pageWhileInserting('conc-back-asc', 'ASC', 'backward'));
  test('paging backward (last/before, DESC) while rows are inserted concurrently: no duplicate, no gap', () =>
    pageWhileInserting('conc-back-desc', 'DESC', 'backward'));

  test('a cursor of another list, or a malformed one, is BAD_USER_INPUT', async () => {
    // Low-confidence rows are queued for review, so reviewQueue has cursors to hand out.
    await logBatch(server, [logInput({ modelVersion: 'cursor-v1', responseLogprob: -9 }), logInput({ modelVersion: 'cursor-v1', responseLogprob: -9 })]);
    const queue = await server.gql(`{ reviewQueue(first: 1) { edges { cursor } pageInfo { endCursor } } }`);
    assert.equal(queue.errors, undefined, JSON.stringify(queue.errors));
    const queueCursor: string = queue.data.reviewQueue.pageInfo.endCursor;
    assert.ok(queueCursor, 'the review queue has an item');
    const keys = await server.gql(`{ apiKeys(first: 1) { pageInfo { endCursor } } }`);
    const keyCursor: string = keys.data.apiKeys.pageInfo.endCursor;
    const logCursor: string = (await page({ first: 1 })).pageInfo.endCursor;

    const expectRefused = async (query: string, variables: Record<string, unknown>, field: 'after' | 'before', what: string) => {
      const r = await server.gql(query, variables);
      assert.equal(r.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT', `${what}: ${JSON.stringify(r.errors ?? r.data)}`);
      assert.match(r.errors![0].message, new RegExp(`^${field}: not a cursor of this list`), what);
      assert.deepEqual((r.errors![0].extensions as any).problems.map((p: any) => p.field), [field], what);
    };
    const LOGS = `query($after: String, $before: String) { logEntries(after: $after, before: $before) { edges { cursor } } }`;
    await expectRefused(LOGS, { after: queueCursor }, 'after', 'reviewQueue cursor as logEntries after');
    await expectRefused(LOGS, { before: queueCursor }, 'before', 'reviewQueue cursor as logEntries before');
    await expectRefused(LOGS, { after: keyCursor }, 'after', 'apiKeys cursor as logEntries after');
    await expectRefused(`query($after: String) { reviewQueue(after: $after) { edges { cursor } } }`, { after: logCursor }, 'after', 'logEntries cursor as reviewQueue after');
    await expectRefused(`query($before: String) { apiKeys(last: 1, before: $before) { edges { cursor } } }`, { before: logCursor }, 'before', 'logEntries cursor as apiKeys before');

    // Malformed: not base64/JSON at all, a truncated cursor, and a real one whose timestamp was tampered
    // with (it must be refused while decoding, never reach SQL as a 500).
    await expectRefused(LOGS, { after: 'not-a-cursor' }, 'after', 'garbage');
    await expectRefused(LOGS, { before: '%%%' }, 'before', 'garbage before');
    await expectRefused(LOGS, { after: logCursor.slice(0, -6) }, 'after', 'truncated');
    const text = Buffer.from(logCursor, 'base64url').toString('utf8');
    const tamperedText = text.replace(/\d{4}-\d{2}-\d{2}/, "2026-99-99'; DROP TABLE inference_log; --");
    assert.notEqual(tamperedText, text, `the cursor carries a date to tamper with: ${text}`);
    await expectRefused(LOGS, { after: Buffer.from(tamperedText, 'utf8').toString('base64url') }, 'after', 'tampered');
    assert.equal((await server.sql(`SELECT to_regclass('inference_log') AS t`))[0].t, 'inference_log');

    // A cursor of this list is valid in either order (a position in (occurredAt, requestId)).
    const asc = await server.gql(PAGE, { order: 'ASC', first: 1, after: logCursor });
    assert.equal(asc.errors, undefined, JSON.stringify(asc.errors));
  });

  describe('page SQL is served in order by an index (no sort of the matching rows)', () => {
    // The log is partitioned by day (migration 1764800000000): each partition's own primary-key or
    // (model_version, ts, request_id) index yields its rows in page order, and a Merge Append (whose
    // "Sort Key:" line names the order it merges in) interleaves them. A Sort *node* would mean the
    // matching rows are sorted, which is what must not happen.
    const SORT_NODE = /^\s*(->\s+)?(Incremental )?Sort\b(?! Key:)/m;
    /** The statement and parameters LogQueryService sends for these arguments (captured, not run). */
    async function pageSql(args: Record<string, unknown>): Promise<{ sql: string; params: unknown[] }> {
      let captured: { sql: string; params: unknown[] } | undefined;
      const capture = { query: async (sql: string, params: unknown[]) => ((captured = { sql, params }), []) } as unknown as EntityManager;
      await server.app.services.logQuery.logEntries(capture, args as never);
      assert.ok(captured, 'the service sent a statement');
      return captured;
    }

    async function explain(args: Record<string, unknown>): Promise<{ sql: string; plan: string }> {
      const { sql, params } = await pageSql(args);
      // 30-odd rows are too few for the planner to prefer an index on its own; what matters is that one
      // exists that yields rows already in page order from the cursor on, which is what keeps a page
      // cheap on millions of rows.
      const runner = server.app.database.dataSource.createQueryRunner();
      try {
        await runner.query('SET enable_seqscan = off');
        await runner.query('SET enable_bitmapscan = off');
        const plan = (await runner.query(`EXPLAIN ${sql}`, params)).map((r: any) => r['QUERY PLAN']).join('\n');
        return { sql, plan };
      } finally {
        await runner.query('RESET enable_seqscan');
        await runner.query('RESET enable_bitmapscan');
        await runner.release();
      }
    }

    async function cursorOf(variables: Record<string, unknown>): Promise<string> {
      return (await page({ ...variables, first: 3 })).pageInfo.endCursor;
    }

    test('newest first after a cursor: a backward scan of the primary key from the cursor', async () => {
      const after = await cursorOf({});
      const { sql, plan } = await explain({ first: 20, after, order: 'DESC' });
      // The cursor predicate is one row comparison, which PostgreSQL turns into an index range.
      assert.match(sql, /\(l\.ts, l\.request_id\) < \(/);
      assert.match(plan, /Index Scan Backward using inference_log_\w*pk/, plan);
      assert.match(plan, /Index Cond: \(ROW\(ts, request_id\) < ROW\(/, plan);
      assert.doesNotMatch(plan, SORT_NODE, plan);
    });

    test('oldest first after a cursor: a forward scan of the primary key from the cursor', async () => {
      const after = await cursorOf({ order: 'ASC' });
      const { plan } = await explain({ first: 20, after, order: 'ASC' });
      assert.match(plan, /Index Scan using inference_log_\w*pk/, plan);
      assert.match(plan, /Index Cond: \(ROW\(ts, request_id\) > ROW\(/, plan);
      assert.doesNotMatch(plan, SORT_NODE, plan);
    });

    test('last/before: the same index, scanned the other way', async () => {
      const before = await cursorOf({});
      const { plan } = await explain({ last: 20, before, order: 'DESC' });
      assert.match(plan, /Index Scan using inference_log_\w*pk/, plan);
      assert.match(plan, /Index Cond: \(ROW\(ts, request_id\) > ROW\(/, plan);
      assert.doesNotMatch(plan, SORT_NODE, plan);
    });

    test('with a model version: the (model_version, ts, request_id) index', async () => {
      const filter = { modelVersion: 'odd-v1' };
      const after = await cursorOf({ filter });
      const { plan } = await explain({ filter, first: 50, after, order: 'DESC' });
      assert.match(plan, /Index Scan Backward using inference_log_\w*(model_ts_idx|model_version_ts_request_id_idx)/, plan);
      assert.match(plan, /Index Cond: .*model_version = /, plan);
      assert.doesNotMatch(plan, SORT_NODE, plan);
    });
  });
});
