import { ArgsType, ClassType, Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';

@ObjectType({ description: 'Where this page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'More items follow endCursor (in the requested direction).' })
  hasNextPage: boolean;

  @Field({
    description: 'Items come before startCursor. Paging forward it is true whenever `after` was given; paging backward it is exact.',
  })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge; null on an empty page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge; null on an empty page.' })
  endCursor: string | null;
}

/**
 * Paging arguments shared by every connection. Above MAX_PAGE_SIZE `first`/`last` are clamped, never
 * rejected: the page then holds MAX_PAGE_SIZE items and `hasNextPage`/`hasPreviousPage` say that more
 * follow, so a client asking for "everything" still pages correctly.
 */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: 'Page forward: at most this many items after `after`. Default 50; above MAX_PAGE_SIZE (default 500) it is clamped to it.' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'A cursor (`endCursor` or an edge cursor) of this same list: the page starts after it.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: 'Page backward: at most this many items before `before` (or the end of the list). Clamped like `first`.' })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'A cursor (`startCursor` or an edge cursor) of this same list: the page ends before it.' })
  before?: string | null;
}

/** Field resolvers of the connection types, registered by `Connection` as types are declared. */
export const CONNECTION_RESOLVERS: Function[] = [];

/** What a service returns for a connection; `totalCount` is a thunk so only clients that ask pay for it. */
export interface PageResult<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount?: () => Promise<number>;
}

/**
 * `<Name>Connection` and `<Name>Edge` for one node type. `totalCount` only where it is cheap (an index
 * count over a table that stays small); never on log entries, where it would scan millions of rows.
 */
export function Connection<T extends object>(nodeClass: ClassType<T>, name: string, opts: { totalCount?: string } = {}): ClassType<PageResult<T>> {
  @ObjectType(`${name}Edge`, { description: `One ${name} in a page, with its cursor.` })
  class Edge {
    @Field({ description: 'Opaque position of this item; pass it as `after` or `before`.' })
    cursor: string;

    @Field(() => nodeClass, { description: `The ${name}.` })
    node: T;
  }

  // Registered under its own name so the concrete type below inherits its fields; nothing references it,
  // so it never appears in the schema.
  @ObjectType(`${name}ConnectionFields`)
  abstract class ConnectionBase {
    @Field(() => [Edge], { description: 'The items of this page with their cursors, in list order.' })
    edges: Edge[];

    @Field(() => [nodeClass], { description: 'The items of this page without cursors (the same order as `edges`).' })
    nodes: T[];

    @Field(() => PageInfo, { description: 'Cursors and whether more items exist.' })
    pageInfo: PageInfo;
  }

  if (!opts.totalCount) {
    @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
    class PlainConnection extends ConnectionBase {}
    return PlainConnection as unknown as ClassType<PageResult<T>>;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} items.` })
  class CountedConnection extends ConnectionBase {}

  // The count runs only when a client selects it.
  @Resolver(() => CountedConnection)
  class TotalCountResolver {
    @FieldResolver(() => Int, { description: opts.totalCount })
    totalCount(@Root() page: PageResult<T>): Promise<number> {
      return page.totalCount!();
    }
  }
  CONNECTION_RESOLVERS.push(TotalCountResolver);
  return CountedConnection as unknown as ClassType<PageResult<T>>;
}
