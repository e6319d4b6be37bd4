import { checkListLength, REQUEST_ID_RE } from '../input-rules';
import crypto from 'node:crypto';
import type { Config } from '../../config';
import { badInput, InputProblem } from '../../errors';
import { countRedactions, type Metrics } from '../../metrics';
import type { LogInferenceInput } from '../../schema/log-inference.types';
import { mergeCounts, redactJson, redactText, RedactionCounts } from '../redaction/redactor';
import { UserIdHasher } from '../user-id-hasher';
import { identifierPiiProblem } from '../redaction/identifier-check';
import { GroupCommitter, PreparedRow, StoredResult } from './group-commit';
import { isAnomalousOutput } from './auto-flags';
import { isOutOfDistribution, ProfileCache, promptFeatures } from './ood-profile';
import { writeTimeKeepReasons } from './keep-reasons';

/** Printable ASCII without spaces: requestIds end up in URLs, logs and cursors. */
/** A day: a latency above it is a unit mistake (µs or ns sent as ms), not a slow model. */
const MAX_LATENCY_MS = 86_400_000;
/** Clocks drift; a row "from the future" by more than a day is a bad timestamp, not skew. */
const MAX_FUTURE_MS = 86_400_000;

/**
 * The write path: validate → redact → hash the user id → decide write-time keep reasons → group
 * commit. Nothing reaches the database or a log line before redaction.
 */
export class IngestService {
  constructor(
    private readonly config: Config,
    private readonly hasher: UserIdHasher,
    private readonly committer: GroupCommitter,
    private readonly metrics: Metrics,
    private readonly profiles: ProfileCache,
  ) {}

  /**
   * A batch is all-or-nothing: if any item is invalid, nothing is stored and the error lists every
   * invalid item by index. Clients retry the whole batch after fixing or dropping items; since
   * requestIds are idempotency keys, resending items is always safe.
   */
  async logInferences(inputs: LogInferenceInput[]): Promise<StoredResult[]> {
    // The GraphQL boundary (query-limits) refuses an oversized batch before it is coerced; this is the
    // same rule for any other caller.
    checkListLength('LogInferencesInput.items', inputs.length, this.config);
    this.metrics.ingestBatchSize.observe(inputs.length);
    const problems: InputProblem[] = [];
    const rows: PreparedRow[] = [];
    const now = Date.now();
    inputs.forEach((input, index) => {
      const p = this.validate(input, now);
      if (p.length) problems.push(...p.map((x) => ({ ...x, index })));
      else if (problems.length === 0) rows.push(this.prepare(input, now));
    });
    if (problems.length) throw badInput(problems);
    return this.store(rows);
  }

  async logInference(input: LogInferenceInput): Promise<StoredResult> {
    const now = Date.now();
    const problems = this.validate(input, now);
    if (problems.length) throw badInput(problems);
    const [result] = await this.store([this.prepare(input, now)]);
    return result;
  }

  private async store(rows: PreparedRow[]): Promise<StoredResult[]> {
    const results = await this.committer.submit(rows);
    let created = 0;
    const redacted: RedactionCounts = {};
    for (const r of results) {
      if (r.created) {
        created++;
        mergeCounts(redacted, r.redactions);
      }
    }
    this.metrics.rowsIngested.inc(created);
    if (results.length > created) this.metrics.rowsDuplicate.inc(results.length - created);
    countRedactions(this.metrics, redacted);
    for (let i = 0; i < rows.length; i++) {
      if (results[i].created) for (const tag of rows[i].autoTags) this.metrics.autoFlags.inc({ tag });
    }
    return results;
  }

