import assert from 'node:assert/strict';

/**
 * The chat fine-tuning format rules that hosted fine-tuning services check on each JSONL line (a
 * `messages` array; roles system/user/assistant; non-empty string content; a system message only
 * first; ends with an assistant turn), and the preference (DPO) layout: `input.messages`,
 * `preferred_output`, `non_preferred_output`.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;


const ROLES = new Set(['system', 'user', 'assistant']);

function messageProblems(messages: unknown, where: string): string[] {
  const problems: string[] = [];
  if (!Array.isArray(messages) || messages.length === 0) return [`${where}: must be a non-empty array`];
  messages.forEach((m: Json, i: number) => {
    if (m === null || typeof m !== 'object' || Array.isArray(m)) return problems.push(`${where}[${i}]: not an object`);
    const extra = Object.keys(m).filter((k) => k !== 'role' && k !== 'content');
    if (extra.length) problems.push(`${where}[${i}]: unexpected keys ${extra.join(', ')}`);
    if (!ROLES.has(m.role)) problems.push(`${where}[${i}]: role ${JSON.stringify(m.role)} is not system/user/assistant`);
    if (typeof m.content !== 'string' || m.content.trim() === '') problems.push(`${where}[${i}]: content must be a non-empty string`);
    if (m.role === 'system' && i !== 0) problems.push(`${where}[${i}]: a system message may only come first`);
  });
  return problems;
}

/** Problems of one JSONL line as a chat fine-tuning example; [] when it passes. */
export function chatLineProblems(line: string): string[] {
  let obj: Json;
  try {
    obj = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return ['not a JSON object'];
  const problems = messageProblems(obj.messages, 'messages');
  if (problems.length || !Array.isArray(obj.messages)) return problems;
  if (obj.messages[obj.messages.length - 1].role !== 'assistant') problems.push('the last turn must be the assistant');
  if (!obj.messages.some((m: Json) => m.role === 'user')) problems.push('at least one user turn');
  return problems;
}

/** Problems of one preference (DPO) line: input.messages ending in a user turn, one assistant message each side. */
export function preferenceLineProblems(line: string): string[] {
  let obj: Json;
  try {
    obj = JSON.parse(line);
  } catch {
    return ['not JSON'];
  }
  const problems = messageProblems(obj?.input?.messages, 'input.messages');
  if (!problems.length) {
    const msgs = obj.input.messages;
    if (msgs[msgs.length - 1].role !== 'user') problems.push('input.messages must end with the user turn');
  }
  for (const side of ['preferred_output', 'non_preferred_output']) {
    problems.push(...messageProblems(obj?.[side], side));
    if (Array.isArray(obj?.[side]) && (obj[side].length !== 1 || obj[side][0]?.role !== 'assistant')) problems.push(`${side}: exactly one assistant message`);
  }
  return problems;
}

/** Splits a JSONL body into lines; every line ends with \n (so the last element of split is ''). */
export function jsonlLines(body: Buffer | string): string[] {
  const text = body.toString();
  if (text === '') return [];
  assert.ok(text.endsWith('\n'), 'a JSONL file ends with a newline');
  return text.slice(0, -1).split('\n');
}
