import type { Linter } from 'eslint';

/**
 * The @graphql-eslint (4.4.1) rules that the committed schema.graphql must satisfy, used by
 * test/schema-lint.test.ts. Kept as a TypeScript module (not an eslint.config.js) so it compiles
 * with the tests and has one source of truth. Every rule here runs on the schema alone: the ones
 * marked "needs schema" read parserOptions.graphQLConfig.schema, which the test sets. No rule
 * needs operations (documents); those (no-unused-fields, selection-set-depth, ...) are left out.
 */

/** Types that are not cached, refetchable objects, so they need no `id: ID!` (strict-id-in-types). */
export const ID_EXEMPT_SUFFIXES = [
  'Connection', // Relay wrapper around a list
  'Edge', // Relay wrapper around one node
  'Payload', // mutation results
  'PageInfo',
  'File', // a file of a dataset version: a value inside its version, cached with it
  'Stats', // aggregates computed per request (IngestStats, ReviewStats)
  'Count', // aggregates (TagCount, ReasonCount, RedactionCount)
  'Counts', // the numbers a decision was made on (RetrainCounts, RetrainPolicyCounts): values inside it
  'Bucket', // IngestStatsBucket, AccuracyBucket: one aggregate row
  'Viewer', // the caller, not a stored object
  'Result', // GroundTruthResult: one item of a batch's results
  'Filter', // DatasetVersionFilter: a value inside its dataset version
  'Progress', // JobProgress: a value inside its job
  'Template', // RetrainDatasetTemplate: a value inside its policy
  'Check', // RetrainPolicyCheck: one policy's verdict inside a decision or a readiness answer
  'Readiness', // RetrainReadiness: computed per request, never stored
  'Verdict', // GateVerdict: one gate's verdict inside a promotion decision
  'Decision', // PromotionDecision: computed per request, never stored (RetrainDecision is a Node and has its id)
  'Erasure', // DatasetErasure: one entry of its dataset version's erasure record, a value inside the version
];

