import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import {
  coerceInputValue,
  getNamedType,
  GraphQLError,
  GraphQLInputType,
  isInputObjectType,
  isListType,
  isNonNullType,
  typeFromAST,
  OperationDefinitionNode,
  GraphQLSchema,
  ValidationRule,
} from 'graphql';
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable, type InputProblem } from '../errors';
import { errorFields, type Logger } from '../logging';
import type { RequestRecord } from './request-record';

/**
 * graphql-js phrases coercion and validation errors with the offending value in them ("got invalid
 * value { prompt: "my ssn is …", userId: "alice@…" }"): the caller's PII would land in its own logs
 * and ours. Every message we send names the field path and the expected type, never the value.
 */
export function sanitizeMessage(message: string): string {
  return (
    message
      // Literal arguments: `Expected value of type "Int!", found "fast"; Int cannot represent …`
      .replace(/^Expected value of type ("[^"]+"), found [\s\S]*$/, 'Expected value of type $1.')
      // Scalar parse errors carry the value in many wordings (`Int cannot represent non-integer value: 12.5`,
      // `DateTime cannot represent an invalid date-time-string alice@…`): keep only the type.
      .replace(/^Enum "([^"]+)" cannot represent [\s\S]*$/, 'The value is not one of the $1 values.')
      .replace(/^(\S+) cannot represent [\s\S]*$/, '$1 cannot represent the value given.')
      .replace(/^Value "[^"]*" does not exist in "([^"]+)" enum\.[\s\S]*$/, 'The value is not one of the $1 values.')
      // Syntax errors name the unexpected token with its text (`found String "alice@…"`): keep its kind only.
      .replace(/^(Syntax Error: [^"]*?\b(?:String|BlockString|Int|Float)) "[\s\S]*"\.$/, '$1.')
      // graphql-js's parser recurses per nesting level; a RangeError from it is a document nested too deeply.
      .replace(/^Maximum call stack size exceeded$/, 'The document is nested too deeply.')
  );
}

/** Where a coercion failed, as the same `problems` list the services return. */
function problemAt(variable: string, path: readonly (string | number)[], type: GraphQLInputType | undefined, message: string): InputProblem {
  const last = [...path].reverse().find((p) => typeof p === 'string') as string | undefined;
  const index = [...path].reverse().find((p) => typeof p === 'number') as number | undefined;
  const pathText = [variable, ...path].map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return { field: last ?? variable, ...(index !== undefined ? { index } : {}), path: pathText, message: type ? `${message} (expected ${type})` : message } as InputProblem;
}

/** The input type at `path` inside `type` (to say what was expected without echoing what was sent). */
function typeAt(type: GraphQLInputType, path: readonly (string | number)[]): GraphQLInputType | undefined {
  let t: GraphQLInputType | undefined = type;
  for (const step of path) {
    if (!t) return undefined;
    const inner: GraphQLInputType = isNonNullType(t) ? (t.ofType as GraphQLInputType) : t;
    if (typeof step === 'number') t = isListType(inner) ? (inner.ofType as GraphQLInputType) : undefined;
    else t = isInputObjectType(getNamedType(inner)) ? (getNamedType(inner) as any).getFields()[step]?.type : undefined;
  }
  return t;
}

/** Re-runs variable coercion with a callback that sees paths and types (only after graphql-js failed). */
export function variableProblems(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown>): InputProblem[] {
  const problems: InputProblem[] = [];
  for (const def of operation.variableDefinitions ?? []) {
    const name = def.variable.name.value;
    const type = typeFromAST(schema, def.type as never) as GraphQLInputType | undefined;
    if (!type) continue;
    const value = variables[name];
    if (value === undefined || value === null) {
      if (isNonNullType(type) && !def.defaultValue) problems.push(problemAt(name, [], type, value === null ? 'must not be null' : 'is required'));
      continue;
    }
    coerceInputValue(value, type, (path, _invalid, error) => {
      const expected = typeAt(type, path);
      const missing = /was not provided/.test(error.message);
      const unknown = /is not defined by type/.test(error.message);
      const field = unknown ? /Field "([^"]+)" is not defined/.exec(error.message)?.[1] : undefined;
      // A key the client made up is a value it sent: named only when it is a plain GraphQL name.
      const shown = field && /^[_A-Za-z][_0-9A-Za-z]{0,63}$/.test(field) ? field : '?';
      if (unknown) problems.push(problemAt(name, [...path, shown], undefined, 'is not a field of this input type'));
      else if (missing) {
        const f = /Field "([^"]+)" of required type "([^"]+)"/.exec(error.message);
        problems.push(problemAt(name, [...path, f?.[1] ?? '?'], undefined, `is required (type ${f?.[2] ?? 'non-null'})`));
      } else problems.push(problemAt(name, path, expected, 'has the wrong type or format'));
    });
  }
  return problems;
}

const SUMMARY_LIMIT = 5;
/** The codes a 5xx may carry: the service's fault, or the database's. */
const SERVER_CODES = new Set(['INTERNAL_SERVER_ERROR', 'DATABASE_UNAVAILABLE']);
const GRAPHQL_JS_REQUEST_ERROR = /^Argument "[^"]+" of (non-null|required) type "[^"]+" (must not be null|was provided the variable)/;

/**
 * graphql-js 16 validates no root operation type: `subscription { … }` passed validation and failed
 * in execution ("Schema is not configured to execute subscription operation"), an internal error.
 */
const isRequestVerdict = (e: unknown): e is GraphQLError => e instanceof GraphQLError && !e.originalError && GRAPHQL_JS_REQUEST_ERROR.test(e.message);
const isNulInText = (e: unknown) => (e as { code?: unknown } | null)?.code === '22021';

export const KnownRootOperationType: ValidationRule = (context) => ({
  OperationDefinition(node) {
    const schema = context.getSchema();
    const root = node.operation === 'query' ? schema.getQueryType() : node.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    if (!root) context.reportError(new GraphQLError(`This server has no ${node.operation} operations.`, { nodes: node }));
  },
});

/**
 * Apollo's formatError: coded errors pass (with sanitized messages); anything uncoded is a fault on
 * our side and goes out as INTERNAL_SERVER_ERROR with nothing internal in it. The error contract
 * plugin logs it (with the request id) and adds the request id to every error.
 */
export function formatError() {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (code === 'INTERNAL_SERVER_ERROR' || code === undefined) {
      const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
      // graphql-js's own verdicts on the request during execution (an explicit null for a non-null
      // argument through a variable with a default, an operation type the schema lacks), not faults.
      if (isRequestVerdict(original)) {
        const arg = /^Argument "([^"]+)"/.exec(original.message)?.[1];
        return { message: `Invalid input: ${arg}: must not be null`, extensions: { code: 'BAD_USER_INPUT', problems: [{ field: arg ?? '?', message: 'must not be null' }] }, path: formatted.path };
      }
      // PostgreSQL text cannot hold U+0000 (SQLSTATE 22021): always the input's doing.
      if (isNulInText(original)) {
        return { message: 'Invalid input: a string contains a NUL character (\\u0000), which cannot be stored or searched; remove it', extensions: { code: 'BAD_USER_INPUT' }, path: formatted.path };
      }
      if (isDatabaseUnavailable(original)) {
        return { message: DATABASE_UNAVAILABLE_MESSAGE, extensions: { code: 'DATABASE_UNAVAILABLE' }, path: formatted.path };
      }
      return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path };
    }
    if (formatted.extensions?.validationErrorCode === 'INTROSPECTION_DISABLED') {
      // Apollo's wording tells the client to change server code; ours says which setting and what to use.
      return { ...formatted, message: 'Introspection is off on this server (GRAPHQL_INTROSPECTION=false); generate clients from the committed schema.graphql' };
    }
    if (code === 'OPERATION_RESOLUTION_FAILURE' && /^Unknown operation named/.test(formatted.message)) {
      return { ...formatted, message: '`operationName` names no operation in this document' };
    }
    if (code === 'GRAPHQL_VALIDATION_FAILED' || code === 'BAD_USER_INPUT' || code === 'GRAPHQL_PARSE_FAILED') {
      return { ...formatted, message: sanitizeMessage(formatted.message) };
    }
    return formatted;
  };
}

