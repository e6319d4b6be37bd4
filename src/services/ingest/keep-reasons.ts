export const KEEP_REASONS = ['LOW_CONFIDENCE', 'FLAGGED', 'DRIFT_OPEN', 'SAMPLED'] as const;
export type KeepReason = (typeof KEEP_REASONS)[number];

/**
 * Deterministic sampling: 32-bit FNV-1a of the requestId's characters, as a fraction of 2^32. The same
 * requestId always gets the same answer, in any process and in any language (FNV-1a is a few lines;
 * requestIds are printable ASCII, so characters and UTF-8 bytes coincide), so a client can predict
 * the decision and a retry cannot flip it. A cryptographic hash would cost ~10× more per row for no
 * gain: nothing here is secret.
 */
export function sampleFraction(requestId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) {
    h ^= requestId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
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
