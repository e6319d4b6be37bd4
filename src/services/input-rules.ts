import { FlywheelError, type InputProblem } from '../errors';

/** A requestId (and any client-chosen id): 1–200 printable ASCII characters, no spaces. */
export const REQUEST_ID_RE = /^[\x21-\x7e]{1,200}$/;

const URL_MAX = 2000;

/** The problem with a URL a client gives us to call or link (webhooks, training runs), or null when it is fine. */
export function httpUrlProblem(field: string, value: string): InputProblem | null {
  let ok = value.length <= URL_MAX;
  try {
    const u = new URL(value);
    ok &&= u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    ok = false;
  }
  return ok ? null : { field, message: `must be an http(s) URL of at most ${URL_MAX} characters` };
}

/*
 * List limits: every list argument and list input field of the schema has a maximum, here and only
 * here. The GraphQL boundary (src/http/query-limits.ts) checks each list before GraphQL coerces it —
 * in the query text and in the raw JSON variables — so a 1,000,000-item batch is refused without
 * coercing a single item. Services that take the same lists from other callers check them with the
 * same rule (`checkListLength`).
 */

/** Most request ids one tag, untag or release call may name. */
export const MAX_REQUEST_IDS_PER_CALL = 10_000;
/** Most review items one claim may take (by count or by name). */
export const MAX_CLAIM = 100;
/** Most tags one tag or untag call may assign or remove. */
export const MAX_TAGS_PER_CALL = 20;
/** Most values in a filter list (tags, reasons, model versions). */
export const MAX_FILTER_VALUES = 100;
/** Most values in a list of enum values (formats, scopes, events, job states): more than any enum has. */
export const MAX_ENUM_VALUES = 32;
/** Most scores one recordEvaluation call may carry. */
export const MAX_EVALUATION_RESULTS = 100;

/** The settings some list limits follow. */
export interface ListLimitSettings {
  maxBatchSize: number;
  maxPageSize: number;
}

export interface ListLimit {
  /** The field as `problems[].field` names it. */
  field: string;
  /** What the list holds, for the message. */
  noun: string;
  max: number | ((s: ListLimitSettings) => number);
  /** The setting that sets `max`, when it is configurable. */
  setting?: 'MAX_BATCH_SIZE' | 'MAX_PAGE_SIZE';
  /** BAD_USER_INPUT unless said otherwise (logInferences keeps its documented BATCH_TOO_LARGE). */
  code?: 'BATCH_TOO_LARGE';
}

const requestIds = (max: number): ListLimit => ({ field: 'requestIds', noun: 'request ids', max });
const values = (field: string, noun: string, max: number): ListLimit => ({ field, noun, max });

/**
 * Keyed by schema position: `InputType.field` for input fields, `Type.field(arg)` for arguments. A
 * test checks that every list position of the schema is here.
 */
export const LIST_LIMITS: Readonly<Record<string, ListLimit>> = {
  'LogInferencesInput.items': { field: 'items', noun: 'items', max: (s) => s.maxBatchSize, setting: 'MAX_BATCH_SIZE', code: 'BATCH_TOO_LARGE' },
  'ReportGroundTruthsInput.items': { field: 'items', noun: 'items', max: (s) => s.maxBatchSize, setting: 'MAX_BATCH_SIZE' },
  'Query.nodes(ids)': { field: 'ids', noun: 'ids', max: (s) => s.maxPageSize, setting: 'MAX_PAGE_SIZE' },
  'ClaimReviewItemsInput.requestIds': requestIds(MAX_CLAIM),
  'ReleaseReviewItemsInput.requestIds': requestIds(MAX_REQUEST_IDS_PER_CALL),
  'TagLogEntriesInput.requestIds': requestIds(MAX_REQUEST_IDS_PER_CALL),
  'UntagLogEntriesInput.requestIds': requestIds(MAX_REQUEST_IDS_PER_CALL),
  'TagLogEntriesInput.tags': values('tags', 'tags', MAX_TAGS_PER_CALL),
  'UntagLogEntriesInput.tags': values('tags', 'tags', MAX_TAGS_PER_CALL),
  'Query.tagCounts(tags)': values('tags', 'tags', MAX_FILTER_VALUES),
  'LogEntryFilter.anyTags': values('anyTags', 'tags', MAX_FILTER_VALUES),
  'ReviewQueueFilter.reasons': values('reasons', 'reasons', MAX_FILTER_VALUES),
  'CreateDatasetVersionInput.tags': values('tags', 'tags', MAX_FILTER_VALUES),
  'CreateDatasetVersionInput.modelVersions': values('modelVersions', 'model versions', MAX_FILTER_VALUES),
  'CreateDatasetVersionInput.formats': values('formats', 'formats', MAX_ENUM_VALUES),
  'RetrainDatasetTemplateInput.tags': values('tags', 'tags', MAX_FILTER_VALUES),
  'RetrainDatasetTemplateInput.formats': values('formats', 'formats', MAX_ENUM_VALUES),
  'CreateApiKeyInput.scopes': values('scopes', 'scopes', MAX_ENUM_VALUES),
  'CreateWebhookInput.events': values('events', 'events', MAX_ENUM_VALUES),
  'UpdateWebhookInput.events': values('events', 'events', MAX_ENUM_VALUES),
  'JobsFilter.states': values('states', 'states', MAX_ENUM_VALUES),
  'RecordEvaluationInput.results': values('results', 'results', MAX_EVALUATION_RESULTS),
};

/** For a list position missing from LIST_LIMITS (a test keeps the table complete; this is the floor). */
export const DEFAULT_LIST_LIMIT: ListLimit = { field: 'list', noun: 'values', max: MAX_FILTER_VALUES };

export function listLimit(position: string): ListLimit {
  return LIST_LIMITS[position] ?? { ...DEFAULT_LIST_LIMIT, field: /(\w+)\)?$/.exec(position)?.[1] ?? 'list' };
}

export function listMax(position: string, settings: ListLimitSettings): number {
  const { max } = listLimit(position);
  return typeof max === 'number' ? max : max(settings);
}

/**
 * The error for a list longer than its limit, or null when it fits. `path` says where the list was
 * (`input.requestIds`, `$ids`), for the problems list.
 */
export function listLengthError(position: string, length: number, settings: ListLimitSettings, path?: string): FlywheelError | null {
  const limit = listLimit(position);
  const max = listMax(position, settings);
  if (length <= max) return null;
  const extensions = { limit: { name: position, ...(limit.setting ? { setting: limit.setting } : {}), max, actual: length } };
  if (limit.code === 'BATCH_TOO_LARGE') {
    return new FlywheelError('BATCH_TOO_LARGE', `Batch of ${length} items exceeds MAX_BATCH_SIZE (${max}); split it into smaller calls.`, {
      maxBatchSize: max,
      received: length,
      ...extensions,
    });
  }
  const problem: InputProblem & { path?: string } = {
    field: limit.field,
    message: `give at most ${max} ${limit.noun}${limit.setting ? ` (${limit.setting})` : ''}; got ${length}`,
    ...(path ? { path } : {}),
  };
  return new FlywheelError('BAD_USER_INPUT', `Invalid input: ${limit.field}: ${problem.message}`, { problems: [problem], ...extensions });
}

/** Throws the list-limit error for `position` when `length` is above it (services use the same rule as the boundary). */
export function checkListLength(position: string, length: number, settings: ListLimitSettings): void {
  const err = listLengthError(position, length, settings);
  if (err) throw err;
}
