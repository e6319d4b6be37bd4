import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { generate, type CodegenConfig } from '@graphql-codegen/cli';
import { buildSchema, Kind, parse, validate } from 'graphql';
import ts from 'typescript';

// Compiled to dist/test/, so the repo root is two levels up.
const ROOT = path.resolve(__dirname, '../..');
const SCHEMA = path.join(ROOT, 'schema.graphql');
const EXAMPLES_DIR = path.join(ROOT, 'docs/examples');
const examples = fs.existsSync(EXAMPLES_DIR)
  ? fs.readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.graphql')).sort().map((f) => path.join(EXAMPLES_DIR, f))
  : [];

// What a TypeScript client should see for each custom scalar (the README's codegen.yml says the same).
// strictScalars makes an unmapped new scalar fail the test instead of silently becoming `any` in
// client code.
const SCALARS = {
  ID: 'string',
  DateTime: 'string',
  JSONObject: 'Record<string, unknown>',
  SafeInt: 'number',
};

let tmp: string;
before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-codegen-'));
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * Runs codegen and returns the generated files. Throws on any error, including operations that do not
 * validate against the schema. typescript-operations 6.x is standalone: it emits the enums and inputs
 * an operation uses, so in the same file as the `typescript` plugin's output they would be declared
 * twice (TS2567). The two plugins therefore write separate files, the split importSchemaTypesFrom is
 * for: types.ts (every schema type) and operations.ts, which imports it.
 */
async function runCodegen(documents: string[]): Promise<string[]> {
  const types = path.join(tmp, 'types.ts');
  const operations = path.join(tmp, 'operations.ts');
  const config = { scalars: SCALARS, strictScalars: true };
  const codegenConfig: CodegenConfig = {
    cwd: ROOT,
    schema: SCHEMA,
    documents,
    silent: true, // no listr output on stdout (node --test reads it); errors still reject
    noSilentErrors: true, // an unparsable .graphql file must fail, never be skipped (7.4.3 fails anyway)
    generates: {
      [types]: { plugins: ['typescript'], config },
      // Absolute: codegen resolves this against process.cwd(), not against `cwd` above.
      [operations]: { plugins: ['typescript-operations'], config: { ...config, importSchemaTypesFrom: types } },
    },
  };
  // saveToFile=false: we get the output back and decide where it goes.
  const files: { filename: string; content: string }[] = await generate(codegenConfig, false);
  assert.deepEqual(files.map((f) => f.filename).sort(), [operations, types]);
  for (const f of files) fs.writeFileSync(f.filename, f.content);
  return [types, operations];
}

/** Type-checks the generated files on their own under strict mode; returns the diagnostics as readable lines. */
function typecheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler, // operations.ts imports './types' without extension
    lib: ['lib.es2022.d.ts'],
    types: [], // nothing from node_modules/@types: the generated code must stand alone
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const loc = where ? `${path.basename(d.file!.fileName)}:${where.line + 1}:${where.character + 1} ` : '';
    return `${loc}TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('codegen over docs/examples', () => {
  test('there are examples to check', () => {
    assert.ok(examples.length > 0, `no *.graphql files in ${path.relative(ROOT, EXAMPLES_DIR)}`);
  });

  test('every example validates against schema.graphql and the generated types compile under strict', async () => {
    const files = await runCodegen(examples);
    const code = fs.readFileSync(files[1], 'utf8');
    // Each named operation got its result type, so the examples were really processed.
    for (const file of examples) {
      for (const def of parse(fs.readFileSync(file, 'utf8')).definitions) {
        if (def.kind !== Kind.OPERATION_DEFINITION || !def.name) continue;
        const typeName = def.name.value + def.operation[0].toUpperCase() + def.operation.slice(1);
        assert.match(code, new RegExp(`export type ${typeName}\\b`), `${path.basename(file)}: no type ${typeName}`);
      }
    }
    const diagnostics = typecheck(files);
    assert.deepEqual(diagnostics, [], `generated code does not type-check:\n${diagnostics.join('\n')}`);
  });

  test('an operation that does not match the schema fails codegen (the check above can fail)', async () => {
    const broken = path.join(tmp, 'broken.graphql');
    fs.writeFileSync(broken, 'query Broken { viewer { name noSuchField } }\n');
    await assert.rejects(runCodegen([broken]), (err: Error) => {
      assert.match(err.message, /Cannot query field "noSuchField" on type "Viewer"/);
      return true;
    });
  });
});

describe('README quotes the examples', () => {
  // Examples are the source of truth; the README must show them unchanged, so the docs cannot
  // drift from operations that are validated and type-checked above.
  test('every docs/examples/*.graphql appears verbatim in a ```graphql block of README.md', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\r\n/g, '\n');
    const blocks = [...readme.matchAll(/^```graphql[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
    const missing = examples.filter((file) => {
      const body = fs.readFileSync(file, 'utf8').replace(/\r\n/g, '\n').trim();
      return !blocks.some((block) => block.includes(body));
    });
    assert.deepEqual(
      missing.map((f) => path.relative(ROOT, f)),
      [],
      'paste these files, unchanged, into a ```graphql block of README.md',
    );
  });
});

