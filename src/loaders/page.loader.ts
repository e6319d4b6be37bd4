import DataLoader from 'dataloader';
import type { EntityManager } from 'typeorm';
import type { PageResult } from '../schema/connection';
import type { PageArgs } from '../services/paging/keyset';
import type { NestedList } from '../services/paging/nested';

/**
 * Per request: one DataLoader per (list, paging arguments), so `nodes { evaluations(first: 10) }` on a
 * page of 50 versions is one statement, and `totalCount` one more, whatever the page size. Different
 * arguments (aliases) get loaders of their own: each batch shares one plan.
 */
export function createPageLoaders(db: EntityManager) {
  const pages = new Map<string, DataLoader<string, PageResult<unknown>>>();
  const counts = new Map<string, DataLoader<string, number>>();
  return {
    load<R>(list: NestedList<R>, parent: string, args: PageArgs): Promise<PageResult<R>> {
      const key = JSON.stringify([list.name, args.first ?? null, args.after ?? null, args.last ?? null, args.before ?? null]);
      let pageLoader = pages.get(key);
      if (!pageLoader) {
        pageLoader = new DataLoader<string, PageResult<unknown>>(async (parents) => {
          const found = await list.pages(db, parents, args);
          return parents.map((p) => found.get(p) as PageResult<unknown>);
        });
        pages.set(key, pageLoader);
      }
      let countLoader = counts.get(list.name);
      if (!countLoader) {
        countLoader = new DataLoader<string, number>(async (parents) => {
          const found = await list.counts(db, parents);
          return parents.map((p) => found.get(p) ?? 0);
        });
        counts.set(list.name, countLoader);
      }
      const counter = countLoader;
      return pageLoader.load(parent).then((page) => ({ ...(page as PageResult<R>), totalCount: () => counter.load(parent) }));
    },
  };
}
