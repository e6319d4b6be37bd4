import { GraphQLError } from 'graphql';

/**
 * Every `extensions.code` Flywheel returns, with the HTTP status it travels with when it stops a
 * request before GraphQL runs. Clients branch on these: adding a code is fine, renaming one breaks
 * them. The README's error table lists exactly these keys; a test greps the source for codes that are
 * missing from it.
 */
export const ERROR_CODES = {
  /** An argument or input field is invalid; `extensions.problems` lists each one. */
  BAD_USER_INPUT: 'An argument or input field is invalid; `extensions.problems` lists each one (`field`, `message`, `index` for batch items). A list over its maximum (see *Query and list limits*) is refused before GraphQL reads its items, with HTTP 400 and `extensions.limit` (`{ name, max, actual }`, `name` the schema position such as `ReleaseReviewItemsInput.requestIds`)',
  /** An identifier holds personal data; `extensions.problems` lists the fields and the classes found. */
  PII_IN_IDENTIFIER: 'An identifier (`modelVersion`, `requestId`, `clientFeedbackId`) holds personal data whose shape alone gives it away (an email, phone number, SSN, card, IBAN, IP or MAC address, a JWT or API secret): identifiers are stored unredacted, so they are refused, not redacted. Digits-only ids (counters) are never refused. `extensions.problems` lists each field with `piiTypes` (the classes found; the value is never echoed) and any other invalid field of the same input. Nothing of the call is stored; send an opaque id',
  /** A batch has more items than MAX_BATCH_SIZE. */
  BATCH_TOO_LARGE: 'A `logInferences` batch has more items than MAX_BATCH_SIZE; `extensions.maxBatchSize` says the limit. Refused with HTTP 400 before any item is read',
  /** No key, a malformed Authorization header, or an unknown or revoked key. */
  UNAUTHENTICATED: 'No API key, a malformed `Authorization` header, or an unknown or revoked key',
  /** The key lacks the scope, or the rule (own claim, not your own correction, admin-only on-behalf) forbids it. */
  FORBIDDEN: 'The key lacks the scope for this field, or a rule forbids the action (someone else holds the claim; nobody accepts their own correction; only ADMIN acts on behalf of another)',
  /** A mutation names an object that does not exist. */
  NOT_FOUND: 'A mutation names an object that does not exist (reads of an unknown id return null instead); HTTP 404 on /exports for an unknown dataset version or file, or a version that is not READY yet',
  /** The object is not in a state that allows this (a second adoption, a finished run, nothing to roll back to). */
  CONFLICT: 'The object is not in a state that allows this: a model line that already has a deployment cannot adopt another, a finished training run cannot change status, a candidate model version that exists cannot be registered again, a line with no earlier deployment cannot roll back',
  /** promote() on a run whose promotion decision is REJECT. */
  PROMOTION_REFUSED: 'promote: the promotion decision is REJECT; `extensions.reasons` says why, gate by gate',
  /** The request body is not JSON, or the GraphQL request is malformed (no query, bad variables object). */
  BAD_REQUEST: 'HTTP 400: the body is not valid JSON; the request has no query or a malformed `variables`/`extensions` object; or a browser-style simple request (no `content-type: application/json`, no preflight) was refused as possible CSRF',
  /** The query is over a query limit (depth, cost, aliases, directives, tokens); `extensions.limit` says which. */
  QUERY_LIMIT_EXCEEDED: 'HTTP 400: the query is over one of its limits, refused before it runs; `extensions.limit` is `{ name, setting, max, actual }`: `name` is `depth`, `cost`, `aliases`, `directives` or `tokens`, `setting` the variable that sets it (MAX_QUERY_DEPTH, MAX_QUERY_COST, MAX_QUERY_ALIASES, MAX_QUERY_DIRECTIVES, MAX_QUERY_TOKENS), `actual` what the query measured (absent for tokens: parsing stops at the limit)',
  /** The query text does not parse. */
  GRAPHQL_PARSE_FAILED: 'HTTP 400: the query text does not parse',
  /** The query does not match the schema. */
  GRAPHQL_VALIDATION_FAILED: 'HTTP 400: the query does not match the schema (unknown field, wrong literal type, …), or asks for `__schema`/`__type` while GRAPHQL_INTROSPECTION is off (`extensions.validationErrorCode: INTROSPECTION_DISABLED`)',
  /** A named operation was requested that the document does not contain. */
  OPERATION_RESOLUTION_FAILURE: 'HTTP 400: `operationName` names no operation in the document, or several operations and no name',
  /** Persisted queries are not supported. */
  PERSISTED_QUERY_NOT_SUPPORTED: 'HTTP 400: automatic persisted queries are turned off; send the query text',
  /** The HTTP method is not GET, POST or OPTIONS on /graphql (or not GET/HEAD elsewhere). */
  METHOD_NOT_ALLOWED: 'HTTP 405: use POST (or GET for queries) on /graphql',
  /** The body is larger than MAX_BODY_BYTES. */
  PAYLOAD_TOO_LARGE: 'HTTP 413: the body is larger than MAX_BODY_BYTES',
  /** A byte range beyond the end of an export file. */
  RANGE_NOT_SATISFIABLE: 'HTTP 416 on /exports: the `Range` starts beyond the end of the file (`Content-Range: bytes */<size>` says the size)',
  /** POST with a content type other than application/json. */
  UNSUPPORTED_MEDIA_TYPE: 'HTTP 415: POST bodies must be `application/json`',
  /** The `accept` header names no media type the server can send. */
  NOT_ACCEPTABLE: 'HTTP 406: `accept` allows neither `application/graphql-response+json` nor `application/json`',
  /** No route at this path. */
  ROUTE_NOT_FOUND: 'HTTP 404: no route at this path; the API is /graphql',
  /** The service is starting or shutting down, or the database does not answer. */
  SERVICE_UNAVAILABLE: 'HTTP 503 on /readyz: the database does not answer, migrations are pending, or the service is shutting down',
  /** A fault on our side; `extensions.requestId` finds it in the server log. */
  INTERNAL_SERVER_ERROR: 'A fault on the server; nothing internal is shown, `extensions.requestId` finds it in the server log',
  /** The database does not answer (stopped, restarting, unreachable); retry shortly. */
  DATABASE_UNAVAILABLE: 'HTTP 503 with Retry-After: the database does not answer within DB_TIMEOUT_MS (stopped, restarting, unreachable, pool exhausted); retry with the same requestIds (a call cut off mid-commit may have been stored; a retry never stores it twice). The service recovers on its own when it is back',
  /** The key spent its rate limit (ingest rows, feedback or review calls); retry after `extensions.retryAfterSeconds`. */
  RATE_LIMITED: 'HTTP 429 with Retry-After: the key spent its rate limit for this kind of call (RATE_LIMIT_INGEST_ROWS_PER_SECOND, RATE_LIMIT_FEEDBACK_PER_SECOND, RATE_LIMIT_REVIEW_PER_SECOND); `extensions.retryAfterSeconds` (also the `Retry-After` header) says when to retry and `extensions.limit` which limit. Nothing of the refused field was done; retrying ingestion with the same requestIds is safe',
  /** Start-up only: another process holds the embedded data directory. */
  DATA_DIR_LOCKED: 'Start-up only: another process holds the embedded database in DATA_DIR',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem with one field of one input; `index` is set for items of a batch. */
export interface InputProblem {
  index?: number;
  field: string;
  message: string;
  /** Set when the field is an identifier holding personal data of these classes (PII_IN_IDENTIFIER). */
  piiTypes?: string[];
}

export class FlywheelError extends GraphQLError {
  constructor(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}) {
    super(message, { extensions: { ...extensions, code } });
    this.name = 'FlywheelError';
  }
}

