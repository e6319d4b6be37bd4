import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextDidResolveOperation } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  ArgumentNode,
  ASTNode,
  DocumentNode,
  getNamedType,
  GraphQLError,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLSchema,
  isInputObjectType,
  Lexer,
  Source,
  TokenKind,
  isListType,
  isNonNullType,
  Kind,
  ObjectFieldNode,
  OperationDefinitionNode,
  ParseOptions,
  typeFromAST,
  TypeInfo,
  ValidationContext,
  ValidationRule,
  valueFromASTUntyped,
  VariableNode,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { ComplexityEstimatorArgs, getComplexity } from 'graphql-query-complexity';
import type { Config } from '../config';
import { FlywheelError } from '../errors';
import { listLengthError, ListLimitSettings } from '../services/input-rules';
import { DEFAULT_PAGE_SIZE } from '../services/paging/keyset';

/**
 * Query limits at the GraphQL boundary, in the order a request meets them:
 *
 * 1. tokens — in the parser (`parseOptions.maxTokens`): a token flood stops after MAX_QUERY_TOKENS
 *    tokens instead of being parsed whole;
 * 2. depth, aliases, directives (GraphQL Armor's rules) and literal list lengths — validation rules,
 *    run once per distinct query text (Apollo caches validated documents);
 * 3. list lengths in the variables, then cost (graphql-query-complexity, page sizes read from literals
 *    and variables) — per request in `didResolveOperation`, before GraphQL coerces a variable or runs a
 *    resolver.
 *
 * Every refusal is HTTP 400. Query limits have one code, QUERY_LIMIT_EXCEEDED, and say which limit in
 * `extensions.limit`: `{ name, setting, max, actual }` (`actual` is absent for tokens: the parser stops
 * counting at the limit). List limits are BAD_USER_INPUT (BATCH_TOO_LARGE for logInferences) with the
 * same `extensions.limit` (`name` is the schema position, e.g. `ReleaseReviewItemsInput.requestIds`).
 */

export type QueryLimitsConfig = Pick<Config, 'maxQueryDepth' | 'maxQueryCost' | 'maxQueryAliases' | 'maxQueryDirectives' | 'maxQueryTokens' | 'maxPageSize' | 'maxBatchSize'>;

export type QueryLimitName = 'depth' | 'cost' | 'aliases' | 'directives' | 'tokens';

const LIMITS: Record<QueryLimitName, { setting: string; hint: string }> = {
  depth: { setting: 'MAX_QUERY_DEPTH', hint: 'nest fewer levels of fields' },
  cost: { setting: 'MAX_QUERY_COST', hint: 'ask for smaller pages (first/last) or fewer nested lists, or split the query' },
  aliases: { setting: 'MAX_QUERY_ALIASES', hint: 'use fewer aliases, or split the query' },
  directives: { setting: 'MAX_QUERY_DIRECTIVES', hint: 'use fewer directives' },
  tokens: { setting: 'MAX_QUERY_TOKENS', hint: 'send values as variables instead of writing them into the query, or split it' },
};

const HTTP_400 = { status: 400 };

/** A refused query: QUERY_LIMIT_EXCEEDED, the limit in `extensions.limit`, HTTP 400. */
export class QueryLimitError extends FlywheelError {
  constructor(
    readonly limit: QueryLimitName,
    max: number,
    actual?: number,
  ) {
    const { setting, hint } = LIMITS[limit];
    const measured = actual === undefined ? `more than ${max}` : String(actual);
    super('QUERY_LIMIT_EXCEEDED', `Query ${limit} ${measured} exceeds ${setting} (${max}): ${hint}`, {
      limit: { name: limit, setting, max, ...(actual === undefined ? {} : { actual }) },
      http: HTTP_400,
    });
    this.name = 'QueryLimitError';
  }
}

/** The number Armor measured, from its message (`… exceeded, found 17.`); pinned by a unit test. */
function found(err: GraphQLError): number | undefined {
  const m = /found (\d+)/.exec(err.message);
  return m ? Number(m[1]) : undefined;
}

