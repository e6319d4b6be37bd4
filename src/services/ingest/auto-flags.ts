/**
 * Automatic flags at ingest (each can be switched off; see README "Auto-flagging"):
 * - low_confidence: responseLogprob below LOW_CONFIDENCE_LOGPROB.
 * - anomalous_output: an empty response; a truncated one (the endpoint reported finish_reason
 *   "length"/"max_tokens" in metadata, or a code fence was left open); or degenerate repetition
 *   (≥ 24 words with fewer than 30% distinct word trigrams, one character repeated 40+ times, or one
 *   line repeated 5+ times).
 * - out_of_distribution: see ood-profile.ts.
 */
export interface AutoFlagInput {
  response: string;
  responseLogprob: number | null;
  metadata: Record<string, unknown> | null | undefined;
}

const TRUNCATION_REASONS = new Set(['length', 'max_tokens', 'max_output_tokens']);

export function isTruncated(response: string, metadata: Record<string, unknown> | null | undefined): boolean {
  const reason = metadata?.finish_reason ?? metadata?.finishReason ?? metadata?.stop_reason ?? metadata?.stopReason;
  if (typeof reason === 'string' && TRUNCATION_REASONS.has(reason.toLowerCase())) return true;
  return (response.match(/```/g)?.length ?? 0) % 2 === 1;
}

/**
 * A repetitive text repeats its own fragments. Probing whether a 40-character slice from the middle
 * and from the end occurs a second time costs two native searches (~1 µs on a 500-char answer); the
 * full trigram count (~15 µs) runs only when one does, so ordinary answers pay almost nothing.
 */
function repeatsItself(text: string): boolean {
  const n = 40;
  if (text.length < 3 * n) return true; // short: the full check is cheap anyway
  const tail = text.slice(-n);
  if (text.indexOf(tail) < text.length - n) return true;
  const mid = Math.floor(text.length / 2);
  const middle = text.slice(mid, mid + n);
  return text.indexOf(middle) < mid || text.indexOf(middle, mid + 1) !== -1;
}

/** One character 40+ times in a row ("!!!!…", "aaaa…"): a plain scan, cheaper than a backreference regex. */
function longRun(text: string): boolean {
  let run = 1;
  for (let i = 1; i < text.length; i++) {
    if (text.charCodeAt(i) === text.charCodeAt(i - 1)) {
      if (++run >= 40) return true;
    } else run = 1;
  }
  return false;
}

export function isDegenerate(response: string): boolean {
  if (longRun(response)) return true;
  if (!repeatsItself(response)) return false;
  const words = response.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length >= 24) {
    const trigrams = new Set<string>();
    for (let i = 0; i + 2 < words.length; i++) trigrams.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
    if (trigrams.size / (words.length - 2) < 0.3) return true;
  }
  const lines = response.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  if (lines.length >= 5) {
    const counts = new Map<string, number>();
    for (const l of lines) {
      const n = (counts.get(l) ?? 0) + 1;
      if (n >= 5) return true;
      counts.set(l, n);
    }
  }
  return false;
}

export function isAnomalousOutput(response: string, metadata: Record<string, unknown> | null | undefined): boolean {
  return response.trim().length === 0 || isTruncated(response, metadata) || isDegenerate(response);
}
