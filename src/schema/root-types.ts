import type { GraphQLSchema } from 'graphql';

/** What the root types say in GraphiQL, codegen output and schema.graphql. */
export const ROOT_TYPE_DESCRIPTIONS = {
  Query:
    'Reads. Every field is nullable: a field the key may not read is null with a FORBIDDEN error, and its siblings still answer. Any object with an `id` refetches with `node(id:)`.',
  Mutation:
    'Writes. Each takes one `input` argument and returns a payload with the objects it changed (for client caches); payload fields the key may not read are null with a FORBIDDEN error.',
} as const;

/**
 * type-graphql 2.0.0-rc.4 builds Query and Mutation itself, with no option for their descriptions
 * (`@Resolver()` takes none, and `buildSchema` has no hook), so they are set on the built schema.
 * graphql-js reads `description` when printing and introspecting, so setting it in place is enough.
 */
export function describeRootTypes(schema: GraphQLSchema): GraphQLSchema {
  const query = schema.getQueryType();
  const mutation = schema.getMutationType();
  if (query) query.description = ROOT_TYPE_DESCRIPTIONS.Query;
  if (mutation) mutation.description = ROOT_TYPE_DESCRIPTIONS.Mutation;
  return schema;
}