/** Armor's rules report through our error instead of throwing theirs (a throw inside validate() is a 500). */
function report(limit: QueryLimitName, max: number) {
  return {
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(ctx: ValidationContext | null, err: GraphQLError) => ctx?.reportError(new QueryLimitError(limit, max, found(err)))],
  };
}

/** graphql-js's message when `maxTokens` stops the parser (its own spelling: "more that"). */
const TOKEN_LIMIT_MESSAGE = /Document contains more th(?:at|an) \d+ tokens/;
/** The parser recursed out of stack: a document nested deeper than it can read. */
const PARSER_TOO_DEEP = /^Maximum call stack size exceeded$/;

/**
 * Where the parser will stop a text of more than `maxTokens` tokens: the end of token `maxTokens + 1`
 * (comments do not count, as in the parser), or -1 when the text is within the limit or does not lex
 * (the parser reports that). A text no longer than the limit cannot hold more tokens than characters.
 */
export function tokenLimitCut(query: string, maxTokens: number): number {
  if (query.length <= maxTokens) return -1;
  const lexer = new Lexer(new Source(query));
  try {
    let n = 0;
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) if (++n > maxTokens) return token.end;
  } catch {
    // A lexing error: the parser reports it.
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------------
// List limits

/** Where a list or a variable sits: `InputType.field`, `Type.field(arg)`, or null (an item of a list). */
type Position = string | null;

interface VariableUsage {
  name: string;
  type: GraphQLInputType;
  position: Position;
}

/** What TypeInfo and ValidationContext both say about the place being visited. */
type Place = Pick<TypeInfo, 'getDirective' | 'getParentType' | 'getFieldDef' | 'getParentInputType' | 'getInputType'>;

/**
 * The schema position of the argument or object field being entered: `Type.field(arg)`,
 * `@directive(arg)` or `InputType.field`.
 */
function positionOf(place: Place, node: ArgumentNode | ObjectFieldNode): Position {
  if (node.kind === Kind.ARGUMENT) {
    const directive = place.getDirective();
    if (directive) return `@${directive.name}(${node.name.value})`;
    const owner = place.getParentType();
    const field = place.getFieldDef();
    return owner && field ? `${owner.name}.${field.name}(${node.name.value})` : null;
  }
  const objectType = place.getParentInputType();
  return objectType ? `${getNamedType(objectType).name}.${node.name.value}` : null;
}

/**
 * Every variable use in a document (operations and fragments), with the type and schema position of
 * the place it is used: the variable's value is checked there.
 */
function variablePlaces(schema: GraphQLSchema, document: DocumentNode): Map<VariableNode, VariableUsage> {
  const places = new Map<VariableNode, VariableUsage>();
  const typeInfo = new TypeInfo(schema);
  const at = (node: ArgumentNode | ObjectFieldNode) => {
    const type = typeInfo.getInputType();
    if (node.value.kind === Kind.VARIABLE && type) places.set(node.value, { name: node.value.name.value, type, position: positionOf(typeInfo, node) });
  };
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument: at,
      ObjectField: at,
      ListValue(node) {
        const itemType = typeInfo.getInputType();
        if (!itemType) return;
        for (const item of node.values) if (item.kind === Kind.VARIABLE) places.set(item, { name: item.name.value, type: itemType, position: null });
      },
    }),
  );
  return places;
}

/** The variable uses of one operation, through the fragments it spreads. */
function operationUsages(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, places: Map<VariableNode, VariableUsage>): VariableUsage[] {
  const context = new ValidationContext(schema, document, new TypeInfo(schema), () => undefined);
  return context
    .getRecursiveVariableUsages(operation)
    .map((u) => places.get(u.node))
    .filter((u): u is VariableUsage => u !== undefined);
}

/**
 * Validation rule: a list written into the query text is refused when it is longer than its limit
 * (cached with the document, like every validation result).
 */
function literalListLimitsRule(settings: ListLimitSettings): ValidationRule {
  return (context) => {
    const at = (node: ArgumentNode | ObjectFieldNode) => {
      if (node.value.kind !== Kind.LIST) return;
      const position = positionOf(context, node);
      const err = position ? listLengthError(position, node.value.values.length, settings) : null;
      if (err) context.reportError(new ListLimitValidationError(err, node.value));
    };
    return { Argument: at, ObjectField: at };
  };
}

