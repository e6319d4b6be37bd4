import type { EntityManager } from 'typeorm';
import { badInput, FlywheelError } from '../../errors';
import type { PageResult } from '../../schema/connection';

/** One column of a list's total order. `expr` must be non-null (coalesce nullable columns). */
export interface KeyColumn {
  expr: string;
  dir: 'ASC' | 'DESC';
  /** How the cursor's text value is cast back in SQL, and how it is validated when decoded. */
  type: 'timestamptz' | 'text' | 'int' | 'uuid';
}

export interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export const DEFAULT_PAGE_SIZE = 50;

/** PostgreSQL's timestamptz text output (`2026-11-01 00:00:00.123456+00`), or an infinity. */
const TS_TEXT = /^(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}|-?infinity)$/;
/** The regex admits `2024-02-30 99:99:99+99`; PostgreSQL refuses it at the cast (an internal error). */
function realTimestamp(v: string): boolean {
  if (v.endsWith('infinity')) return true;
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)?[+-](\d{2})(?::(\d{2}))?(?::(\d{2}))?$/.exec(v);
  if (!m) return false;
  const [y, mo, d, h, mi, s, th, tm, ts] = m.slice(1).map((x) => Number(x ?? 0));
  const date = new Date(Date.UTC(y, mo - 1, d));
  return y >= 1 && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && h <= 23 && mi <= 59 && s <= 59 && th <= 15 && tm <= 59 && ts <= 59;
}
const VALIDATORS: Record<KeyColumn['type'], (v: string) => boolean> = {
  timestamptz: (v) => TS_TEXT.test(v) && realTimestamp(v),
  text: (v) => v.length <= 1000 && !v.includes('\u0000'),
  int: (v) => /^-?\d{1,9}$/.test(v),
  uuid: (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v),
};

/**
 * Keyset ("seek") pagination over a total order: a page costs the same on row 10 as on row 10
 * million, and a row inserted between two page requests can appear only at its place in the order —
 * never as a duplicate or by pushing another row out (offset paging does both).
 *
 * Cursors hold the key values as PostgreSQL printed them, so microsecond timestamps round-trip
 * exactly, plus the list's name, so a cursor of one list is refused by another. They are checked when
 * decoded and only ever reach SQL as bound parameters.
 */
export class Keyset {
  constructor(
    private readonly list: string,
    private readonly keys: KeyColumn[],
  ) {}

  /** Select list fragment: the key values as text, aliased `_k0…`, for `finish` to build cursors from. */
  get cursorColumns(): string {
    return this.keys.map((k, i) => `(${k.expr})::text AS _k${i}`).join(', ');
  }

  /**
   * Plans one page: adds the cursor predicates through `param` and returns the ORDER BY and LIMIT to
   * append, and `finish` to turn the fetched rows into a connection.
   */
  plan(args: PageArgs, maxPageSize: number, param: (v: unknown) => string): {
    where: string[];
    orderBy: string;
    limit: number;
    finish<R extends object, T>(rows: R[], toNode: (row: R) => T): PageResult<T>;
  } {
    if (args.first != null && args.last != null) {
      throw badInput([{ field: 'last', message: 'give `first` (page forward) or `last` (page backward), not both' }]);
    }
    for (const f of ['first', 'last'] as const) {
      const n = args[f];
      if (n != null && (!Number.isInteger(n) || n < 0)) throw badInput([{ field: f, message: 'must be 0 or more' }]);
    }
    const backward = args.last != null;
    const size = Math.min(backward ? args.last! : (args.first ?? DEFAULT_PAGE_SIZE), maxPageSize);
    const where: string[] = [];
    if (args.after) where.push(this.beyond(this.decode(args.after, 'after'), 'after', param));
    if (args.before) where.push(this.beyond(this.decode(args.before, 'before'), 'before', param));
    const flip = (d: 'ASC' | 'DESC') => (backward ? (d === 'ASC' ? 'DESC' : 'ASC') : d);
    const orderBy = this.keys.map((k) => `${k.expr} ${flip(k.dir)}`).join(', ');
    return {
      where,
      orderBy,
      limit: size + 1,
      finish: (rows, toNode) => {
        const more = rows.length > size;
        const page = rows.slice(0, size);
        if (backward) page.reverse();
        const edges = page.map((r) => {
          // The cursor columns (`_k…`) build the cursor and are not part of the node.
          const row = { ...r } as Record<string, unknown>;
          const values = this.keys.map((_, i) => {
            const v = String(row[`_k${i}`]);
            delete row[`_k${i}`];
            return v;
          });
          return { cursor: this.encode(values), node: toNode(row as never) };
        });
        return {
          edges,
          nodes: edges.map((e) => e.node),
          pageInfo: {
            hasNextPage: backward ? Boolean(args.before) : more,
            hasPreviousPage: backward ? more : Boolean(args.after),
            startCursor: edges[0]?.cursor ?? null,
            endCursor: edges.at(-1)?.cursor ?? null,
          },
        };
      },
    };
  }

