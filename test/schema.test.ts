import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildSchema as parseSdl, getNamedType, GraphQLEnumType, GraphQLInputObjectType, GraphQLNamedType, GraphQLObjectType, GraphQLOutputType, isInputObjectType, isNonNullType, isObjectType, lexicographicSortSchema, printSchema } from 'graphql';
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
    // Mutations: one `input` argument, a nullable payload object.
    assert.equal(sig('Mutation', 'logInference'), 'input: LogInferenceInput! -> LogInferencePayload');
    assert.equal(sig('Mutation', 'logInferences'), 'input: LogInferencesInput! -> LogInferencesPayload');
    assert.equal(sig('Mutation', 'createApiKey'), 'input: CreateApiKeyInput! -> CreateApiKeyPayload');
    assert.equal(sig('Mutation', 'revokeApiKey'), 'input: RevokeApiKeyInput! -> RevokeApiKeyPayload');
    assert.equal(sig('Mutation', 'compactLogs'), 'input: CompactLogsInput! -> JobPayload');
    assert.equal(sig('Mutation', 'tagLogEntries'), 'input: TagLogEntriesInput! -> TagLogEntriesPayload');
    assert.equal(sig('Mutation', 'submitFeedback'), 'input: SubmitFeedbackInput! -> SubmitFeedbackPayload');
    assert.equal(sig('Mutation', 'claimReviewItems'), 'input: ClaimReviewItemsInput! -> ClaimReviewItemsPayload');
    assert.equal(sig('Mutation', 'acceptCorrection'), 'input: AcceptCorrectionInput! -> ReviewCorrectionPayload');
    // Queries: nullable root fields; Relay connections with first/after and last/before.
    assert.equal(sig('Query', 'logEntry'), 'requestId: String! -> LogEntry');
    assert.equal(sig('Query', 'logEntries'), 'after: String, before: String, filter: LogEntryFilter, first: Int, last: Int, order: SortOrder -> LogEntryConnection');
    assert.equal(sig('Query', 'ingestStats'), 'from: DateTime!, modelVersion: String, to: DateTime! -> IngestStats');
    assert.equal(sig('Query', 'tagCounts'), 'bucket: TimeBucket!, from: DateTime!, modelVersion: String, tags: [String!], to: DateTime! -> [TagCount!]');
    assert.equal(sig('Query', 'driftEvents'), 'after: String, before: String, filter: DriftEventFilter, first: Int, last: Int -> DriftEventConnection');
    assert.equal(sig('Query', 'reviewQueue'), 'after: String, before: String, filter: ReviewQueueFilter, first: Int, last: Int -> ReviewItemConnection');
    assert.equal(sig('Query', 'apiKeys'), 'after: String, before: String, first: Int, last: Int -> ApiKeyConnection');
    assert.equal(sig('Query', 'job'), 'id: ID! -> Job');
    assert.equal(sig('Query', 'node'), 'id: ID! -> Node');
    assert.equal(sig('Query', 'nodes'), 'ids: [ID!]! -> [Node]');
    assert.equal(sig('Query', 'viewer'), ' -> Viewer');
    // The old names are gone (clients get a validation error naming them, not a silent change).
    assert.equal(schema.getMutationType()!.getFields().tagEntries, undefined);
    assert.equal(schema.getMutationType()!.getFields().untagEntries, undefined);
    assert.equal(schema.getType('DateTimeISO'), undefined);
  });

  test('every root field is nullable, and every mutation takes one `input: <Name>Input!`', async () => {
    // A nullable root field lets one failing (or FORBIDDEN) field leave its siblings' data intact.
    const schema = await buildFlywheelSchema();
    for (const type of [schema.getQueryType()!, schema.getMutationType()!]) {
      for (const f of Object.values(type.getFields())) assert.ok(!isNonNullType(f.type), `${type.name}.${f.name} is nullable (is ${f.type})`);
    }
    for (const f of Object.values(schema.getMutationType()!.getFields())) {
      assert.deepEqual(
        f.args.map((a) => `${a.name}: ${a.type}`),
        [`input: ${f.name[0].toUpperCase()}${f.name.slice(1)}Input!`],
        `Mutation.${f.name}`,
      );
    }
  });

  test('cacheable objects implement Node; renamed fields and typed enums/scalars', async () => {
    const schema = await buildFlywheelSchema();
    const node = schema.getType('Node');
    assert.ok(node);
    assert.deepEqual(
      schema.getPossibleTypes(node as never).map(String).sort(),
      [
        'ApiKey', 'AuditEvent', 'Correction', 'DatasetVersion', 'Deployment', 'DriftEvent', 'EvalGate', 'Evaluation', 'Feedback', 'GroundTruth', 'Job', 'LabelConflict', 'LogEntry',
        'ModelLine', 'ModelVersion', 'RetrainDecision', 'RetrainPolicy', 'ReviewItem', 'Tag', 'TrainingRun', 'Webhook', 'WebhookDelivery',
      ],
    );
    const fieldType = (type: string, field: string) => String((schema.getType(type) as GraphQLObjectType).getFields()[field]?.type);
    const fieldNames = (type: string) => Object.keys((schema.getType(type) as GraphQLObjectType).getFields());
    const enumValues = (type: string) => (schema.getType(type) as GraphQLEnumType).getValues().map((v) => v.name).sort();

    assert.equal(fieldType('LogEntry', 'id'), 'ID!');
    assert.equal(fieldType('LogEntry', 'occurredAt'), 'DateTime!');
    assert.ok(!fieldNames('LogEntry').includes('ts'));
    assert.equal(fieldType('IngestStatsBucket', 'startsAt'), 'DateTime!');
    assert.equal(fieldType('IngestStatsBucket', 'received'), 'SafeInt!');
    assert.equal(fieldType('TagCount', 'startsAt'), 'DateTime!');
    assert.equal(fieldType('Job', 'state'), 'JobState!');
    assert.equal(fieldType('Job', 'retryCount'), 'Int!');
    assert.equal(fieldType('Job', 'createdAt'), 'DateTime!');
    assert.equal(fieldType('Job', 'completedAt'), 'DateTime');
    assert.equal(fieldType('RedactionCount', 'type'), 'PiiType!');
    assert.deepEqual(enumValues('Scope'), ['ADMIN', 'ANNOTATE', 'CI', 'CURATE', 'DEPLOY', 'FEEDBACK', 'INGEST', 'METRICS', 'MODEL_LABEL', 'READ']);
    assert.deepEqual(enumValues('JobState'), ['ACTIVE', 'CANCELLED', 'COMPLETED', 'CREATED', 'FAILED', 'RETRY']);
    assert.deepEqual(enumValues('PiiType'), ['ADDRESS', 'API_SECRET', 'CREDIT_CARD', 'DOB', 'EMAIL', 'GOV_ID', 'IBAN', 'IP', 'JWT', 'MAC_ADDRESS', 'PERSON', 'PHONE', 'SSN']);
    assert.deepEqual(fieldNames('PageInfo').sort(), ['endCursor', 'hasNextPage', 'hasPreviousPage', 'startCursor']);
    // totalCount only where it is cheap; never on log entries.
    assert.ok(!fieldNames('LogEntryConnection').includes('totalCount'));
    for (const c of ['ApiKeyConnection', 'DriftEventConnection', 'ReviewItemConnection', 'LabelConflictConnection', 'EvaluationConnection', 'DeploymentConnection', 'TrainingRunConnection', 'DatasetVersionConnection']) {
      assert.equal(fieldType(c, 'totalCount'), 'Int!', c);
    }
    // Lists that grow hang off objects as connections; hops into a type some readers of the parent may not read are nullable.
    assert.equal(fieldType('ModelVersion', 'evaluations'), 'EvaluationConnection!');
    assert.equal(fieldType('ModelVersion', 'deployments'), 'DeploymentConnection!');
    assert.equal(fieldType('DatasetVersion', 'trainingRuns'), 'TrainingRunConnection!');
    assert.equal(fieldType('LogEntry', 'datasetVersions'), 'DatasetVersionConnection');
    assert.equal(fieldType('DatasetVersion', 'entries'), 'LogEntryConnection');
    assert.equal(fieldType('TrainingRun', 'datasetVersion'), 'DatasetVersion');
    assert.equal(fieldType('TagLogEntriesPayload', 'entries'), '[LogEntry!]');
    // Typed where the shape is known.
    assert.equal(fieldType('Job', 'name'), 'JobKind!');
    assert.equal(fieldType('Job', 'progress'), 'JobProgress');
    assert.equal(fieldType('JobProgress', 'done'), 'SafeInt!');
    assert.equal(String((schema.getType('JobsFilter') as GraphQLInputObjectType).getFields().name.type), 'JobKind');
    assert.deepEqual(enumValues('JobKind'), ['AUDIT_RETENTION', 'COMPACTION', 'DATASET_BUILD', 'DRIFT_REVIEW', 'FEEDBACK_MATCH', 'GROUND_TRUTH_MATCH', 'LOG_PARTITIONS', 'LOG_RETENTION', 'RETRAIN_EVALUATION', 'TRAFFIC_PROFILE', 'WEBHOOK_DELIVERY']);
    assert.equal(fieldType('RetrainDecision', 'counts'), 'RetrainCounts!');
    assert.equal(fieldType('RetrainReadiness', 'counts'), 'RetrainCounts!');
    assert.equal(fieldType('RetrainPolicyCheck', 'counts'), 'RetrainPolicyCounts!');
    assert.equal(fieldType('RetrainCounts', 'newAcceptedCorrections'), 'SafeInt!');
    assert.equal(fieldType('DatasetVersion', 'filter'), 'DatasetVersionFilter!');
    assert.equal(fieldType('AccuracyBucket', 'startsAt'), 'DateTime!');
    assert.equal(fieldType('Deployment', 'probationEndsAt'), 'DateTime');
    assert.equal(fieldType('DeploymentPayload', 'endedDeployment'), 'Deployment');
    assert.equal(fieldType('DeploymentPayload', 'modelLine'), 'ModelLine!');
  });

  test('JSONObject only for free-form content, and every instant of an object type is named …At', async () => {
    const schema = await buildFlywheelSchema();
    const json: string[] = [];
    const instants: string[] = [];
    for (const t of Object.values(schema.getTypeMap())) {
      if (t.name.startsWith('__') || !(isObjectType(t) || isInputObjectType(t))) continue;
      for (const f of Object.values(t.getFields())) {
        const named = (getNamedType(f.type as GraphQLOutputType) as GraphQLNamedType).name;
        if (named === 'JSONObject') json.push(`${t.name}.${f.name}`);
        // Inputs and the filter mirrored from one take ranges (from/to); everything else is an instant …At.
        if (named === 'DateTime' && isObjectType(t) && !/At$/.test(f.name) && !t.name.endsWith('Filter')) instants.push(`${t.name}.${f.name}`);
      }
    }
    assert.deepEqual(json.sort(), [
      'AuditEvent.details', // per action (counts, tag names)
      'DatasetVersion.qualityReport', // the manifest's own object, keyed by data (reasons, tags)
      'Job.data', // per job kind
      'Job.output', // per job kind
      'JobProgress.details', // one kind's extras beyond the common fields
      'LogEntry.metadata', // the endpoint's free-form metadata
      'LogInferenceInput.metadata',
      'WebhookDelivery.payload', // the body as sent
    ]);
    assert.deepEqual(instants, []);
  });
});