export function badInput(problems: InputProblem[]): FlywheelError {
  const code: ErrorCode = problems.some((p) => p.piiTypes !== undefined) ? 'PII_IN_IDENTIFIER' : 'BAD_USER_INPUT';
  const shown = problems.slice(0, 5).map((p) => `${p.index !== undefined ? `items[${p.index}].` : ''}${p.field}: ${p.message}`);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : '';
  return new FlywheelError(code, `Invalid input: ${shown.join('; ')}${more}`, { problems });
}

export function forbidden(message: string, extensions: Record<string, unknown> = {}): FlywheelError {
  return new FlywheelError('FORBIDDEN', message, extensions);
}

/** The HTTP body for an error raised before (or outside) GraphQL execution. */
export function httpErrorBody(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ errors: [{ message, extensions: { code, ...extra } }] });
}

/** SQLSTATE classes and socket errors that mean "the database is not there", not "the query is wrong". */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);
const UNAVAILABLE_SOCKET = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);

/**
 * Whether an error (or the one it wraps) says the database is unavailable: a connection refused or
 * dropped, an administrator shutdown, a server still starting. These become DATABASE_UNAVAILABLE (503)
 * instead of an internal error, so clients retry.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  for (let e = err as { code?: unknown; message?: unknown; originalError?: unknown; driverError?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; i++) {
    if (typeof e.code === 'string' && (UNAVAILABLE_SQLSTATES.has(e.code) || UNAVAILABLE_SOCKET.has(e.code))) return true;
    if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|the database system is (starting up|shutting down)/.test(e.message)) return true;
    e = (e.originalError ?? e.driverError ?? e.cause) as typeof e;
  }
  return false;
}

/**
 * Not "nothing was written": a connection that drops during a commit may have committed. A retry with
 * the same requestIds is always safe (ingestion is idempotent per requestId).
 */
export const DATABASE_UNAVAILABLE_MESSAGE = 'The database is unavailable or did not answer in time; retry shortly (the same requestIds never store a row twice).';

/** DATABASE_UNAVAILABLE as a GraphQL error that Apollo sends with HTTP 503 and Retry-After. */
export function databaseUnavailableError(): GraphQLError {
  return new GraphQLError(DATABASE_UNAVAILABLE_MESSAGE, {
    extensions: { code: 'DATABASE_UNAVAILABLE', http: { status: 503, headers: new Map([['retry-after', '2']]) } },
  });
}
