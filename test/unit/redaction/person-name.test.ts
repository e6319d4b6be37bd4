import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactWith } from '../../../src/services/redaction/pipeline';
import type { RedactionCounts } from '../../../src/services/redaction/pii-types';
import { personNameRecognizer } from '../../../src/services/redaction/recognizers/person-name.recognizer';
import { dateOfBirthRecognizer } from '../../../src/services/redaction/recognizers/date-of-birth.recognizer';
import { NO_NAME, WITH_TRIGGER, WITHOUT_TRIGGER, expectedRedaction, label } from './person-name.dev-set';

const SETTINGS = { disabled: new Set<never>(), phoneRegions: [] as string[] };

function redact(text: string): { text: string; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  const r = redactWith(text, [personNameRecognizer], SETTINGS, counts);
  return { text: r.text, counts };
}

function assertRedacted(input: string, expected: string): void {
  const r = redact(input);
  assert.equal(r.text, expected, `input ${JSON.stringify(input)}`);
  assert.equal(r.counts.PERSON ?? 0, (expected.match(/\[PERSON\]/g) ?? []).length, `count for ${JSON.stringify(input)}`);
}

function assertKept(input: string): void {
  const r = redact(input);
  assert.equal(r.text, input, `false positive: ${JSON.stringify(input)} -> ${JSON.stringify(r.text)}`);
  assert.deepEqual(r.counts, {});
}

test('PERSON: every name after a trigger in the dev set is replaced (the trigger and title stay)', () => {
  for (const marked of WITH_TRIGGER) assertRedacted(label(marked).text, expectedRedaction(marked));
});

test('PERSON: sentences without a name stay unchanged (greetings to groups, products, shows, code)', () => {
  for (const text of NO_NAME) assertKept(text);
});

test('PERSON: names without any trigger are not guessed (documented limit)', () => {
  // Without a trigger a capitalised word is as likely a place, product or sentence start; see the recognizer.
  const missed = WITHOUT_TRIGGER.filter((m) => redact(label(m).text).counts.PERSON === undefined);
  assert.ok(missed.length >= WITHOUT_TRIGGER.length - 2, 'the recognizer only redacts names next to a trigger');
});

test('PERSON: self-introductions, many phrasings', () => {
  const cases: Array<[string, string]> = [
    ['my name is Ana', 'my name is [PERSON]'],
    ['MY NAME IS Ana Lima.', 'MY NAME IS [PERSON].'],
    ['My name is: Ana Lima', 'My name is: [PERSON]'],
    ['my first name is Ana', 'my first name is [PERSON]'],
    ['my surname is Lima', 'my surname is [PERSON]'],
    ['They call me Big Tom', 'They call me [PERSON]'],
    ['I’m Noor, and I need help', 'I’m [PERSON], and I need help'],
    ['Je suis Amélie et je travaille chez vous', 'Je suis [PERSON] et je travaille chez vous'],
    ['je me nomme Paul Durand', 'je me nomme [PERSON]'],
    ['ich heisse Jörg', 'ich heisse [PERSON]'],
    ['Soy Marta, del equipo de ventas', 'Soy [PERSON], del equipo de ventas'],
    ['Sono Alessandro e ho un problema', 'Sono [PERSON] e ho un problema'],
    ['Ik ben Femke', 'Ik ben [PERSON]'],
    ['Ich bin Anna und wohne in Wien', 'Ich bin [PERSON] und wohne in Wien'],
    ['Ich bin Arzt in Wien', 'Ich bin Arzt in Wien'],
    ['me chamo Ana Sousa', 'me chamo [PERSON]'],
    ['мене звати Олена', 'мене звати [PERSON]'],
    ['ονομάζομαι Ελένη', 'ονομάζομαι [PERSON]'],
    ['Hi, this is Ben speaking', 'Hi, this is [PERSON] speaking'],
    ["It's Carla from IT", "It's [PERSON] from IT"],
    ['My name is Mary-Kate McDonald-Smith', 'My name is [PERSON]'],
    ['My name is Seán Ó Briain', 'My name is [PERSON]'],
    ['My name is Ludwig van Beethoven', 'My name is [PERSON]'],
    ['My name is Maria von Trapp', 'My name is [PERSON]'],
    ['My name is J.R. Tolkien', 'My name is [PERSON]'],
    ['my name is not important', 'my name is not important'],
  ];
  for (const [input, expected] of cases) assertRedacted(input, expected);
});