describe('migrations', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  const exists = async (relation: string) => (await server.sql(`SELECT to_regclass($1) AS t`, [relation]))[0].t !== null;
  const pendingSync = async () => (await server.app.database.dataSource.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);

  test('the schema the migrations build matches the entities (nothing for synchronize to do)', async () => {
    assert.deepEqual(await pendingSync(), []);
  });

  test('the API contract migration built the review queue order index', async () => {
    const ds = server.app.database.dataSource;
    assert.ok(ds.migrations.some((m) => m.name === 'ApiContract1764640000000'));
    assert.equal(await exists('review_item_queue_order_idx'), true);
    assert.equal(await exists('review_item_queue_idx'), false, 'the index it replaces is gone');
  });

  test('the API contract migration can be reverted (with the ones after it) and re-applied', async () => {
    const ds = server.app.database.dataSource;
    const after = ds.migrations.length - 1 - ds.migrations.findIndex((m) => m.name === 'ApiContract1764640000000');
    for (let i = 0; i <= after; i++) await ds.undoLastMigration({ transaction: 'each' });
    assert.equal(await exists('review_item_queue_order_idx'), false);
    assert.equal(await exists('review_item_queue_idx'), true, 'down() restores the previous index');
    assert.equal(await ds.showMigrations(), true, 'migrations are pending');
    await ds.runMigrations({ transaction: 'each' });
    assert.equal(await exists('review_item_queue_order_idx'), true);
    assert.equal(await exists('review_item_queue_idx'), false);
  });

  test('migrations can be reverted and re-applied', async () => {
    const ds = server.app.database.dataSource;
    for (let i = 0; i < ds.migrations.length; i++) await ds.undoLastMigration({ transaction: 'each' });
    assert.equal(await exists('inference_log'), false);
    assert.equal(await exists('review_item'), false);
    await ds.runMigrations({ transaction: 'each' });
    assert.equal(await exists('inference_log'), true);
    assert.equal(await exists('review_item_queue_order_idx'), true);
    assert.equal(await ds.showMigrations(), false, 'nothing pending');
    assert.deepEqual(await pendingSync(), [], 'and the rebuilt schema still matches the entities');
  });
});