  private validate(input: LogInferenceInput, now: number): InputProblem[] {
    const problems: InputProblem[] = [];
    const { maxTextChars, maxMetadataBytes } = this.config;
    if (input.requestId !== undefined && input.requestId !== null && !REQUEST_ID_RE.test(input.requestId)) {
      problems.push({ field: 'requestId', message: 'must be 1–200 printable ASCII characters without spaces' });
    }
    if (input.occurredAt) {
      if (Number.isNaN(input.occurredAt.getTime())) problems.push({ field: 'occurredAt', message: 'must be an ISO 8601 timestamp' });
      else if (input.occurredAt.getTime() > now + MAX_FUTURE_MS) problems.push({ field: 'occurredAt', message: 'is more than 24 h in the future; send the time the request was served' });
    }
    if (input.modelVersion.trim().length === 0 || input.modelVersion.length > 200) {
      problems.push({ field: 'modelVersion', message: 'must be 1–200 characters' });
    }
    if (input.prompt.length > maxTextChars) {
      problems.push({ field: 'prompt', message: `is ${input.prompt.length} characters; the limit is MAX_TEXT_CHARS=${maxTextChars}` });
    }
    if (input.response.length > maxTextChars) {
      problems.push({ field: 'response', message: `is ${input.response.length} characters; the limit is MAX_TEXT_CHARS=${maxTextChars}` });
    }
    if (input.latencyMs < 0 || input.latencyMs > MAX_LATENCY_MS) {
      problems.push({ field: 'latencyMs', message: `must be between 0 and ${MAX_LATENCY_MS} (milliseconds)` });
    }
    if (input.userId != null && input.userId.length > 512) {
      problems.push({ field: 'userId', message: 'must be at most 512 characters' });
    }
    if (input.responseLogprob != null && !(input.responseLogprob <= 0)) {
      problems.push({ field: 'responseLogprob', message: 'must be a log-probability, ≤ 0' });
    }
    // Identifiers are stored verbatim (keys, cursors, export fields): personal data in one is refused.
    for (const p of [identifierPiiProblem('requestId', input.requestId), identifierPiiProblem('modelVersion', input.modelVersion)]) {
      if (p) problems.push(p);
    }
    for (const field of ['modelVersion', 'prompt', 'response', 'userId'] as const) {
      if (input[field]?.includes('\u0000')) problems.push({ field, message: 'contains a NUL character (\\u0000), which PostgreSQL text cannot hold; remove it' });
    }
    if (input.metadata != null && jsonDepth(input.metadata, MAX_METADATA_DEPTH) > MAX_METADATA_DEPTH) {
      // Checked first, without recursion: ~5,000 levels overflowed the stack of the recursive walks
      // after it (an INTERNAL error instead of this answer).
      problems.push({ field: 'metadata', message: `is nested more than ${MAX_METADATA_DEPTH} levels deep; flatten it` });
    } else if (input.metadata != null) {
      const json = JSON.stringify(input.metadata);
      if (json.includes('\\u0000')) problems.push({ field: 'metadata', message: 'contains a NUL character (\\u0000), which PostgreSQL jsonb cannot hold; remove it' });
      const bytes = Buffer.byteLength(json, 'utf8');
      if (bytes > maxMetadataBytes) {
        problems.push({ field: 'metadata', message: `is ${bytes} bytes as JSON; the limit is MAX_METADATA_BYTES=${maxMetadataBytes}` });
      }
    }
    return problems;
  }

  private prepare(input: LogInferenceInput, now: number): PreparedRow {
    const requestId = input.requestId ?? crypto.randomUUID();
    const redactions: RedactionCounts = {};
    const prompt = redactText(wellFormed(input.prompt));
    const response = redactText(wellFormed(input.response));
    mergeCounts(redactions, prompt.counts);
    mergeCounts(redactions, response.counts);
    const metadata = input.metadata == null ? null : wellFormedJson(redactJson(input.metadata, redactions) as Record<string, unknown>);
    const responseLogprob = input.responseLogprob ?? null;
    const flagged = input.flagged ?? false;
    const autoTags: string[] = [];
    const flags = this.config.autoFlag;
    if (flags.lowConfidence && responseLogprob !== null && responseLogprob < this.config.lowConfidenceLogprob) autoTags.push('low_confidence');
    if (flags.anomalousOutput && isAnomalousOutput(input.response, input.metadata)) autoTags.push('anomalous_output');
    if (flags.outOfDistribution) {
      const profile = this.profiles.get(input.modelVersion.trim());
      if (profile && isOutOfDistribution(profile, promptFeatures(input.prompt), { lengthZ: flags.oodLengthZ, scriptShift: flags.oodScriptShift, minSamples: flags.oodMinSamples })) {
        autoTags.push('out_of_distribution');
      }
    }
    return {
      requestId,
      autoTags,
      ts: input.occurredAt ?? new Date(now),
      modelVersion: wellFormed(input.modelVersion.trim()),
      prompt: prompt.text,
      response: response.text,
      latencyMs: input.latencyMs,
      userIdHash: this.hasher.hash(input.userId == null ? input.userId : wellFormed(input.userId)),
      responseLogprob,
      flagged,
      metadata,
      writeReasons: writeTimeKeepReasons({ requestId, responseLogprob, flagged }, this.config),
      redactions: redactions as Record<string, number>,
    };
  }
}

/**
 * A lone UTF-16 surrogate (half of an emoji cut by a client) cannot be stored as UTF-8: PostgreSQL
 * rejects it inside JSON. Replace it with U+FFFD, as a UTF-8 encoder would, instead of failing the row.
 */
function wellFormed(s: string): string {
  const str = s as unknown as { isWellFormed(): boolean; toWellFormed(): string };
  return str.isWellFormed() ? s : str.toWellFormed();
}

const LONE_SURROGATE_ESCAPE = /\\ud[89a-f]/i;

function wellFormedJson(value: Record<string, unknown>): Record<string, unknown> {
  const json = JSON.stringify(value);
  // JSON.stringify escapes lone surrogates as \udxxx, so this cheap test finds the rare value that has one.
  if (!LONE_SURROGATE_ESCAPE.test(json)) return value;
  return JSON.parse(json, (_k, v) => (typeof v === 'string' ? wellFormed(v) : v));
}

/** Metadata is labels and a few nested fields; 32 levels is far beyond any real use. */
export const MAX_METADATA_DEPTH = 32;

/** Nesting depth of a JSON value, iteratively; stops counting once past `limit`. */
export function jsonDepth(value: unknown, limit: number): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > limit) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v as Record<string, unknown>)) stack.push([child, depth + 1]);
  }
  return deepest;
}