/** A list-limit error raised in validation, so that its own code replaces GRAPHQL_VALIDATION_FAILED. */
class ListLimitValidationError extends GraphQLError {
  constructor(
    readonly limitError: FlywheelError,
    node: ASTNode,
  ) {
    super(limitError.message, { nodes: [node], extensions: { ...limitError.extensions, http: HTTP_400 } });
  }
}

/**
 * Walks a raw (JSON) variable value along its input type and checks every list on the way against
 * its limit, before GraphQL coerces anything. Items of a list are walked only when their type can
 * hold further lists, and only after the list's own length passed.
 */
class RawListChecker {
  private readonly listBearing = new Map<GraphQLNamedType, boolean>();

  constructor(private readonly settings: ListLimitSettings) {}

  check(value: unknown, type: GraphQLInputType, position: Position, path: string): void {
    if (value === null || value === undefined) return;
    const t = isNonNullType(type) ? type.ofType : type;
    if (isListType(t)) {
      if (!Array.isArray(value)) return this.check(value, t.ofType, null, path); // one value stands for a list of one
      if (position) {
        const err = listLengthError(position, value.length, this.settings, path);
        if (err) throw withStatus(err);
      }
      if (!this.holdsLists(getNamedType(t))) return;
      for (let i = 0; i < value.length; i++) this.check(value[i], t.ofType, null, `${path}[${i}]`);
      return;
    }
    if (isInputObjectType(t) && typeof value === 'object' && !Array.isArray(value)) {
      for (const field of Object.values(t.getFields())) {
        if (!this.holdsLists(getNamedType(field.type), field.type)) continue;
        if (Object.prototype.hasOwnProperty.call(value, field.name)) {
          this.check((value as Record<string, unknown>)[field.name], field.type, `${t.name}.${field.name}`, `${path}.${field.name}`);
        }
      }
    }
  }

  /** Whether a value of this type (or a field of this type) can contain a list. */
  private holdsLists(named: GraphQLNamedType, fieldType?: GraphQLInputType): boolean {
    if (fieldType && isListType(isNonNullType(fieldType) ? fieldType.ofType : fieldType)) return true;
    if (!isInputObjectType(named)) return false;
    const known = this.listBearing.get(named);
    if (known !== undefined) return known;
    this.listBearing.set(named, false); // cycles: assume no until shown otherwise
    const result = Object.values(named.getFields()).some((f) => this.holdsLists(getNamedType(f.type), f.type));
    this.listBearing.set(named, result);
    return result;
  }
}

function withStatus(err: FlywheelError): GraphQLError {
  return new GraphQLError(err.message, { extensions: { ...err.extensions, http: HTTP_400 } });
}

// ---------------------------------------------------------------------------------------------------
// Cost

/** Where a variable changes the cost: a page size, the ids of `nodes`, or whether a field is included. */
const COST_POSITION = /\((first|last|ids)\)$|^@(include|skip)\(/;

/**
 * A field costs 1, plus its children once per item it can return: a connection (a field with
 * `first`/`last`) returns its page size — `last ?? first ?? 50`, clamped to MAX_PAGE_SIZE as the
 * service clamps it — and `nodes(ids:)` one item per id. Other lists (`tags`, `edges`, time series)
 * count their children once: they are either the page itself or small. Nested connections multiply.
 */
function pageSizeEstimator(maxPageSize: number) {
  return ({ field, args, childComplexity }: ComplexityEstimatorArgs): number => {
    let items = 1;
    const paged = field.args.some((a) => a.name === 'first' || a.name === 'last');
    if (paged) {
      const requested = typeof args.last === 'number' ? args.last : typeof args.first === 'number' ? args.first : DEFAULT_PAGE_SIZE;
      items = Math.max(0, Math.min(requested, maxPageSize));
    } else if (Array.isArray(args.ids)) {
      items = args.ids.length;
    }
    return 1 + items * childComplexity;
  };
}

/**
 * The variables as the cost pass needs them. Lists inside input objects never change the cost, and
 * coercing them twice (here and in execution) would double the work of every ingest batch (about
 * 12 ms per 1,000 items), so they are replaced by empty lists, and fields the type does not have are
 * dropped. GraphQL's own coercion of the real values follows in execution.
 */
function costVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    if (!Object.prototype.hasOwnProperty.call(raw, name)) continue;
    const type = typeFromAST(schema, def.type) as GraphQLInputType | undefined;
    out[name] = type ? standIn(raw[name], type, true) : raw[name];
  }
  return out;
}

