import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { ESLint } from 'eslint';
// The plugin's CommonJS build has no `module.exports = default`: require() gives
// { default, parser, rules, configs, ... }, so take the named exports, not the default.
import * as graphqlESLint from '@graphql-eslint/eslint-plugin';
import { schemaLintRules } from './helpers/schema-lint-rules';

// Compiled to dist/test/, so the repo root is two levels up.
const ROOT = path.resolve(__dirname, '../..');
const SCHEMA = path.join(ROOT, 'schema.graphql');

function linter(): ESLint {
  return new ESLint({
    cwd: ROOT,
    // Ignore any eslint.config.* on disk: the test is the whole configuration.
    overrideConfigFile: true,
    overrideConfig: [
      {
        files: ['**/*.graphql'],
        languageOptions: {
          parser: graphqlESLint.parser,
          // Schema-aware rules read the schema from here (absolute: graphql-config resolves
          // relative pointers against process.cwd(), not against `cwd` above).
          parserOptions: { graphQLConfig: { schema: SCHEMA } },
        },
        // Cast: the plugin types its rules as GraphQLESLintRule, which ESLint 9's RuleDefinition rejects (meta.docs).
        plugins: { '@graphql-eslint': { rules: graphqlESLint.rules } as unknown as ESLint.Plugin },
        rules: schemaLintRules,
      },
    ],
  });
}

/** One line per finding, in the form `rule  line:col  message`, so a failure says what to fix. */
function format(results: ESLint.LintResult[]): string[] {
  return results.flatMap((r) =>
    r.messages.map((m) => `${m.ruleId ?? '(parser)'}  ${path.relative(ROOT, r.filePath)}:${m.line}:${m.column}  ${m.message.replace(/\s+/g, ' ')}`),
  );
}

describe('schema lint (@graphql-eslint)', () => {
  test('every configured rule exists in the installed plugin', () => {
    const missing = Object.keys(schemaLintRules)
      .map((id) => id.replace('@graphql-eslint/', ''))
      .filter((name) => !(name in graphqlESLint.rules));
    assert.deepEqual(missing, [], `unknown rules: ${missing.join(', ')}`);
  });

  test('the harness reports findings (a deliberately bad schema fails)', async () => {
    // Guards against a silently inert setup (rules not applied, schema not loaded, file ignored).
    const bad = '# hashtag\ntype Query { get_thing: Int! }\n';
    const results = await linter().lintText(bad, { filePath: SCHEMA });
    const rules = new Set(results.flatMap((r) => r.messages.map((m) => m.ruleId)));
    // require-description's rootField only fires if the schema was loaded (it throws otherwise).
    for (const expected of ['@graphql-eslint/naming-convention', '@graphql-eslint/require-description', '@graphql-eslint/no-hashtag-description']) {
      assert.ok(rules.has(expected), `expected a ${expected} finding, got:\n${format(results).join('\n')}`);
    }
  });

  test('the committed schema.graphql has no findings', async () => {
    const results = await linter().lintFiles([SCHEMA]);
    assert.equal(results.length, 1, 'schema.graphql was linted (not ignored)');
    const lines = format(results);
    const byRule = new Map<string, number>();
    for (const m of results[0].messages) byRule.set(m.ruleId ?? '(parser)', (byRule.get(m.ruleId ?? '(parser)') ?? 0) + 1);
    const summary = [...byRule].sort((a, b) => b[1] - a[1]).map(([rule, n]) => `  ${n}  ${rule}`);
    assert.equal(
      lines.length,
      0,
      `${lines.length} schema lint finding(s); rules are in test/helpers/schema-lint-rules.ts\n` +
        `by rule:\n${summary.join('\n')}\n\n${lines.join('\n')}`,
    );
  });
});
