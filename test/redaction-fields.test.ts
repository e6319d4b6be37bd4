import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN_KEY, createKey, LOG_BATCH_MUTATION, LOG_MUTATION, logInput, startTestServer, TestServer } from './helpers/test-server';

/**
 * Redaction reaches every stored field (issue 13, point 7): prompt, response, metadata keys and
 * non-string values, feedback comments, correction text; identifiers that hold personal data are
 * refused; classes can be turned off; counts show in the entry's report and in /metrics. What is
 * asserted is what is on disk (SQL on the server's own database), not only what the API echoes.
 */

let server: TestServer;

before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server?.stop();
});

/** Every stored text column of a log row, its metadata as JSON text and its redaction report. */
async function storedRow(requestId: string): Promise<{ all: string; redactions: Record<string, number> }> {
  const [row] = await server.sql(`SELECT prompt, response, metadata::text AS metadata, redactions FROM inference_log WHERE request_id = $1`, [requestId]);
  assert.ok(row, `row ${requestId} stored`);
  return { all: `${row.prompt}\n${row.response}\n${row.metadata}`, redactions: row.redactions ?? {} };
}

function assertGone(stored: string, raws: string[]): void {
  for (const raw of raws) assert.ok(!stored.includes(raw), `${JSON.stringify(raw)} reached the database: ${stored}`);
}

test('prose with a name, a date of birth, an address, a national phone and a government id is stored with typed placeholders', async () => {
  const input = logInput({
    prompt:
      'Hi, my name is Amélie Durand and I was born on 12 April 1987. I live at 12 rue de la Paix, 75002 Paris; ' +
      'call me on 06 12 34 56 78. My NI number is AB 12 34 56 C.',
    response: 'Thanks Amélie, I have updated the delivery address to 12 rue de la Paix.',
  });
  const r = await server.gql(LOG_MUTATION, { input });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const stored = await storedRow(input.requestId as string);
  assertGone(stored.all, ['Amélie', 'Durand', '12 April 1987', '12 rue de la Paix', '75002', '06 12 34 56 78', 'AB 12 34 56 C']);
  for (const type of ['PERSON', 'DOB', 'ADDRESS', 'PHONE', 'GOV_ID']) {
    assert.ok(stored.all.includes(`[${type}]`), `[${type}] in ${stored.all}`);
    assert.ok((stored.redactions[type] ?? 0) >= 1, `report counts ${type}: ${JSON.stringify(stored.redactions)}`);
  }
  const reported = Object.fromEntries(r.data.logInference.redactions.map((x: { type: string; count: number }) => [x.type, x.count]));
  assert.deepEqual(reported, stored.redactions, 'the payload reports what was stored');
});

test('metadata keys and non-string values are redacted, and colliding keys keep both values', async () => {
  const input = logInput({
    metadata: {
      'bob@example.com': 'note',
      'ssn 123-45-6789': 1,
      card: 4111111111111111,
      nested: { 'alice@example.org': true, 'carol@example.net': false, list: [4111111111111111, 'ok'] },
      plain: 42,
    },
  });
  const r = await server.gql(LOG_MUTATION, { input });
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const stored = await storedRow(input.requestId as string);
  assertGone(stored.all, ['bob@example.com', '123-45-6789', '4111111111111111', 'alice@example.org', 'carol@example.net']);
  assert.equal(stored.redactions.EMAIL, 3, JSON.stringify(stored.redactions));
  assert.equal(stored.redactions.SSN, 1);
  assert.equal(stored.redactions.CREDIT_CARD, 2);
  const [{ metadata }] = await server.sql(`SELECT metadata FROM inference_log WHERE request_id = $1`, [input.requestId]);
  assert.equal(metadata.plain, 42, 'a number that is not personal data stays a number');
  assert.equal(Object.keys(metadata.nested).length, 3, 'two keys that redact to the same placeholder are both kept');
  assert.deepEqual(Object.values(metadata).includes('note'), true);
});