  /**
   * One page of `SELECT columns FROM from WHERE filter` in this keyset's order, with a `totalCount`
   * over the same filter (run only if a client selects it). `params` are the filter's, numbered from $1.
   */
  async fetch<R extends object>(
    db: EntityManager,
    args: PageArgs,
    maxPageSize: number,
    q: { columns: string; from: string; filter?: string[]; params?: unknown[] },
  ): Promise<PageResult<R>> {
    const filter = q.filter ?? [];
    const filterParams = q.params ?? [];
    const params = [...filterParams];
    const plan = this.plan(args, maxPageSize, (v) => (params.push(v), `$${params.length}`));
    const where = (conditions: string[]) => (conditions.length ? `WHERE ${conditions.join(' AND ')}` : '');
    const rows: R[] = await db.query(
      `SELECT ${q.columns}, ${this.cursorColumns} FROM ${q.from} ${where([...filter, ...plan.where])} ORDER BY ${plan.orderBy} LIMIT ${plan.limit}`,
      params,
    );
    return {
      ...plan.finish(rows, (r) => r),
      totalCount: async () => (await db.query(`SELECT count(*)::int AS n FROM ${q.from} ${where(filter)}`, filterParams))[0].n,
    };
  }

  /**
   * One page per parent for many parents in ONE statement: what a nested connection (a list under
   * each object of a page) loads through a per-request DataLoader. Each parent's page is a LATERAL
   * subquery with the order, cursor predicates and LIMIT of `fetch`, so a page of N parents costs one
   * statement, not N. `parent` is the column holding the parent key (compared with `parentType`);
   * filter params are numbered from $1 as in `fetch`. Every parent gets an answer (an empty page).
   */
  async fetchByParent<R extends object>(
    db: EntityManager,
    parents: readonly string[],
    args: PageArgs,
    maxPageSize: number,
    q: { columns: string; from: string; parent: string; parentType: 'text' | 'uuid'; filter?: string[]; params?: unknown[] },
  ): Promise<Map<string, PageResult<R>>> {
    const params = [...(q.params ?? [])];
    const list = `$${params.push([...parents])}`;
    const plan = this.plan(args, maxPageSize, (v) => (params.push(v), `$${params.length}`));
    const where = [`${q.parent} = k.parent`, ...(q.filter ?? []), ...plan.where];
    const rows: (R & { _parent: string })[] = await db.query(
      `SELECT k.parent::text AS _parent, x.* FROM unnest(${list}::${q.parentType}[]) AS k(parent)
       CROSS JOIN LATERAL (SELECT ${q.columns}, ${this.cursorColumns} FROM ${q.from} WHERE ${where.join(' AND ')} ORDER BY ${plan.orderBy} LIMIT ${plan.limit}) x`,
      params,
    );
    const grouped = new Map<string, R[]>(parents.map((p) => [p, []]));
    for (const { _parent, ...row } of rows) grouped.get(_parent)?.push(row as unknown as R);
    return new Map([...grouped].map(([parent, list]) => [parent, plan.finish(list, (r) => r)]));
  }

  /** Items per parent (all pages) for many parents in one statement: the nested connections' `totalCount`. */
  async countByParent(
    db: EntityManager,
    parents: readonly string[],
    q: { from: string; parent: string; parentType: 'text' | 'uuid'; filter?: string[]; params?: unknown[] },
  ): Promise<Map<string, number>> {
    const params = [...(q.params ?? [])];
    const list = `$${params.push([...parents])}`;
    const rows: { parent: string; n: number }[] = await db.query(
      `SELECT (${q.parent})::text AS parent, count(*)::int AS n FROM ${q.from} WHERE ${[`${q.parent} = ANY (${list}::${q.parentType}[])`, ...(q.filter ?? [])].join(' AND ')} GROUP BY 1`,
      params,
    );
    return new Map(rows.map((r) => [r.parent, r.n]));
  }

  private encode(values: string[]): string {
    return Buffer.from(JSON.stringify([this.list, ...values]), 'utf8').toString('base64url');
  }

  private decode(cursor: string, field: 'after' | 'before'): string[] {
    try {
      const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (
        Array.isArray(v) &&
        v[0] === this.list &&
        v.length === this.keys.length + 1 &&
        this.keys.every((k, i) => typeof v[i + 1] === 'string' && VALIDATORS[k.type](v[i + 1]))
      ) {
        return v.slice(1);
      }
    } catch {
      /* reported below */
    }
    throw new FlywheelError('BAD_USER_INPUT', `${field}: not a cursor of this list; pass a cursor this same field returned`, {
      problems: [{ field, message: 'not a cursor of this list' }],
    });
  }

  /**
   * Rows strictly after (or before) the cursor in list order. When every key runs the same way the
   * predicate is one row comparison, which PostgreSQL turns into an index range; mixed directions
   * expand to the lexicographic OR, led by a bound on the first key so an index still starts there.
   */
  private beyond(values: string[], side: 'after' | 'before', param: (v: unknown) => string): string {
    const cmp = (dir: 'ASC' | 'DESC', strict: boolean) => {
      const forward = (dir === 'ASC') === (side === 'after');
      return forward ? (strict ? '>' : '>=') : strict ? '<' : '<=';
    };
    const vals = values.map((v, i) => `${param(v)}::${this.keys[i].type === 'int' ? 'int' : this.keys[i].type}`);
    if (this.keys.every((k) => k.dir === this.keys[0].dir)) {
      return `(${this.keys.map((k) => k.expr).join(', ')}) ${cmp(this.keys[0].dir, true)} (${vals.join(', ')})`;
    }
    const expand = (i: number): string => {
      const k = this.keys[i];
      if (i === this.keys.length - 1) return `${k.expr} ${cmp(k.dir, true)} ${vals[i]}`;
      return `(${k.expr} ${cmp(k.dir, true)} ${vals[i]} OR (${k.expr} = ${vals[i]} AND ${expand(i + 1)}))`;
    };
    return `${this.keys[0].expr} ${cmp(this.keys[0].dir, false)} ${vals[0]} AND ${expand(0)}`;
  }
}
