import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

test('emails: plain, plus tags, subdomains, upper case, quotes and angle brackets', () => {
  const text = assertRedacted(
    'Hi, I am jane@example.com (work: John.Doe+billing@mail.eu.example.co.uk). ' +
      'Reply to "support@acme.io" or <JANE.DOE@EXAMPLE.COM>, thanks!',
    ['jane@example.com', 'John.Doe+billing@mail.eu.example.co.uk', 'support@acme.io', 'JANE.DOE@EXAMPLE.COM'],
    { EMAIL: 4 },
  );
  assert.equal(text, 'Hi, I am [EMAIL] (work: [EMAIL]). Reply to "[EMAIL]" or <[EMAIL]>, thanks!');
});
test('emails inside URLs, including a percent-encoded @', () => {
  const text = assertRedacted(
    'Links: mailto:a.b@x.org, https://x.com/?email=jane.doe%40example.com&ref=1 and https://x.com/u?e=jane@example.com',
    ['a.b@x.org', 'jane.doe%40example.com', 'jane@example.com', 'jane.doe'],
    { EMAIL: 3 },
  );
  assert.equal(
    text,
    'Links: mailto:[EMAIL], https://x.com/?email=[EMAIL]&ref=1 and https://x.com/u?e=[EMAIL]',
  );
});
test('emails: git@github.com is email-shaped and redacted; host-only and package specs are not', () => {
  assertRedacted('git clone git@github.com:acme/api.git', ['git@github.com'], { EMAIL: 1 });
  assertKept('ssh deploy@buildhost then npm i lodash@4.17.21 @types/node@20.19.2 and docker pull img@sha256:ab12');
  assertKept('Use @app.route("/") and the retina asset icon@2x.png / logo@3x.svg');
});
