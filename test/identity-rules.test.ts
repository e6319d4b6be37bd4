import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createKey, GqlResponse, logBatch, logInput, startTestServer, TestServer, ok, errorCode } from './helpers/test-server';

/**
 * Who acts is the key, never an argument: the claimant, the annotator, the reviewer and the tag actor
 * are the key's name (or, for an ADMIN key only, the operator named in `onBehalfOf`). On top of that:
 * only the holder of a claim corrects a queued entry, nobody accepts their own correction, and the
 * correction's source (OPERATOR or MODEL) comes from the key's scopes.
 */

const ADMIN_NAME = 'bootstrap-admin (ADMIN_API_KEY)';


const TAG = `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { entries { requestId tags { name source actor } } taggedCount } }`;
const UNTAG = `mutation($input: UntagLogEntriesInput!) { untagLogEntries(input: $input) { untaggedCount } }`;
const CLAIM = `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { id requestId claimedBy status leaseExpiresAt } } }`;
const RELEASE = `mutation($input: ReleaseReviewItemsInput!) { releaseReviewItems(input: $input) { releasedCount items { requestId claimedBy } } }`;
const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) {
  correction { id requestId status source annotator confidence reviewedBy } reviewItem { status claimedBy } } }`;
const ACCEPT = `mutation($input: AcceptCorrectionInput!) { acceptCorrection(input: $input) { correction { id status reviewedBy annotator } reviewItem { status } } }`;
const REJECT = `mutation($input: RejectCorrectionInput!) { rejectCorrection(input: $input) { correction { id status reviewedBy } } }`;

describe('identity rules: the key is the actor', () => {
  let server: TestServer;
  let ana: string;
  let bob: string;
  let judge: string;

  before(async () => {
    server = await startTestServer();
    ana = await createKey(server, ['ANNOTATE'], 'ana');
    bob = await createKey(server, ['ANNOTATE'], 'bob');
    judge = await createKey(server, ['MODEL_LABEL'], 'judge');
  });
  after(() => server.stop());

  /** Stored entries that are not in the review queue. */
  async function entries(n: number): Promise<string[]> {
    const items = Array.from({ length: n }, () => logInput());
    await logBatch(server, items);
    return items.map((i) => i.requestId as string);
  }

  /** Stored entries waiting, unclaimed, in the review queue (tagged operator_review by the admin). */
  async function queued(n: number): Promise<string[]> {
    const ids = await entries(n);
    ok(await server.gql(TAG, { input: { requestIds: ids, tags: ['operator_review'] } }));
    const rows = await server.sql(`SELECT request_id, status, claimed_by FROM review_item WHERE request_id = ANY ($1::text[])`, [ids]);
    assert.equal(rows.length, n);
    for (const r of rows) assert.deepEqual([r.status, r.claimed_by], ['OPEN', null]);
    return ids;
  }

  const item = async (requestId: string) =>
    (await server.sql(`SELECT status, claimed_by, lease_expires_at > now() AS held FROM review_item WHERE request_id = $1`, [requestId]))[0];
  const corrections = (requestId: string) =>
    server.sql(`SELECT source, status, annotator, reviewed_by FROM correction WHERE request_id = $1 ORDER BY created_at`, [requestId]);

  test('claimReviewItems takes no annotator: the claim is recorded under the key name', async () => {
    const [id] = await queued(1);
    const withAnnotator = await server.gql(`mutation { claimReviewItems(input: { requestIds: ["${id}"], annotator: "mallory" }) { items { claimedBy } } }`, {}, ana);
    assert.equal(errorCode(withAnnotator), 'GRAPHQL_VALIDATION_FAILED');
    const viaVariables = await server.gql(CLAIM, { input: { requestIds: [id], annotator: 'mallory' } }, ana);
    assert.equal(errorCode(viaVariables), 'BAD_USER_INPUT', 'an unknown input field in variables is refused too');
    assert.equal((await item(id)).claimed_by, null, 'neither attempt claimed anything');

    const claimed = ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, ana)).claimReviewItems.items;
    assert.deepEqual(claimed.map((i: any) => [i.requestId, i.claimedBy, i.status]), [[id, 'ana', 'OPEN']]);
    assert.ok(claimed[0].leaseExpiresAt);
    assert.deepEqual(await item(id), { status: 'OPEN', claimed_by: 'ana', held: true });
    // The natural name for "who am I" is the viewer.
    assert.equal(ok(await server.gql(`{ viewer { name scopes } }`, {}, ana)).viewer.name, 'ana');
  });

  test('only ADMIN may pass onBehalfOf; any other key gets FORBIDDEN and nothing is written', async () => {
    const [free, claimedByAna, forCorrection] = await queued(3);
    ok(await server.gql(CLAIM, { input: { requestIds: [claimedByAna, forCorrection] } }, ana));
    // A PROPOSED correction someone else (judge) wrote, for the accept/reject attempts.
    const [proposedEntry] = await queued(1);
    ok(await server.gql(CLAIM, { input: { requestIds: [proposedEntry] } }, judge));
    const proposed = ok(await server.gql(CORRECT, { input: { requestId: proposedEntry, completion: 'Maybe this.', confidence: 0.5 } }, judge)).submitCorrection.correction;
    assert.equal(proposed.status, 'PROPOSED');

    const tagRowsBefore = (await server.sql(`SELECT count(*)::int AS n FROM log_tag`))[0].n;
    const attempts: [string, string, Record<string, unknown>][] = [
      ['tagLogEntries', TAG, { requestIds: [free], tags: ['on.behalf'], onBehalfOf: 'ana' }],
      ['untagLogEntries', UNTAG, { requestIds: [free], tags: ['operator_review'], onBehalfOf: 'ana' }],
      ['claimReviewItems', CLAIM, { requestIds: [free], onBehalfOf: 'ana' }],
      ['releaseReviewItems', RELEASE, { requestIds: [claimedByAna], onBehalfOf: 'ana' }],
      ['submitCorrection', CORRECT, { requestId: forCorrection, completion: 'Mine.', onBehalfOf: 'ana' }],
      ['acceptCorrection', ACCEPT, { correctionId: proposed.id, onBehalfOf: 'ana' }],
      ['rejectCorrection', REJECT, { correctionId: proposed.id, onBehalfOf: 'ana' }],
    ];
    for (const [name, mutation, input] of attempts) {
      // Even naming itself: the argument is an ADMIN power, not a restatement of identity.
      const r = await server.gql(mutation, { input }, ana);
      assert.equal(errorCode(r), 'FORBIDDEN', name);
      assert.match(r.errors![0].message, /onBehalfOf/, name);
      assert.equal(r.data?.[name] ?? null, null, name);
    }
    // A MODEL_LABEL key may not either.
    assert.equal(errorCode(await server.gql(CLAIM, { input: { requestIds: [free], onBehalfOf: 'ana' } }, judge)), 'FORBIDDEN');
    assert.equal(errorCode(await server.gql(CORRECT, { input: { requestId: proposedEntry, completion: 'x', confidence: 1, onBehalfOf: 'ana' } }, judge)), 'FORBIDDEN');

    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM log_tag`))[0].n, tagRowsBefore, 'no tag added or removed');
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM log_tag WHERE removed_at IS NOT NULL AND request_id = $1`, [free]))[0].n, 0);
    assert.deepEqual(await item(free), { status: 'OPEN', claimed_by: null, held: null }, 'not claimed');
    assert.deepEqual(await item(claimedByAna), { status: 'OPEN', claimed_by: 'ana', held: true }, 'not released');
    assert.deepEqual(await corrections(forCorrection), [], 'no correction written');
    assert.deepEqual(await corrections(proposedEntry), [{ source: 'MODEL', status: 'PROPOSED', annotator: 'judge', reviewed_by: null }], 'not reviewed');
  });

  test('an ADMIN key with onBehalfOf acts as that operator (claim and tag); without it, as itself', async () => {
    const [a, b] = await queued(2);
    const claimed = ok(await server.gql(CLAIM, { input: { requestIds: [a], onBehalfOf: 'ana' } })).claimReviewItems.items;
    assert.deepEqual(claimed.map((i: any) => i.claimedBy), ['ana']);
    // ana's own key now holds that claim: it may correct the entry.
    const c = ok(await server.gql(CORRECT, { input: { requestId: a, completion: 'Done by ana.' } }, ana)).submitCorrection.correction;
    assert.deepEqual([c.annotator, c.source, c.status], ['ana', 'OPERATOR', 'ACCEPTED']);

    const tagged = ok(await server.gql(TAG, { input: { requestIds: [b], tags: ['for.ana'], onBehalfOf: 'ana' } })).tagLogEntries;
    assert.deepEqual(tagged.entries[0].tags.find((t: any) => t.name === 'for.ana'), { name: 'for.ana', source: 'OPERATOR', actor: 'ana' });
    const self = ok(await server.gql(TAG, { input: { requestIds: [b], tags: ['by.admin'] } })).tagLogEntries;
    assert.deepEqual(self.entries[0].tags.find((t: any) => t.name === 'by.admin'), { name: 'by.admin', source: 'API', actor: ADMIN_NAME });
    // ana's key has no READ: the tag is written, and the payload's entries (READ, like logEntry) is null.
    const byAna = await server.gql(TAG, { input: { requestIds: [b], tags: ['by.ana'] } }, ana);
    assert.deepEqual([byAna.data.tagLogEntries.taggedCount, byAna.data.tagLogEntries.entries, errorCode(byAna)], [1, null, 'FORBIDDEN']);
    const tags = ok(await server.gql(`query($r: String!) { logEntry(requestId: $r) { tags { name source actor } } }`, { r: b })).logEntry.tags;
    assert.deepEqual(tags.find((t: any) => t.name === 'by.ana'), { name: 'by.ana', source: 'OPERATOR', actor: 'ana' });
    const adminClaim = ok(await server.gql(CLAIM, { input: { requestIds: [b] } })).claimReviewItems.items;
    assert.deepEqual(adminClaim.map((i: any) => i.claimedBy), [ADMIN_NAME]);
    // onBehalfOf must still be a usable name.
    assert.equal(errorCode(await server.gql(TAG, { input: { requestIds: [b], tags: ['x'], onBehalfOf: ' ' } })), 'BAD_USER_INPUT');
  });

  test('a claim is its holder’s: bob can neither release nor correct ana’s item; ana can', async () => {
    const [id] = await queued(1);
    ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, ana));
    // bob cannot take it over either.
    assert.deepEqual(ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, bob)).claimReviewItems.items, []);

    const released = ok(await server.gql(RELEASE, { input: { requestIds: [id] } }, bob)).releaseReviewItems;
    assert.equal(released.releasedCount, 0);
    assert.deepEqual(released.items, []);
    assert.deepEqual(await item(id), { status: 'OPEN', claimed_by: 'ana', held: true });

    const r = await server.gql(CORRECT, { input: { requestId: id, completion: 'bob was here' } }, bob);
    assert.equal(errorCode(r), 'FORBIDDEN');
    assert.match(r.errors![0].message, /claimed by someone else/);
    assert.deepEqual(await corrections(id), []);

    const c = ok(await server.gql(CORRECT, { input: { requestId: id, completion: 'ana’s answer' } }, ana)).submitCorrection;
    assert.deepEqual([c.correction.annotator, c.correction.source, c.correction.status], ['ana', 'OPERATOR', 'ACCEPTED']);
    assert.deepEqual(c.reviewItem, { status: 'DONE', claimedBy: null });

    // ana releases her own claim on another item.
    const [other] = await queued(1);
    ok(await server.gql(CLAIM, { input: { requestIds: [other] } }, ana));
    const own = ok(await server.gql(RELEASE, { input: { requestIds: [other] } }, ana)).releaseReviewItems;
    assert.equal(own.releasedCount, 1);
    assert.deepEqual(own.items, [{ requestId: other, claimedBy: null }]);
  });

  test('only an unexpired claim counts: a lapsed lease neither releases nor lets its last holder correct', async () => {
    const [id] = await queued(1);
    ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, ana));
    await server.sql(`UPDATE review_item SET lease_expires_at = now() - interval '1 minute' WHERE request_id = $1`, [id]);
    assert.equal(ok(await server.gql(RELEASE, { input: { requestIds: [id] } }, ana)).releaseReviewItems.releasedCount, 0);
    const late = await server.gql(CORRECT, { input: { requestId: id, completion: 'too late' } }, ana);
    assert.equal(errorCode(late), 'FORBIDDEN');
    assert.match(late.errors![0].message, /claim it first/);
    assert.deepEqual(await corrections(id), []);
    // The item is free again: bob takes it and corrects it.
    assert.deepEqual(ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, bob)).claimReviewItems.items.map((i: any) => i.claimedBy), ['bob']);
    assert.equal(ok(await server.gql(CORRECT, { input: { requestId: id, completion: 'bob’s answer' } }, bob)).submitCorrection.correction.annotator, 'bob');
  });

  test('an OPEN queue item nobody claimed cannot be corrected until claimed', async () => {
    const [id] = await queued(1);
    const r = await server.gql(CORRECT, { input: { requestId: id, completion: 'too soon' } }, ana);
    assert.equal(errorCode(r), 'FORBIDDEN');
    assert.match(r.errors![0].message, /claim it first/);
    assert.deepEqual(await corrections(id), []);
    ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, ana));
    const c = ok(await server.gql(CORRECT, { input: { requestId: id, completion: 'now' } }, ana)).submitCorrection.correction;
    assert.equal(c.status, 'ACCEPTED');
    // Entries outside the queue (and DONE items) are corrected freely.
    const [free] = await entries(1);
    assert.equal(ok(await server.gql(CORRECT, { input: { requestId: free, completion: 'free' } }, bob)).submitCorrection.correction.status, 'ACCEPTED');
    assert.equal(ok(await server.gql(CORRECT, { input: { requestId: id, completion: 'again, on a DONE item' } }, bob)).submitCorrection.correction.status, 'ACCEPTED');
  });

  test('nobody accepts their own correction', async () => {
    const [id] = await queued(1);
    ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, judge));
    const proposed = ok(await server.gql(CORRECT, { input: { requestId: id, completion: 'Proposed answer.', confidence: 0.5 } }, judge)).submitCorrection.correction;
    assert.deepEqual([proposed.source, proposed.status, proposed.annotator], ['MODEL', 'PROPOSED', 'judge']);

    const asJudge = await server.gql(ACCEPT, { input: { correctionId: proposed.id, onBehalfOf: 'judge' } });
    assert.equal(errorCode(asJudge), 'FORBIDDEN');
    assert.equal((await corrections(id))[0].status, 'PROPOSED');

    const accepted = ok(await server.gql(ACCEPT, { input: { correctionId: proposed.id } }, bob)).acceptCorrection;
    assert.deepEqual(accepted.correction, { id: proposed.id, status: 'ACCEPTED', reviewedBy: 'bob', annotator: 'judge' });
    assert.deepEqual(accepted.reviewItem, { status: 'DONE' });

    // A key named ana cannot accept a correction whose annotator is ana (here: one bob had rejected).
    const [free] = await entries(1);
    const mine = ok(await server.gql(CORRECT, { input: { requestId: free, completion: 'ana wrote this' } }, ana)).submitCorrection.correction;
    assert.equal(mine.annotator, 'ana');
    assert.equal(ok(await server.gql(REJECT, { input: { correctionId: mine.id } }, bob)).rejectCorrection.correction.status, 'REJECTED');
    const own = await server.gql(ACCEPT, { input: { correctionId: mine.id } }, ana);
    assert.equal(errorCode(own), 'FORBIDDEN');
    assert.match(own.errors![0].message, /own/);
    assert.deepEqual(await corrections(free), [{ source: 'OPERATOR', status: 'REJECTED', annotator: 'ana', reviewed_by: 'bob' }]);
    // Rejecting your own is allowed; someone else may accept it.
    assert.equal(ok(await server.gql(ACCEPT, { input: { correctionId: mine.id } }, bob)).acceptCorrection.correction.status, 'ACCEPTED');
    assert.equal(ok(await server.gql(REJECT, { input: { correctionId: mine.id } }, ana)).rejectCorrection.correction.status, 'REJECTED');
  });

  test('the source comes from the key, never from an argument', async () => {
    const [e1, e2, e3, e4, e5, e6] = await entries(6);
    const submit = (key: string, requestId: string, confidence?: number) =>
      server.gql(CORRECT, { input: { requestId, completion: `answer for ${requestId}`, ...(confidence === undefined ? {} : { confidence }) } }, key);

    const human = ok(await submit(ana, e1, 0.1)).submitCorrection.correction;
    assert.deepEqual([human.source, human.status, human.confidence], ['OPERATOR', 'ACCEPTED', 0.1], 'a human’s correction is accepted whatever the confidence');

    const sure = ok(await submit(judge, e2, 1)).submitCorrection.correction;
    assert.deepEqual([sure.source, sure.status, sure.annotator, sure.reviewedBy], ['MODEL', 'ACCEPTED', 'judge', null], 'auto-accepted');
    const unsure = ok(await submit(judge, e3, 0.5)).submitCorrection.correction;
    assert.deepEqual([unsure.source, unsure.status], ['MODEL', 'PROPOSED']);

    const noConfidence = await submit(judge, e4);
    assert.equal(errorCode(noConfidence), 'BAD_USER_INPUT');
    assert.match(noConfidence.errors![0].message, /confidence/);
    assert.deepEqual(await corrections(e4), []);

    for (const m of [ACCEPT, REJECT]) {
      const r = await server.gql(m, { input: { correctionId: unsure.id } }, judge);
      assert.equal(errorCode(r), 'FORBIDDEN');
      assert.deepEqual(r.errors![0].extensions?.requiredScopes, ['ANNOTATE']);
    }
    assert.equal((await corrections(e3))[0].status, 'PROPOSED');

    for (const scopes of [['INGEST'], ['READ']]) {
      const key = await createKey(server, scopes, `${scopes[0].toLowerCase()}-${crypto.randomBytes(2).toString('hex')}`);
      assert.equal(errorCode(await submit(key, e5, 1)), 'FORBIDDEN', scopes[0]);
    }
    assert.deepEqual(await corrections(e5), []);

    // A key with both ANNOTATE and MODEL_LABEL is a human's key: OPERATOR.
    const both = await createKey(server, ['ANNOTATE', 'MODEL_LABEL'], 'both');
    const bothC = ok(await submit(both, e6, 0.2)).submitCorrection.correction;
    assert.deepEqual([bothC.source, bothC.status], ['OPERATOR', 'ACCEPTED']);

    // There is no `source` input field any more.
    const withSource = await server.gql(`mutation { submitCorrection(input: { requestId: "${e5}", completion: "x", confidence: 1, source: MODEL }) { correction { id } } }`, {}, ana);
    assert.equal(errorCode(withSource), 'GRAPHQL_VALIDATION_FAILED');
    const withAnnotator = await server.gql(`mutation { submitCorrection(input: { requestId: "${e5}", completion: "x", annotator: "ana" }) { correction { id } } }`, {}, ana);
    assert.equal(errorCode(withAnnotator), 'GRAPHQL_VALIDATION_FAILED');
    assert.deepEqual(await corrections(e5), []);
  });

  test('a PROPOSED model correction releases the labeller’s claim: the item goes to a human', async () => {
    const [id] = await queued(1);
    assert.deepEqual(ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, judge)).claimReviewItems.items.map((i: any) => i.claimedBy), ['judge']);
    const r = ok(await server.gql(CORRECT, { input: { requestId: id, completion: 'A guess.', confidence: 0.4 } }, judge)).submitCorrection;
    assert.equal(r.correction.status, 'PROPOSED');
    assert.deepEqual(r.reviewItem, { status: 'OPEN', claimedBy: null });
    assert.deepEqual(await item(id), { status: 'OPEN', claimed_by: null, held: null });
    const queue = ok(await server.gql(`{ reviewQueue(first: 500) { nodes { requestId } } }`)).reviewQueue.nodes.map((n: any) => n.requestId);
    assert.ok(queue.includes(id), 'back in the (unclaimed) queue');
    const human = ok(await server.gql(CLAIM, { input: { requestIds: [id] } }, ana)).claimReviewItems.items;
    assert.deepEqual(human.map((i: any) => [i.requestId, i.claimedBy]), [[id, 'ana']]);

    // An auto-accepted model correction finishes the item instead.
    const [other] = await queued(1);
    ok(await server.gql(CLAIM, { input: { requestIds: [other] } }, judge));
    const sure = ok(await server.gql(CORRECT, { input: { requestId: other, completion: 'Certain.', confidence: 0.95 } }, judge)).submitCorrection;
    assert.equal(sure.correction.status, 'ACCEPTED');
    assert.deepEqual(sure.reviewItem, { status: 'DONE', claimedBy: null });
  });
});
