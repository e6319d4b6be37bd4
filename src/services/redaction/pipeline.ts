import { placeholder, type PiiType, type RedactionCounts } from './pii-types';
import {
  clearGateCaches,
  digitWindows,
  hasDigit,
  knownToHoldDigits,
  type Finding,
  type Recognizer,
  type RedactionSettings,
} from './recognizer';

/**
 * Runs the recognizers over one text and replaces what they found.
 *
 * 1. Every enabled recognizer whose gate passes pushes its findings. Digit-anchored recognizers (see
 *    Recognizer.anchoredOnDigits) run only if the text holds a digit, and on long text only on the windows
 *    around its digits (digitWindows), with their findings shifted back to text positions.
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
  options?: { digitWindows?: boolean },
): { text: string; hits: number } {
  // One findings array for every call (the pipeline is synchronous and never re-entered): text without
  // PII allocates only the small result object.
  const found = FOUND;
  if (found.length !== 0) found.length = 0;
  const plan = planFor(recognizers, settings);
  for (const r of plan.anywhere) {
    if (r.gate === undefined || r.gate(text)) r.find(text, found, settings);
  }
  if (plan.nearDigits.length > 0 && hasDigit(text)) {
    const windows = WINDOWS;
    if (windows.length !== 0) windows.length = 0;
    if (options?.digitWindows !== false && digitWindows(text, windows)) {
      for (let w = 0; w < windows.length; w += 2) {
        const offset = windows[w];
        const part = text.slice(offset, windows[w + 1]);
        const from = found.length;
        runAll(plan.nearDigits, part, found, settings);
        for (let i = from; i < found.length; i++) {
          found[i].start += offset;
          found[i].end += offset;
        }
      }
    } else {
      runAll(plan.nearDigits, text, found, settings);
    }
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
const WINDOWS: number[] = [];

function runAll(recognizers: readonly Recognizer[], text: string, found: Finding[], settings: RedactionSettings): void {
  knownToHoldDigits(text);
  for (const r of recognizers) {
    if (r.gate === undefined || r.gate(text)) r.find(text, found, settings);
  }
}

interface Plan {
  /** Enabled recognizers that scan the whole text, in registry order. */
  anywhere: readonly Recognizer[];
  /** Enabled digit-anchored recognizers, in registry order. */
  nearDigits: readonly Recognizer[];
}

// The split depends only on the list and the settings, which change at most at boot (configureRedaction).
// Two recent (list, settings) pairs are kept: ingest alternates the identifier list and the full list row by
// row, so nearly every call reuses a split instead of a Set lookup per recognizer per text.
const recent: { recognizers: readonly Recognizer[] | null; settings: RedactionSettings | null; plan: Plan | null }[] = [
  { recognizers: null, settings: null, plan: null },
  { recognizers: null, settings: null, plan: null },
];
let older = 0;

function planFor(recognizers: readonly Recognizer[], settings: RedactionSettings): Plan {
  for (const r of recent) if (r.recognizers === recognizers && r.settings === settings) return r.plan!;
  const enabled = recognizers.filter((r) => !settings.disabled.has(r.type));
  const plan = { anywhere: enabled.filter((r) => r.anchoredOnDigits !== true), nearDigits: enabled.filter((r) => r.anchoredOnDigits === true) };
  recent[older] = { recognizers, settings, plan };
  older = 1 - older;
  return plan;
}

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