/**
 * One plugin for the error contract, with one hook per response (every hook is a promise per request
 * on the ingest path):
 * - every response carries `x-request-id`, and every error carries it as `extensions.requestId`; a
 *   fault's log line carries it too;
 * - graphql-js's variable-coercion errors become one BAD_USER_INPUT error with a `problems` list like
 *   the services' own. That rewrite runs only when a request has already failed;
 * - the request's error codes and root fields go to its record, for the access log line.
 */
export function errorContractPlugin<T extends BaseContext & { requestId: string; request?: RequestRecord }>(logger: Logger): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors(rc) {
          for (const e of rc.errors) {
            const code = e.extensions?.code;
            const original = e.originalError ?? e;
            // Client errors formatError recodes (and an outage, logged once by the database probe) are not faults.
            const fault = !isDatabaseUnavailable(original) && !isRequestVerdict(original) && !isNulInText(original);
            if ((code === undefined || code === 'INTERNAL_SERVER_ERROR') && fault) {
              logger.error({ requestId: rc.contextValue.requestId, path: e.path?.join('.'), ...errorFields(original) }, 'internal error');
            }
          }
        },
        async willSendResponse(rc) {
          const requestId = rc.contextValue.requestId;
          rc.response.http.headers.set('x-request-id', requestId);
          const body = rc.response.body;
          if (body.kind !== 'single' || !body.singleResult.errors?.length) return;
          let errors = body.singleResult.errors;
          const isCoercion = (e: GraphQLFormattedError) => e.extensions?.code === 'BAD_USER_INPUT' && /^Variable "\$/.test(e.message);
          if (rc.operation && errors.some(isCoercion)) {
            const problems = variableProblems(rc.schema, rc.operation, rc.request.variables ?? {});
            if (problems.length > 0) {
              const shown = problems.slice(0, SUMMARY_LIMIT).map((p) => `${(p as InputProblem & { path: string }).path}: ${p.message}`);
              const more = problems.length > SUMMARY_LIMIT ? ` (and ${problems.length - SUMMARY_LIMIT} more)` : '';
              errors = [{ message: `Invalid input: ${shown.join('; ')}${more}`, extensions: { code: 'BAD_USER_INPUT', problems } }, ...errors.filter((e) => !isCoercion(e))];
            }
          }
          errors = errors.map((e) => ({ ...e, extensions: { ...e.extensions, requestId } }));
          // graphql-js raises some request errors (an explicit null for a non-null argument through a
          // variable with a default) where Apollo answers 500; formatError recoded them as client errors.
          if ((rc.response.http.status ?? 200) >= 500 && !errors.some((e) => SERVER_CODES.has(String(e.extensions?.code)))) rc.response.http.status = 400;
          body.singleResult.errors = errors;
          const record = rc.contextValue.request;
          if (record) for (const e of errors) record.codes.push(String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR'));
          if (errors.some((e) => e.extensions?.code === 'DATABASE_UNAVAILABLE')) {
            // A load balancer or client retries a 503; a 200 with errors looks like a final answer.
            rc.response.http.status = 503;
            rc.response.http.headers.set('retry-after', '2');
          }
        },
      };
    },
  };
}