test('PERSON: salutations, sign-offs and signatures', () => {
  const cases: Array<[string, string]> = [
    ['Hi Anna, hi Ben', 'Hi [PERSON], hi [PERSON]'],
    ['Hello, Maya!', 'Hello, [PERSON]!'],
    ['Dear Mr. and Mrs. Jones,', 'Dear Mr. and Mrs. [PERSON],'],
    ['Good morning Priya,', 'Good morning [PERSON],'],
    ['Hallo Jonas, danke!', 'Hallo [PERSON], danke!'],
    ['Bonsoir Inès', 'Bonsoir [PERSON]'],
    ['Querida Carmen:', 'Querida [PERSON]:'],
    ['Buongiorno Matteo,', 'Buongiorno [PERSON],'],
    ['Привет, Саша!', 'Привет, [PERSON]!'],
    ['Αγαπητέ Κώστα,', 'Αγαπητέ [PERSON],'],
    ['Thanks,\nNina', 'Thanks,\n[PERSON]'],
    ['Thank you,\n\nDr. Rebecca Stone', 'Thank you,\n\nDr. [PERSON]'],
    ['Best regards,\nKarl Heinz\nSupport Engineer', 'Best regards,\n[PERSON]\nSupport Engineer'],
    ['Viele Grüße,\nMarkus', 'Viele Grüße,\n[PERSON]'],
    ['Bien cordialement,\nJulien Roux', 'Bien cordialement,\n[PERSON]'],
    ['Un saludo,\nElena', 'Un saludo,\n[PERSON]'],
    ['Groetjes, Lotte', 'Groetjes, [PERSON]'],
    ['Cheers,\nSam | Acme Corp', 'Cheers,\n[PERSON] | Acme Corp'],
    ['Hi John and Mary,', 'Hi [PERSON] and [PERSON],'],
    ['Happy birthday, Sam!', 'Happy birthday, [PERSON]!'],
    ['Kind regards,\nAnna\nSent from Outlook', 'Kind regards,\n[PERSON]\nSent from Outlook'],
    ['Best regards,\nThe Flywheel Team', 'Best regards,\nThe Flywheel Team'],
    ['Thanks in advance,\nBest,\nJ. Doe', 'Thanks in advance,\nBest,\n[PERSON]'],
    ['Hallo Jonas und Lea', 'Hallo [PERSON] und [PERSON]'],
    ['Signed,\nOmar Haddad', 'Signed,\n[PERSON]'],
    ['Hi John, and welcome back', 'Hi [PERSON], and welcome back'],
  ];
  for (const [input, expected] of cases) assertRedacted(input, expected);
});

test('PERSON: contractions and third-person introductions ("name\'s X", "his name is X")', () => {
  assertRedacted("name's Ada Quinn, I wrote yesterday", "name's [PERSON], I wrote yesterday");
  assertRedacted("Name's Bond. James Bond.", "Name's [PERSON]. James Bond.");
  assertRedacted("The name’s Lena", "The name’s [PERSON]");
  assertRedacted('his name is Tom Berger', 'his name is [PERSON]');
  assertRedacted("Her name's Ines and she booked it", "Her name's [PERSON] and she booked it");
  assertKept("the file name's Config.yaml");
  assertKept('The product name is Flywheel');
  assertKept("name's missing from the form");
  assertKept('her name is Unknown');
});

test('PERSON: multi-word sign-offs and dash-led signature lines', () => {
  const cases: Array<[string, string]> = [
    ['Thanks in advance,\nAda Quinn', 'Thanks in advance,\n[PERSON]'],
    ['Thank you so much!\nOla', 'Thank you so much!\n[PERSON]'],
    ['Thanks for your help.\nMarek Novak', 'Thanks for your help.\n[PERSON]'],
    ['Thank you for your patience,\n\nSiobhan O\'Neill', 'Thank you for your patience,\n\n[PERSON]'],
    ['Thank you so much!\n— Ørjan Dahl', 'Thank you so much!\n— [PERSON]'],
    ['Thanks,\n- Jane', 'Thanks,\n- [PERSON]'],
    ['Cheers\n-- \nPiotr', 'Cheers\n-- \n[PERSON]'],
    ['Best regards,\n– Chloé Martin', 'Best regards,\n– [PERSON]'],
    ['Merci d\'avance,\nJulie', 'Merci d\'avance,\n[PERSON]'],
    ['Danke im voraus!\nJonas', 'Danke im voraus!\n[PERSON]'],
    ['Much appreciated,\nRavi', 'Much appreciated,\n[PERSON]'],
  ];
  for (const [input, expected] of cases) assertRedacted(input, expected);
  // The line after the tail is a new paragraph, not a signature: kept.
  assertKept('Thanks for the fix!\nAnother question: can I export?');
  assertKept('thanks for the help\nPython 3 crashes on start');
  assertKept('Release notes\n- Fixed login\n- Added export');
  assertKept('The best way to fix it:\nRestart');
  assertKept('Love the new dashboard!\nGreat work');
});

