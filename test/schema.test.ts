import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildSchema as parseSdl, lexicographicSortSchema, printSchema } from 'graphql';
import { buildFlywheelSchema } from '../src/app';
import { startTestServer, TestServer } from './helpers/test-server';

describe('contracts', () => {
  test('the committed schema.graphql is what the code builds (run `npm run schema` after API changes)', async () => {
    const built = printSchema(lexicographicSortSchema(await buildFlywheelSchema()));
    const committed = printSchema(lexicographicSortSchema(parseSdl(fs.readFileSync(path.resolve(__dirname, '../../schema.graphql'), 'utf8'))));
    assert.equal(committed, built);
  });

  test('the public contract fields exist with their types', async () => {
    const schema = await buildFlywheelSchema();
    const sig = (typeName: 'Query' | 'Mutation', field: string) => {
      const f = (typeName === 'Query' ? schema.getQueryType() : schema.getMutationType())!.getFields()[field];
      assert.ok(f, `${typeName}.${field} exists`);
      return `${f.args.map((a) => `${a.name}: ${a.type}`).sort().join(', ')} -> ${f.type}`;
    };
    assert.equal(sig('Mutation', 'logInference'), 'input: LogInferenceInput! -> LogInferenceResult!');
    assert.equal(sig('Mutation', 'logInferences'), 'inputs: [LogInferenceInput!]! -> [LogInferenceResult!]!');
    assert.equal(sig('Query', 'logEntry'), 'requestId: String! -> LogEntry');
    assert.equal(sig('Query', 'logEntries'), 'after: String, filter: LogEntryFilter, first: Int, order: SortOrder -> LogEntryConnection!');
    assert.equal(sig('Query', 'ingestStats'), 'from: DateTimeISO!, modelVersion: String, to: DateTimeISO! -> IngestStats!');
  });
});

describe('migrations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('the schema the migrations build matches the entities (nothing for synchronize to do)', async () => {
    const sqlInMemory = await server.app.database.dataSource.driver.createSchemaBuilder().log();
    assert.deepEqual(sqlInMemory.upQueries.map((q) => q.query), []);
  });

  test('migrations can be reverted and re-applied', async () => {
    const ds = server.app.database.dataSource;
    for (let i = 0; i < ds.migrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    assert.equal((await ds.query(`SELECT to_regclass('inference_log') AS t`))[0].t, null);
    await ds.runMigrations({ transaction: 'each' });
    assert.equal((await ds.query(`SELECT to_regclass('inference_log') AS t`))[0].t, 'inference_log');
  });
});
