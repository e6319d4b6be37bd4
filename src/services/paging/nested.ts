import type { EntityManager } from 'typeorm';
import type { PageResult } from '../../schema/connection';
import type { Keyset, PageArgs } from './keyset';

/**
 * A list that hangs off each object of a page and can grow (a model version's evaluations, an entry's
 * dataset versions…): exposed as a connection, loaded for every parent of the page at once through
 * `loaders.pages` (src/loaders/page.loader.ts).
 */
export interface NestedList<R> {
  /** Names the loaders of this list (the keyset's list name, so cursors of other lists are refused). */
  name: string;
  /** One page per parent, for all the parents of a page, in one statement. */
  pages(db: EntityManager, parents: readonly string[], args: PageArgs): Promise<Map<string, PageResult<R>>>;
  /** Items per parent (all pages), in one statement; parents with none may be missing from the map. */
  counts(db: EntityManager, parents: readonly string[]): Promise<Map<string, number>>;
}

/** A nested list over `from`, grouped by the `parent` column, in the keyset's order. */
export function nestedList<R extends object>(
  name: string,
  keyset: Keyset,
  maxPageSize: () => number,
  q: { columns: string; from: string; parent: string; parentType: 'text' | 'uuid'; filter?: string[]; params?: unknown[] },
): NestedList<R> {
  return {
    name,
    pages: (db, parents, args) => keyset.fetchByParent<R>(db, parents, args, maxPageSize(), q),
    counts: (db, parents) => keyset.countByParent(db, parents, q),
  };
}
