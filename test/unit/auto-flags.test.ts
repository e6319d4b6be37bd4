import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAnomalousOutput, isDegenerate, isTruncated } from '../../src/services/ingest/auto-flags';
import { computeProfile, isOutOfDistribution, promptFeatures } from '../../src/services/ingest/ood-profile';

test('anomalous output: empty, truncated, degenerate; ordinary answers are not', () => {
  assert.ok(isAnomalousOutput('', null));
  assert.ok(isAnomalousOutput(' \n ', null));
  assert.ok(isTruncated('Sure, here it is', { finish_reason: 'length' }));
  assert.ok(isTruncated('x', { stopReason: 'max_tokens' }));
  assert.ok(isTruncated('```js\nconst a = 1;', null), 'an unclosed code fence');
  assert.ok(!isTruncated('```js\nconst a = 1;\n```', { finish_reason: 'stop' }));
  assert.ok(isDegenerate('the the the the the the the the the the the the the the the the the the the the the the the the the'));
  assert.ok(isDegenerate('Hmm' + '!'.repeat(60)));
  assert.ok(isDegenerate(Array.from({ length: 6 }, () => 'Step 1: restart the router').join('\n')));
  const fine = 'To reset your password, open Settings and choose Security. Then click "Reset password" and follow the link we email you. ' +
    'If the email does not arrive within ten minutes, check your spam folder or contact support with your account number.';
  assert.ok(!isAnomalousOutput(fine, { finish_reason: 'stop' }));
  assert.ok(!isDegenerate('| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |'));
});

test('out of distribution: prompt length far from the profile, or a different script', () => {
  const english = Array.from({ length: 300 }, (_, i) => `How do I reset my password for account number ${i}? It keeps failing.`.slice(0, 40 + (i % 40)));
  const profile = computeProfile(english);
  const opts = { lengthZ: 4, scriptShift: 0.5, minSamples: 200 };
  assert.ok(!isOutOfDistribution(profile, promptFeatures('Why was my card declined at checkout yesterday?'), opts));
  assert.ok(isOutOfDistribution(profile, promptFeatures('x'.repeat(20_000)), opts), 'a 20k-char paste');
  assert.ok(isOutOfDistribution(profile, promptFeatures('Как сбросить пароль для моей учётной записи?'), opts), 'Cyrillic');
  assert.ok(isOutOfDistribution(profile, promptFeatures('如何重置我的账户密码？我试了很多次都失败了'), opts), 'Chinese');
  assert.ok(!isOutOfDistribution(profile, promptFeatures('Comment réinitialiser mon mot de passe, s’il vous plaît ?'), opts), 'French is Latin script');
  assert.ok(!isOutOfDistribution({ ...profile, samples: 10 }, promptFeatures('x'.repeat(20_000)), opts), 'a thin profile flags nothing');
  assert.equal(promptFeatures('héllo wörld').nonLatinShare, 0);
  assert.equal(promptFeatures('🙂🙂 ok').nonLatinShare, 0, 'emoji are not letters');
});