export const schemaLintRules: Linter.RulesRecord = {
  // Every public name is documented: the schema is the API reference (GraphiQL shows these).
  // `types: true` already covers the six type kinds; they are listed too so that the intent
  // survives if someone narrows `types`. rootField (needs schema) is the option for fields of
  // Query/Mutation. DirectiveDefinition is added as the plugin's recommended config does. The root
  // types' own descriptions are set on the built schema (src/schema/root-types.ts): type-graphql has
  // no option for them.
  '@graphql-eslint/require-description': [
    'error',
    {
      types: true,
      ObjectTypeDefinition: true,
      InterfaceTypeDefinition: true,
      InputObjectTypeDefinition: true,
      EnumTypeDefinition: true,
      ScalarTypeDefinition: true,
      FieldDefinition: true, // also covers fields of Query/Mutation
      InputValueDefinition: true, // arguments and input fields
      EnumValueDefinition: true,
      DirectiveDefinition: true,
      rootField: true,
    },
  ],

  // One casing per kind, so generated client code is predictable. The forbidden affixes are the
  // plugin's schema-recommended ones: `getX`/`xQuery` on Query, `mutationX` on Mutation, and
  // kind names baked into type names say nothing the schema doesn't. They are written as
  // forbiddenPatterns because forbiddenPrefixes/forbiddenSuffixes are deprecated in 4.x.
  '@graphql-eslint/naming-convention': [
    'error',
    {
      types: 'PascalCase',
      FieldDefinition: 'camelCase',
      InputValueDefinition: 'camelCase',
      Argument: 'camelCase',
      DirectiveDefinition: 'camelCase',
      EnumValueDefinition: 'UPPER_CASE',
      'FieldDefinition[parent.name.value=Query]': { forbiddenPatterns: [/^query/, /^get/, /Query$/] },
      'FieldDefinition[parent.name.value=Mutation]': { forbiddenPatterns: [/^mutation/, /Mutation$/] },
      'EnumTypeDefinition,EnumTypeExtension': { forbiddenPatterns: [/^Enum/, /Enum$/] },
      'InterfaceTypeDefinition,InterfaceTypeExtension': { forbiddenPatterns: [/^Interface/, /Interface$/] },
      'UnionTypeDefinition,UnionTypeExtension': { forbiddenPatterns: [/^Union/, /Union$/] },
      'ObjectTypeDefinition,ObjectTypeExtension': { forbiddenPatterns: [/^Type/, /Type$/] },
    },
  ],

  // A mutation takes one argument named `input` of type `<mutationName>Input`, so clients can
  // always pass one variable. caseSensitiveInputType must be false: the rule builds the expected
  // name from the field name (`submitFeedbackInput`), and the case-sensitive default would then
  // contradict naming-convention's PascalCase for the type (`SubmitFeedbackInput`).
  '@graphql-eslint/input-name': ['error', { checkInputType: true, caseSensitiveInputType: false }],

  // Mutations return an object (needs schema), so a result can grow fields without a breaking change.
  '@graphql-eslint/no-scalar-result-type-on-mutation': 'error',

  // Paging follows the Relay cursor spec, which client caches rely on.
  // *Connection types: object types with `edges: [..]` and `pageInfo: PageInfo!`.
  '@graphql-eslint/relay-connection-types': 'error',
  // Edge types (needs schema): `node` and `cursor` fields, named *Edge, and every edge's node
  // implements the `Node` interface (shouldImplementNode), so whatever a client pages through it can
  // cache by id and refetch with node(id:). listTypeCanWrapOnlyEdgeType is off: it would forbid every
  // plain list (scopes, tags, batch results), not only paging.
  '@graphql-eslint/relay-edge-types': [
    'error',
    { withEdgeSuffix: true, shouldImplementNode: true, listTypeCanWrapOnlyEdgeType: false },
  ],
  // PageInfo (needs schema) has hasNextPage/hasPreviousPage/startCursor/endCursor.
  '@graphql-eslint/relay-page-info': 'error',
  // Connection fields (needs schema) take first/after AND last/before.
  '@graphql-eslint/relay-arguments': ['error', { includeBoth: true }],

  // Cacheable objects (needs schema) have exactly one `id: ID!`, which normalised client caches key
  // on. Query/Mutation are skipped by the rule itself; they are listed for clarity. The suffixes
  // (ID_EXEMPT_SUFFIXES) name result/aggregate types that have no identity of their own.
  '@graphql-eslint/strict-id-in-types': [
    'error',
    {
      acceptedIdNames: ['id'],
      acceptedIdTypes: ['ID'],
      exceptions: { types: ['Query', 'Mutation', 'PageInfo'], suffixes: ID_EXEMPT_SUFFIXES },
    },
  ],

  // `# comment` above a definition is not a description: tools never show it. Use """.
  '@graphql-eslint/no-hashtag-description': 'error',
  // `ApiKey.apiKeyName` repeats the type name; `ApiKey.name` is enough.
  '@graphql-eslint/no-typename-prefix': 'error',
  // Enum values that differ only in case are confusing and collide in some generated code.
  '@graphql-eslint/unique-enum-value-names': 'error',
  // A type no root field reaches (needs schema) is dead API surface.
  '@graphql-eslint/no-unreachable-types': 'error',
  // @deprecated without a reason leaves clients without a migration path.
  '@graphql-eslint/require-deprecation-reason': 'error',
  // One description style: block ("""), the style type-graphql emits.
  '@graphql-eslint/description-style': ['error', { style: 'block' }],
  // Root fields are nullable (needs schema), so one failing resolver nulls its own field instead
  // of the whole response. Note what 4.4.1 actually checks: Query AND Mutation fields (no option
  // to limit it to Query), only fields of the form `X!` (scalars included, lists like `[X!]!` not).
  '@graphql-eslint/require-nullable-result-in-root': 'error',
};
