import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ERROR_CODES } from '../src/errors';

/**
 * `extensions.code` is what clients branch on. Every code the source can return must be a key of
 * ERROR_CODES (src/errors.ts), and every key must be documented in README.md's error table as a row
 * starting with "| `CODE` |". The source is scanned, not trusted: a new `FlywheelError('X', …)`, an
 * `HttpError(409, 'X', …)` or a hand-written `extensions: { code: 'X' }` fails this test until X is
 * registered and documented.
 */

// Compiled to dist/test/: the repository root is two levels up.
const ROOT = path.resolve(__dirname, '../..');
const SRC = path.join(ROOT, 'src');
const README = path.join(ROOT, 'README.md');

export interface FoundCode {
  code: string;
  /** Which pattern found it. */
  via: string;
  /** `file:line`, or the fixture name. */
  at: string;
}

const IDENT = `[A-Z][A-Z0-9_]*`;
const Q = `['"\`]`;

/** Patterns whose first group is an error code used in the source. */
const PATTERNS: { via: string; re: RegExp }[] = [
  { via: 'FlywheelError', re: new RegExp(`\\bFlywheelError\\(\\s*${Q}(${IDENT})${Q}`, 'g') },
  // `HttpError(413, 'X'`, and a computed status too: `HttpError(status, 'X'`.
  { via: 'HttpError', re: new RegExp(`\\bHttpError\\(\\s*[^,()'"\`]+,\\s*${Q}(${IDENT})${Q}`, 'g') },
  { via: 'httpErrorBody', re: new RegExp(`\\bhttpErrorBody\\(\\s*${Q}(${IDENT})${Q}`, 'g') },
  // Object literals: `extensions: { code: 'X' }`, JSON bodies `{ …, code: 'X' }`. Quoted keys too.
  { via: 'code:', re: new RegExp(`(?:\\bcode|${Q}code${Q})\\s*:\\s*${Q}(${IDENT})${Q}`, 'g') },
];