function standIn(value: unknown, type: GraphQLInputType, topLevel: boolean): unknown {
  if (value === null || value === undefined) return value;
  const t = isNonNullType(type) ? type.ofType : type;
  if (isListType(t)) {
    if (!Array.isArray(value)) return standIn(value, t.ofType, topLevel);
    // A top-level list of ids or enum values is kept (`nodes(ids:)` costs by its length; its length
    // was checked already); lists inside input objects and lists of input objects are emptied.
    return topLevel && !isInputObjectType(getNamedType(t)) ? value : [];
  }
  if (isInputObjectType(t) && typeof value === 'object' && !Array.isArray(value)) {
    const copy: Record<string, unknown> = {};
    for (const field of Object.values(t.getFields())) {
      if (Object.prototype.hasOwnProperty.call(value, field.name)) copy[field.name] = standIn((value as Record<string, unknown>)[field.name], field.type, false);
    }
    return copy;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------------

export interface QueryLimits {
  validationRules: ValidationRule[];
  plugins: ApolloServerPlugin<BaseContext>[];
  parseOptions: ParseOptions;
}

/** The ApolloServer options that enforce the query and list limits: spread them into `new ApolloServer({ … })`. */
export function queryLimits(config: QueryLimitsConfig): QueryLimits {
  const settings: ListLimitSettings = { maxBatchSize: config.maxBatchSize, maxPageSize: config.maxPageSize };
  const estimators = [pageSizeEstimator(config.maxPageSize)];
  // The cost pass walks fragments once per spread: bound that walk too (a fragment fan-out is refused as
  // too costly rather than expanded). Every evaluated field costs at least 1, so this never binds first
  // for a query within MAX_QUERY_COST that spreads no fragment more than a few times.
  const maxQueryNodes = Math.max(10_000, 4 * config.maxQueryCost);
  const rawLists = new RawListChecker(settings);
  // Apollo keeps one DocumentNode per query text (its document cache): what can be learnt from the text
  // alone is learnt once per text.
  interface OperationFacts {
    usages: VariableUsage[];
    /** Whether a variable sets a page size, the ids of `nodes`, or an @include/@skip. */
    costVaries: boolean;
    /** The cost, when it does not depend on the variables and has been computed once. */
    cost?: number;
  }
  const factsByOperation = new WeakMap<OperationDefinitionNode, OperationFacts>();

  function factsOf(rc: GraphQLRequestContextDidResolveOperation<BaseContext>, operation: OperationDefinitionNode): OperationFacts {
    let facts = factsByOperation.get(operation);
    if (!facts) {
      const usages = operation.variableDefinitions?.length ? operationUsages(rc.schema, rc.document, operation, variablePlaces(rc.schema, rc.document)) : [];
      facts = { usages, costVaries: usages.some((u) => u.position !== null && COST_POSITION.test(u.position)) };
      factsByOperation.set(operation, facts);
    }
    return facts;
  }

  function checkVariableLists(rc: GraphQLRequestContextDidResolveOperation<BaseContext>, operation: OperationDefinitionNode, { usages }: OperationFacts): void {
    const variables = rc.request.variables ?? {};
    if (usages.length === 0) return;
    const defined = new Map((operation.variableDefinitions ?? []).map((d) => [d.variable.name.value, d]));
    for (const usage of usages) {
      const def = defined.get(usage.name);
      if (!def) continue; // undefined variable: validation refused it already
      const value = Object.prototype.hasOwnProperty.call(variables, usage.name)
        ? variables[usage.name]
        : def.defaultValue
          ? valueFromASTUntyped(def.defaultValue)
          : undefined;
      rawLists.check(value, usage.type, usage.position, `$${usage.name}`);
    }
  }

  function checkCost(rc: GraphQLRequestContextDidResolveOperation<BaseContext>, operation: OperationDefinitionNode, facts: OperationFacts): void {
    let cost = facts.cost;
    if (cost === undefined) cost = computeCost(rc, operation);
    if (cost === undefined) return;
    if (!facts.costVaries) facts.cost = cost;
    if (cost > config.maxQueryCost) throw new QueryLimitError('cost', config.maxQueryCost, cost);
  }

  /** The operation's cost, or undefined when its variables do not coerce (execution reports that). */
  function computeCost(rc: GraphQLRequestContextDidResolveOperation<BaseContext>, operation: OperationDefinitionNode): number | undefined {
    try {
      return getComplexity({
        schema: rc.schema,
        query: rc.document,
        operationName: operation.name?.value,
        variables: costVariables(rc.schema, operation, rc.request.variables ?? {}),
        estimators,
        maxQueryNodes,
      });
    } catch (err) {
      if (err instanceof GraphQLError && /maximum allowed number of nodes/.test(err.message)) throw new QueryLimitError('cost', config.maxQueryCost);
      // A variable that does not coerce: execution reports it (BAD_USER_INPUT) before any resolver runs.
      // (The stand-ins fail only where the real values fail too: they are the same values with fewer items.)
      if (err instanceof GraphQLError && err.message.startsWith('Variable "$')) return undefined;
      // Anything else: the cost is unknown, so the query does not run (an internal error, logged).
      throw err;
    }
  }

  const plugin: ApolloServerPlugin<BaseContext> = {
    async requestDidStart(rc) {
      // A text over the token limit is cut right after the token the parser stops at: the parser then
      // refuses it exactly as it would the whole text (same message, same location), and Apollo neither
      // hashes nor scans the megabytes behind it (a 5.6 MB alias flood cost ~30 ms of event loop; ~3 cut).
      const query = rc.request.query;
      if (typeof query === 'string') {
        const cut = tokenLimitCut(query, config.maxQueryTokens);
        if (cut >= 0) rc.request.query = query.slice(0, cut);
      }
      return {
        async didResolveOperation(resolved) {
          if (!resolved.operation) return; // execution reports the missing operation
          const facts = factsOf(resolved, resolved.operation);
          checkVariableLists(resolved, resolved.operation, facts);
          checkCost(resolved, resolved.operation, facts);
        },
        async didEncounterErrors(failed) {
          // Apollo wraps validation and parse errors with its own codes (GRAPHQL_VALIDATION_FAILED,
          // GRAPHQL_PARSE_FAILED); ours keep theirs. Runs before the errors are formatted.
          for (const e of failed.errors) {
            const ext = e.extensions as Record<string, unknown>;
            const original = e.originalError;
            if (original instanceof QueryLimitError && original !== e) ext.code = 'QUERY_LIMIT_EXCEEDED';
            else if (original instanceof ListLimitValidationError && original !== e) ext.code = original.limitError.extensions.code;
            else if (ext.code === 'GRAPHQL_PARSE_FAILED' && (TOKEN_LIMIT_MESSAGE.test(e.message) || PARSER_TOO_DEEP.test(e.message))) {
              // Within the token limit a document can still nest deeper than graphql-js's recursive parser
              // goes (~2,000 levels in 5,000 tokens): that is over the depth limit too.
              const refused = TOKEN_LIMIT_MESSAGE.test(e.message) ? new QueryLimitError('tokens', config.maxQueryTokens) : new QueryLimitError('depth', config.maxQueryDepth);
              e.message = refused.message;
              Object.assign(ext, { code: 'QUERY_LIMIT_EXCEEDED', limit: refused.extensions.limit });
            }
          }
        },
      };
    },
  };

  return {
    parseOptions: { maxTokens: config.maxQueryTokens },
    validationRules: [
      // flattenFragments: a fragment spread is not a level of the response.
      maxDepthRule({ ...report('depth', config.maxQueryDepth), ignoreIntrospection: true, flattenFragments: true }),
      // Every alias counts, `__typename` ones too (Armor exempts those by default: the 300,000-alias flood).
      maxAliasesRule({ ...report('aliases', config.maxQueryAliases), allowList: [] }),
      maxDirectivesRule(report('directives', config.maxQueryDirectives)),
      literalListLimitsRule(settings),
    ],
    plugins: [plugin],
  };
}
