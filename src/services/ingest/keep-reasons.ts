import crypto from 'node:crypto';

export const KEEP_REASONS = ['LOW_CONFIDENCE', 'FLAGGED', 'DRIFT_OPEN', 'SAMPLED'] as const;
export type KeepReason = (typeof KEEP_REASONS)[number];

/**
 * Deterministic sampling: the first 32 bits of SHA-256(requestId) as a fraction of 2^32. The same
 * requestId always gets the same answer, in any process and in any language that has SHA-256, so a
 * client can predict and a retry cannot flip the decision.
 */
export function sampleFraction(requestId: string): number {
  return crypto.createHash('sha256').update(requestId, 'utf8').digest().readUInt32BE(0) / 2 ** 32;
}

/**
 * The reasons known when the row is written. DRIFT_OPEN is added by the insert statement itself,
 * which sees the drift table in the same snapshot as the write.
 */
export function writeTimeKeepReasons(
  row: { requestId: string; responseLogprob: number | null; flagged: boolean },
  opts: { lowConfidenceLogprob: number; sampleRate: number },
): KeepReason[] {
  const reasons: KeepReason[] = [];
  if (row.responseLogprob !== null && row.responseLogprob < opts.lowConfidenceLogprob) reasons.push('LOW_CONFIDENCE');
  if (row.flagged) reasons.push('FLAGGED');
  if (sampleFraction(row.requestId) < opts.sampleRate) reasons.push('SAMPLED');
  return reasons;
}