/**
 * GraphQL written inside other languages' snippets (a `query:` string in the TypeScript and HTML
 * examples, `MUTATION = "…"` in the Python one, the CLI's queries): every string literal that starts
 * with an operation keyword and has a selection set (so the key "query" itself is not one). Good enough for snippets (no escaped quotes in their operations).
 */
function embeddedOperations(code: string): string[] {
  return [...code.matchAll(/(['"`])\s*((?:query|mutation|subscription)\b[^'"`{]*\{[^'"`]*)\1/g)].map((m) => m[2]);
}

function problems(schemaText: string, operation: string): string[] {
  try {
    return validate(buildSchema(schemaText), parse(operation)).map((e) => e.message);
  } catch (err) {
    return [(err as Error).message];
  }
}

describe('GraphQL inside the README’s code snippets and the CLI', () => {
  const schemaText = fs.readFileSync(SCHEMA, 'utf8');
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\r\n/g, '\n');
  const snippets = [...readme.matchAll(/^```(ts|typescript|js|javascript|python|html)[^\n]*\n([\s\S]*?)^```/gm)].map((m) => ({ lang: m[1], code: m[2] }));

  test('every operation in a ts, python or html snippet of README.md validates against schema.graphql', () => {
    const found = snippets.flatMap((s) => embeddedOperations(s.code).map((op) => ({ lang: s.lang, op })));
    // The ones the README has today: logInference (ts), logInferences (python), submitFeedback (html).
    for (const [lang, field] of [['ts', 'logInference('], ['python', 'logInferences('], ['html', 'submitFeedback(']]) {
      assert.ok(found.some((f) => f.lang === lang && f.op.includes(field)), `no ${field}…) operation found in a \`\`\`${lang} snippet`);
    }
    const bad = found.map((f) => ({ ...f, errors: problems(schemaText, f.op) })).filter((f) => f.errors.length > 0);
    assert.deepEqual(bad, [], 'README snippets whose GraphQL does not match the schema');
  });

  test('every operation bin/flywheel.js sends validates against schema.graphql', () => {
    const ops = embeddedOperations(fs.readFileSync(path.join(ROOT, 'bin/flywheel.js'), 'utf8'));
    assert.ok(ops.length >= 2, 'the readiness and promotion queries');
    assert.deepEqual(ops.map((op) => problems(schemaText, op)).filter((e) => e.length > 0), []);
  });

  test('the check can fail: an operation with an unknown field, or one that does not parse, has problems', () => {
    const [op] = embeddedOperations("body: JSON.stringify({ query: 'mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId noSuchField } }' })");
    assert.match(problems(schemaText, op).join('\n'), /Cannot query field "noSuchField"/);
    assert.ok(problems(schemaText, 'query { viewer { name }').length > 0);
  });
});