/** Helpers that imply a fixed code. */
const IMPLIED: { via: string; re: RegExp; code: string }[] = [
  { via: 'forbidden()', re: /\bforbidden\(/g, code: 'FORBIDDEN' },
  { via: 'badInput()', re: /\bbadInput\(/g, code: 'BAD_USER_INPUT' },
];

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** The argument list of the call whose `(` is at `open` (balanced parentheses; strings are not parsed). */
function callArguments(text: string, open: number): string {
  let depth = 0;
  for (let i = open; i < text.length && i < open + 5000; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return text.slice(open + 1, open + 5000);
}

/** The error codes a piece of TypeScript uses. */
export function scanCodes(text: string, at = '<text>'): FoundCode[] {
  const found: FoundCode[] = [];
  const add = (code: string, via: string, index: number) => found.push({ code, via, at: `${at}:${lineOf(text, index)}` });
  for (const { via, re } of PATTERNS) for (const m of text.matchAll(re)) add(m[1], via, m.index!);
  for (const { via, re, code } of IMPLIED) for (const m of text.matchAll(re)) {
    // Skip the helpers' own declarations.
    if (!/function\s+$/.test(text.slice(Math.max(0, m.index! - 20), m.index!))) add(code, via, m.index!);
  }
  // `new GraphQLError(message, { extensions: { code: X } })`: any code inside the call's arguments.
  for (const m of text.matchAll(/\bnew\s+GraphQLError\s*\(/g)) {
    const args = callArguments(text, m.index! + m[0].length - 1);
    const code = new RegExp(`\\bcode\\s*:\\s*${Q}(${IDENT})${Q}`).exec(args);
    if (code) add(code[1], 'new GraphQLError', m.index!);
  }
  // Functions declared to return an ErrorCode (e.g. codeForStatus): every upper-case literal they return.
  for (const m of text.matchAll(/\bfunction\s+\w+\s*\([^)]*\)\s*:\s*ErrorCode\s*\{/g)) {
    const open = m.index! + m[0].length - 1;
    let depth = 0;
    let end = open;
    for (; end < text.length; end++) {
      if (text[end] === '{') depth++;
      else if (text[end] === '}' && --depth === 0) break;
    }
    const body = text.slice(open, end);
    for (const r of body.matchAll(new RegExp(`\\breturn\\s+${Q}(${IDENT})${Q}`, 'g'))) add(r[1], 'returns ErrorCode', open + r.index!);
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return tsFiles(p);
    return d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.d.ts') ? [p] : [];
  });
}

function scanSource(): FoundCode[] {
  return tsFiles(SRC).flatMap((f) => scanCodes(fs.readFileSync(f, 'utf8'), path.relative(ROOT, f)));
}

/** Codes that ERROR_CODES lacks, with where each is used. */
export function unregistered(found: FoundCode[], registry: Record<string, unknown> = ERROR_CODES): FoundCode[] {
  return found.filter((f) => !Object.prototype.hasOwnProperty.call(registry, f.code));
}

/** Codes without a README row starting with "| `CODE` |". */
export function undocumented(codes: Iterable<string>, readme: string): string[] {
  const rows = new Set(
    readme
      .split('\n')
      .map((l) => /^\| `([A-Z][A-Z0-9_]*)` \|/.exec(l)?.[1])
      .filter((c): c is string => Boolean(c)),
  );
  return [...new Set(codes)].filter((c) => !rows.has(c)).sort();
}

const describeFound = (fs_: FoundCode[]) => fs_.map((f) => `${f.code} (${f.via} at ${f.at})`).join(', ');

describe('error codes', () => {
  test('the scanner finds codes in every form and flags made-up ones (proof the check can fail)', () => {
    const fixture = [
      `throw new FlywheelError('MADE_UP', 'nope');`,
      `throw new FlywheelError(`,
      `  "MULTI_LINE_CODE",`,
      `  'message');`,
      `reject(new HttpError(418, 'TEAPOT', 'short and stout'));`,
      `res.end(httpErrorBody('NOT_A_CODE', 'x'));`,
      `return { message: 'm', extensions: { code: 'HAND_WRITTEN' } };`,
      `json(res, 503, { "code": 'QUOTED_KEY' });`,
      `throw new GraphQLError('m', {`,
      `  nodes, extensions: { retry: true, code: 'FROM_GRAPHQL_ERROR' },`,
      `});`,
      `function pick(status: number): ErrorCode {`,
      `  if (status === 418) return 'RETURNED_CODE';`,
      `  return 'BAD_REQUEST';`,
      `}`,
      `throw forbidden('no');`,
      `throw new HttpError(status, 'DYNAMIC_STATUS');`,
      // Not error codes: no colon form, lower case, a variable, a Node errno comparison.
      `if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;`,
      `const x = { code: someVariable, kind: 'SOMETHING' };`,
      `log({ code: 'lowercase' });`,
    ].join('\n');
    const found = scanCodes(fixture, 'fixture.ts');
    const codes = found.map((f) => f.code).sort();
    assert.deepEqual(codes, [
      'BAD_REQUEST',
      'DYNAMIC_STATUS',
      'FORBIDDEN',
      'FROM_GRAPHQL_ERROR',
      'FROM_GRAPHQL_ERROR', // matched as `code:` and as the GraphQLError's extensions code
      'HAND_WRITTEN',
      'MADE_UP',
      'MULTI_LINE_CODE',
      'NOT_A_CODE',
      'QUOTED_KEY',
      'RETURNED_CODE',
      'TEAPOT',
    ]);
    assert.deepEqual(found.find((f) => f.code === 'MULTI_LINE_CODE')!.at, 'fixture.ts:2');
    const bad = [...new Set(unregistered(found).map((f) => f.code))].sort();
    assert.deepEqual(bad, ['DYNAMIC_STATUS', 'FROM_GRAPHQL_ERROR', 'HAND_WRITTEN', 'MADE_UP', 'MULTI_LINE_CODE', 'NOT_A_CODE', 'QUOTED_KEY', 'RETURNED_CODE', 'TEAPOT']);
    // The README check fails too for a code without a row (or with a malformed one).
    const readme = ['| Code | Meaning |', '|---|---|', '| `FORBIDDEN` | no |', '|`BAD_REQUEST`| cramped |', 'MADE_UP is mentioned in prose'].join('\n');
    assert.deepEqual(undocumented(['FORBIDDEN', 'BAD_REQUEST', 'MADE_UP'], readme), ['BAD_REQUEST', 'MADE_UP']);
  });

  test('every code used in src/ is a key of ERROR_CODES', () => {
    const found = scanSource();
    const codes = new Set(found.map((f) => f.code));
    // The scan is not vacuous: it sees the codes each layer raises.
    for (const expected of ['BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED', 'NOT_FOUND', 'BATCH_TOO_LARGE', 'PAYLOAD_TOO_LARGE', 'METHOD_NOT_ALLOWED', 'UNSUPPORTED_MEDIA_TYPE', 'NOT_ACCEPTABLE', 'BAD_REQUEST', 'ROUTE_NOT_FOUND', 'SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'DATA_DIR_LOCKED']) {
      assert.ok(codes.has(expected), `the scan should find ${expected} in src/; found ${[...codes].sort().join(', ')}`);
    }
    assert.deepEqual(describeFound(unregistered(found)), '', 'codes used in src/ but missing from ERROR_CODES');
  });

  test('ERROR_CODES keys are error-code shaped and described', () => {
    for (const [code, text] of Object.entries(ERROR_CODES)) {
      assert.match(code, /^[A-Z][A-Z0-9_]*$/);
      assert.ok(typeof text === 'string' && text.length > 10, code);
    }
  });

  test('README.md has a table row "| `CODE` |" for every key of ERROR_CODES', () => {
    const missing = undocumented(Object.keys(ERROR_CODES), fs.readFileSync(README, 'utf8'));
    assert.deepEqual(missing, [], `README.md lacks error-table rows for: ${missing.join(', ')}`);
  });

  test('README.md documents every code used in src/', () => {
    const missing = undocumented(scanSource().map((f) => f.code), fs.readFileSync(README, 'utf8'));
    assert.deepEqual(missing, [], `README.md lacks error-table rows for: ${missing.join(', ')}`);
  });
});