test('feedback comments and correction texts are redacted before storage and counted in /metrics', async () => {
  const input = logInput();
  assert.equal((await server.gql(LOG_MUTATION, { input })).errors, undefined);
  const fb = await server.gql(
    `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { created } }`,
    { input: { requestId: input.requestId, kind: 'THUMBS_DOWN', comment: 'Wrong! I am Dr. Siobhán O’Connor-Baker, DOB 03/07/1979, 221B Baker Street, London NW1 6XE.' } },
  );
  assert.equal(fb.errors, undefined, JSON.stringify(fb.errors));
  // The thumbs-down queued the entry for review: a correction needs the claim first.
  const claim = await server.gql(`mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { id } } }`, {
    input: { requestIds: [input.requestId] },
  });
  assert.equal(claim.errors, undefined, JSON.stringify(claim.errors));
  const corr = await server.gql(
    `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id } } }`,
    { input: { requestId: input.requestId, completion: 'Dear Mr. Jan van der Berg, your parcel goes to Kalverstraat 92, 1012 PH Amsterdam; call 020 123 4567.' } },
  );
  assert.equal(corr.errors, undefined, JSON.stringify(corr.errors));
  const [f] = await server.sql(`SELECT comment, redactions FROM feedback WHERE request_id = $1`, [input.requestId]);
  assertGone(f.comment, ['Siobhán', 'O’Connor', '03/07/1979', '221B Baker Street', 'NW1 6XE']);
  const [c] = await server.sql(`SELECT completion, redactions FROM correction WHERE request_id = $1`, [input.requestId]);
  assertGone(c.completion, ['Jan', 'van der Berg', 'Kalverstraat 92', '1012 PH', '020 123 4567']);
  for (const type of ['PERSON', 'DOB', 'ADDRESS']) assert.ok((f.redactions[type] ?? 0) >= 1, `feedback report ${type}: ${JSON.stringify(f.redactions)}`);
  for (const type of ['PERSON', 'ADDRESS', 'PHONE']) assert.ok((c.redactions[type] ?? 0) >= 1, `correction report ${type}: ${JSON.stringify(c.redactions)}`);

  const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
  for (const type of ['PERSON', 'DOB', 'ADDRESS', 'PHONE', 'GOV_ID', 'EMAIL']) {
    const m = new RegExp(`^flywheel_redactions_total\\{type="${type}"\\} (\\d+)`, 'm').exec(metrics);
    assert.ok(m && Number(m[1]) >= 1, `flywheel_redactions_total{type="${type}"} counted`);
  }
});

test('a modelVersion or requestId that holds personal data is refused with PII_IN_IDENTIFIER, the batch stores nothing and the value is never echoed', async () => {
  const good = logInput();
  const badModel = logInput({ modelVersion: 'support-bot-jane.doe@example.com' });
  const r = await server.gql(LOG_BATCH_MUTATION, { input: { items: [good, badModel] } });
  assert.equal(r.errors?.[0]?.extensions?.code, 'PII_IN_IDENTIFIER', JSON.stringify(r.errors));
  const problem = r.errors![0].extensions!.problems as { index: number; field: string; piiTypes: string[] }[];
  assert.deepEqual(problem.map((p) => [p.index, p.field, p.piiTypes]), [[1, 'modelVersion', ['EMAIL']]]);
  assert.ok(!JSON.stringify(r.errors).includes('jane.doe@example.com'), 'the value is not echoed');
  assert.equal((await server.sql(`SELECT count(*)::int AS n FROM inference_log WHERE request_id = $1`, [good.requestId]))[0].n, 0, 'nothing of the batch stored');

  const badId = logInput({ requestId: 'order-for-+447700900123' });
  const one = await server.gql(LOG_MUTATION, { input: badId });
  assert.equal(one.errors?.[0]?.extensions?.code, 'PII_IN_IDENTIFIER', JSON.stringify(one.errors));
  assert.equal((await server.sql(`SELECT count(*)::int AS n FROM inference_request WHERE request_id = $1`, [badId.requestId]))[0].n, 0);

  const feedbackKey = await createKey(server, ['FEEDBACK']);
  const fb = await server.gql(
    `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { created } }`,
    { input: { requestId: 'jane.doe@example.com', kind: 'THUMBS_UP' } },
    feedbackKey,
  );
  assert.equal(fb.errors?.[0]?.extensions?.code, 'PII_IN_IDENTIFIER', JSON.stringify(fb.errors));
  assert.equal((await server.sql(`SELECT count(*)::int AS n FROM feedback WHERE request_id = 'jane.doe@example.com'`))[0].n, 0);
});

test('REDACT_DISABLED_TYPES turns a class off: names are kept, everything else is still redacted', async () => {
  const own = await startTestServer({ REDACT_DISABLED_TYPES: 'person' });
  try {
    const input = logInput({ prompt: 'Hi, my name is Amélie Durand, email amelie.durand@example.fr' });
    const r = await own.gql(LOG_MUTATION, { input });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const [row] = await own.sql(`SELECT prompt FROM inference_log WHERE request_id = $1`, [input.requestId]);
    assert.equal(row.prompt, 'Hi, my name is Amélie Durand, email [EMAIL]');
  } finally {
    await own.stop();
  }
});