test('PERSON: a company or product addressed as a group is not a name', () => {
  for (const kept of [
    'Hello Flywheel team, quick question',
    'Hi Acme support,',
    'Thanks Stripe folks!',
    'Hey Vercel crew',
    'Hallo Flywheel-Team, kurze Frage',
    'Bonjour Flywheel équipe',
    'Hi Zendesk people, hello',
    'Good morning Globex everyone',
  ]) {
    assertKept(kept);
  }
  assertRedacted('Hi Anna, team lead here', 'Hi [PERSON], team lead here');
  assertRedacted('my name is Anna all right', 'my name is [PERSON] all right');
});

test('PERSON: field labels with a dash separator, and owner/holder keys', () => {
  assertRedacted('Customer name - Ada Quinn', 'Customer name - [PERSON]');
  assertRedacted('Full name – Marek Novak', 'Full name – [PERSON]');
  assertRedacted('Surname — Lima', 'Surname — [PERSON]');
  assertRedacted('Nombre - Lucía Pérez', 'Nombre - [PERSON]');
  assertRedacted('Account holder: Liam Byrne', 'Account holder: [PERSON]');
  assertRedacted('Account owner: Gwen Carter, since 2019', 'Account owner: [PERSON], since 2019');
  assertRedacted('Policyholder: Anya Petrova', 'Policyholder: [PERSON]');
  assertKept('Contact - Support');
  assertKept('Customer - Premium tier');
  assertKept('Product name - Widget Pro');
  assertKept('Owner: Platform');
  assertKept('name - the identifier of the bucket');
});

test('PERSON: a second rendering of the name in brackets, in another script', () => {
  assertRedacted('My name is 山田太郎 (Taro Yamada) and I need help', 'My name is [PERSON] ([PERSON]) and I need help');
  assertRedacted('Name: Ivan Petrov (Иван Петров)', 'Name: [PERSON] ([PERSON])');
  assertRedacted('我叫王伟（Wang Wei）', '我叫[PERSON]（[PERSON]）');
  assertRedacted('Γιώργος Παππάς (George Pappas) here', 'Γιώργος Παππάς (George Pappas) here');
  assertRedacted('Ich heiße Γιώργος Παππάς (Giorgos Pappas)', 'Ich heiße [PERSON] ([PERSON])');
  // Same script in brackets: a department, team or place, kept.
  assertRedacted('Hi Anna (Marketing),', 'Hi [PERSON] (Marketing),');
  assertRedacted('Dr. Lee (Cardiology) will call', 'Dr. [PERSON] (Cardiology) will call');
});

test('PERSON: titles keep the title, redact the name; brands and shows stay', () => {
  assertRedacted('Mr Smith called', 'Mr [PERSON] called');
  assertRedacted('Ms. Ada Lovelace-King wrote', 'Ms. [PERSON] wrote');
  assertRedacted('Sir Patrick Stewart', 'Sir [PERSON]');
  assertRedacted('Mlle Girard est absente', 'Mlle [PERSON] est absente');
  assertRedacted('Srta. Navarro', 'Srta. [PERSON]');
  assertRedacted('Dott. Esposito', 'Dott. [PERSON]');
  for (const kept of ['Dr. Pepper', 'Dr Pepper is sweet', 'Mr. Robot season 2', 'Prof. Layton and the Curious Village',
    'Mr. Bean', 'Miss Universe 2024', 'dr. med. vet.', 'MR. SMITH']) {
    if (kept === 'MR. SMITH') continue; // all caps titles are not matched (documented): would need a case-insensitive title list
    assertKept(kept);
  }
});

test('PERSON: name fields in forms, JSON and key=value; code stays', () => {
  assertRedacted('Full Name: Grace Hopper', 'Full Name: [PERSON]');
  assertRedacted('last_name: Ng', 'last_name: [PERSON]');
  assertRedacted('"firstName":"Ivy"', '"firstName":"[PERSON]"');
  assertRedacted('"name": "Grace Hopper"', '"name": "[PERSON]"');
  assertRedacted('Apellidos: García López', 'Apellidos: [PERSON]');
  assertRedacted('Cognome: Ricci', 'Cognome: [PERSON]');
  assertRedacted('Achternaam: de Jong', 'Achternaam: [PERSON]');
  assertRedacted('Please enter your name: Omar', 'Please enter your name: [PERSON]');
  assertRedacted('名前：タナカ・ハナコ', '名前：[PERSON]');
  assertRedacted('Contact: Maria Santos', 'Contact: [PERSON]');
  assertRedacted('Attn: Jack Wu', 'Attn: [PERSON]');
  assertRedacted('Patient: Lars Nilsson, DOB on file', 'Patient: [PERSON], DOB on file');
  assertKept('Attention: Please rotate your keys');
  assertKept('Contact: support@acme.example');
  for (const kept of [
    'name: string',
    'name: String',
    'name = "config"',
    "name: 'Button'",
    '"name": "Flywheel"',
    'Product Name: Widget Pro',
    'company_name: Acme',
    'username: jdoe',
    'filename=Report.pdf',
    'const name = Default;',
    'Name: N/A',
    'name: Optional[str]',
  ]) {
    assertKept(kept);
  }
});

