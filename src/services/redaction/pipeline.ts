import { placeholder, type PiiType, type RedactionCounts } from './pii-types';
import { clearGateCaches, type Finding, type Recognizer, type RedactionSettings } from './recognizer';

/**
 * Runs the recognizers over one text and replaces what they found.
 *
 * 1. Every enabled recognizer whose gate passes pushes its findings.
 * 2. Unless the findings are already in order and disjoint (the common case, checked in one pass), overlaps
 *    resolve by priority (see PRIORITY in pii-types.ts), then length, then position: findings are
 *    sorted by that order and accepted greedily unless a character is already claimed. The claim map is one
 *    byte per character and a recognizer's own findings overlap each other at most a bounded number of times
 *    (the phone recognizer may report one number through two of its shapes), so the work is bounded by
 *    (recognizers × text length) plus the sort.
 * 3. Accepted findings are replaced left to right by their placeholders and counted per class.
 */
export function redactWith(
  text: string,
  recognizers: readonly Recognizer[],
  settings: RedactionSettings,
  counts: RedactionCounts,
): { text: string; hits: number } {
  // One findings array for every call (the pipeline is synchronous and never re-entered): text without
  // PII allocates only the small result object.
  const found = FOUND;
  found.length = 0;
  for (const r of recognizers) {
    if (settings.disabled.has(r.type)) continue;
    if (r.gate !== undefined && !r.gate(text)) continue;
    r.find(text, found, settings);
  }
  clearGateCaches();
  if (found.length === 0) return { text, hits: 0 };
  // Usually the findings are already in order and disjoint (one recognizer found something, or several found
  // separate things): then there is nothing to resolve and no sort (a text with 100k emails stays linear).
  const accepted = inOrderAndDisjoint(found) ? found : resolveOverlaps(found, text.length);
  let out = '';
  let at = 0;
  for (const f of accepted) {
    out += text.slice(at, f.start) + placeholder(f.type);
    at = f.end;
    counts[f.type] = (counts[f.type] ?? 0) + 1;
  }
  out += text.slice(at);
  const hits = accepted.length;
  found.length = 0;
  return { text: out, hits };
}

const FOUND: Finding[] = [];

function inOrderAndDisjoint(found: readonly Finding[]): boolean {
  for (let i = 1; i < found.length; i++) if (found[i].start < found[i - 1].end) return false;
  return true;
}

/** Greedy by priority, then length, then position; returns the accepted findings sorted by start. */
function resolveOverlaps(found: Finding[], length: number): Finding[] {
  found.sort((a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start);
  const claimed = new Uint8Array(length);
  const accepted: Finding[] = [];
  for (const f of found) {
    if (f.end <= f.start) continue;
    let free = true;
    for (let i = f.start; i < f.end; i++) {
      if (claimed[i] === 1) {
        free = false;
        break;
      }
    }
    if (!free) continue;
    claimed.fill(1, f.start, f.end);
    accepted.push(f);
  }
  return accepted.sort((a, b) => a.start - b.start);
}

export type { PiiType };