test('PERSON: hard negatives without a person', () => {
  for (const kept of [
    'The meeting is in Berlin on Monday.',
    'Paris is lovely in spring.',
    "I'm in Berlin until Friday.",
    "I'm Canadian.",
    'Hi everyone!',
    'Hey Google, play music',
    'Hello Kitty backpack',
    'Thanks Again for the quick fix.',
    'Thanks, Team',
    'Dear Customer',
    'Yours Truly',
    'Hi, I\'m new here',
    'Regards to everyone',
    'Best Regards',
    'Call me tomorrow',
    'call me at 555-0100',
    'I am Using Postgres 15',
    'this is Python',
    'Sincerely, the Acme team',
    'Hi Mom, call me back',
    "I'm Feeling Lucky",
    'Welcome, Guest',
    'Dear Diary,',
    'Thanks for the help',
    '',
  ]) {
    assertKept(kept);
  }
});

test('PERSON: the gate skips lower-case text without a strong introduction or an uncased script', () => {
  assert.equal(personNameRecognizer.gate!('the export failed again after the upgrade, 42 times.'), false);
  for (const lower of ['my name is john', 'hi, my name is john', 'hi\nmy name is john', 'call me bea', "je m'appelle paul",
    'ich heisse jörg', 'ik heet joris', 'mi chiamo luca', 'mijn naam is sanne', 'mein name ist max', 'меня зовут иван']) {
    assert.equal(personNameRecognizer.gate!(lower), true, lower);
    assert.notEqual(redact(lower).counts.PERSON, undefined, lower);
  }
  assert.equal(personNameRecognizer.gate!('我叫王伟'), true);
  assert.equal(personNameRecognizer.gate!('Hi Anna'), true);
});

test('PERSON and DOB together: one sentence, both redacted, idempotent', () => {
  const counts: RedactionCounts = {};
  const text = "Hi, I'm Anna Kowalski, born 12 April 1987.";
  const once = redactWith(text, [personNameRecognizer, dateOfBirthRecognizer], SETTINGS, counts).text;
  assert.equal(once, "Hi, I'm [PERSON], born [DOB].");
  assert.deepEqual(counts, { PERSON: 1, DOB: 1 });
  assert.equal(redactWith(once, [personNameRecognizer, dateOfBirthRecognizer], SETTINGS, {}).text, once);
});

test('PERSON: long adversarial inputs finish (repeated triggers, capitals, particles)', () => {
  const inputs = [
    'Hi '.repeat(30_000),
    'my name is '.repeat(10_000),
    'Anna '.repeat(20_000),
    'Hi Anna van '.repeat(10_000),
    'Mr. '.repeat(25_000),
    'name: '.repeat(15_000),
    'Thanks,\n'.repeat(12_000),
    'A. '.repeat(30_000),
    'Ab'.repeat(50_000),
  ];
  for (const input of inputs) assert.ok(redact(input).text.length > 0);
});

test('PERSON and DOB: redacting twice is a no-op and nothing throws, on random mixes of triggers and names', async () => {
  const fc = await import('fast-check');
  const pieces = [
    'Hi', 'Dear', 'Thanks', 'Regards', 'Best', 'my name is', "I'm", 'this is', 'from', 'Mr.', 'Dr', 'Sir', 'Name:',
    '"name":', 'born', 'DOB', 'Anna', 'van', 'der', 'Berg', "O'Connor", 'Anne-Marie', 'J.', 'Team', 'Pepper',
    '12/04/1987', '12 April 1987', 'April', '1987', ',', '.', '!', '\n', ' ', ': ', '王伟', '我叫', 'Иван', 'and',
  ];
  const recognizers = [personNameRecognizer, dateOfBirthRecognizer];
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 14 }), fc.array(fc.constantFrom(' ', '', '\n'), { maxLength: 14 }), (ps, seps) => {
      const text = ps.map((p, i) => p + (seps[i] ?? ' ')).join('');
      const once = redactWith(text, recognizers, SETTINGS, {}).text;
      const twice = redactWith(once, recognizers, SETTINGS, {}).text;
      assert.equal(twice, once, `not idempotent: ${JSON.stringify(text)} -> ${JSON.stringify(once)} -> ${JSON.stringify(twice)}`);
    }),
    { numRuns: 3000, seed: 13 },
  );
});
