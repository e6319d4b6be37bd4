import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactWith } from '../../../src/services/redaction/pipeline';
import type { RedactionCounts } from '../../../src/services/redaction/pii-types';
import { dateOfBirthRecognizer } from '../../../src/services/redaction/recognizers/date-of-birth.recognizer';

const SETTINGS = { disabled: new Set<never>(), phoneRegions: [] as string[] };

function redact(text: string): { text: string; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  const r = redactWith(text, [dateOfBirthRecognizer], SETTINGS, counts);
  return { text: r.text, counts };
}

/** `expected` is the text as a user should see it after redaction. */
const POSITIVES: Array<[string, string]> = [
  // English, every date shape
  ['DOB: 1987-04-12', 'DOB: [DOB]'],
  ['DOB 12/04/1987', 'DOB [DOB]'],
  ['D.O.B.: 4/12/87', 'D.O.B.: [DOB]'],
  ['d.o.b. 12.04.1987', 'd.o.b. [DOB]'],
  ['Date of birth: 12-04-1987', 'Date of birth: [DOB]'],
  ['date of birth is 12 April 1987.', 'date of birth is [DOB].'],
  ['I was born on April 12, 1987 in Leeds.', 'I was born on [DOB] in Leeds.'],
  ['I was born on the 12th of April 1987', 'I was born on the [DOB]'],
  ['born Apr 12 1987', 'born [DOB]'],
  ['Born: Sunday, 12 April 1987', 'Born: [DOB]'],
  ['He was born on Sunday the 12th of April, 1987.', 'He was born on [DOB].'],
  ['My birthday is March 3, 1990', 'My birthday is [DOB]'],
  ['birthday: April 12', 'birthday: [DOB]'],
  ['Birth date 1990/03/03', 'Birth date [DOB]'],
  ['birthdate=03/03/1990', 'birthdate=[DOB]'],
  ['My date of birth (as shown on my passport) is 03/03/1990', 'My date of birth (as shown on my passport) is [DOB]'],
  ['Patient DOB 3/3/90, allergies: none', 'Patient DOB [DOB], allergies: none'],
  ['I was born in March 1990', 'I was born in [DOB]'],
  ['Ada Lovelace (b. 10 December 1815) wrote it', 'Ada Lovelace (b. [DOB]) wrote it'],
  ['b-day: 12.04.1987', 'b-day: [DOB]'],
  ['1987-04-12 (DOB)', '[DOB] (DOB)'],
  ['12/04/1987 - date of birth', '[DOB] - date of birth'],
  ['12 April 1987 is my birthday', '[DOB] is my birthday'],
  ['"dob": "1987-04-12"', '"dob": "[DOB]"'],
  ['Born 2nd Feb 2001 in Cork', 'Born [DOB] in Cork'],
  ['DOB: 15-Mar-1990', 'DOB: [DOB]'],
  ['born 15/Mar/90', 'born [DOB]'],
  ['{"date_of_birth": "1987-04-12", "dateOfBirth": "12/04/1987", "birthDate": "1987-04-12"}',
    '{"date_of_birth": "[DOB]", "dateOfBirth": "[DOB]", "birthDate": "[DOB]"}'],
  ['Date of birth:\n15/03/1990', 'Date of birth:\n[DOB]'],
  ['My DOB is 1990-03-15, thanks', 'My DOB is [DOB], thanks'],
  ['born on the 3rd of March, 1990', 'born on the [DOB]'],
  ['(DOB: 03/15/1990)', '(DOB: [DOB])'],
  // German
  ['Geburtsdatum: 12.04.1987', 'Geburtsdatum: [DOB]'],
  ['Ich bin am 12. April 1987 geboren', 'Ich bin am [DOB] geboren'],
  ['geboren am 12.04.1987 in Köln', 'geboren am [DOB] in Köln'],
  ['geb. 12. 04. 1987', 'geb. [DOB]'],
  ['Mein Geburtstag ist am 3. März 1990', 'Mein Geburtstag ist am [DOB]'],
  ['geboren am Sonntag, 12. April 1987', 'geboren am [DOB]'],
  // French
  ['Je suis né le 12 avril 1987', 'Je suis né le [DOB]'],
  ['Marie, née le 1er mai 1990 à Lyon', 'Marie, née le [DOB] à Lyon'],
  ['Date de naissance : 12/04/1987', 'Date de naissance : [DOB]'],
  ['née le dimanche 3 février 1991', 'née le [DOB]'],
  // Spanish
  ['Fecha de nacimiento: 12/04/1987', 'Fecha de nacimiento: [DOB]'],
  ['Nací el 12 de abril de 1987', 'Nací el [DOB]'],
  ['nacida el 3 de marzo de 1990 en Sevilla', 'nacida el [DOB] en Sevilla'],
  ['Mi cumpleaños es el 5 de mayo', 'Mi cumpleaños es el [DOB]'],
  // Italian
  ['Data di nascita: 12/04/1987', 'Data di nascita: [DOB]'],
  ['Sono nato il 12 aprile 1987', 'Sono nato il [DOB]'],
  ['nata a Roma il 3 marzo 1990', 'nata a Roma il [DOB]'],
  // Dutch
  ['Geboortedatum: 12-04-1987', 'Geboortedatum: [DOB]'],
  ['Ik ben geboren op 12 april 1987', 'Ik ben geboren op [DOB]'],
  ['geboren op 3 maart 1990', 'geboren op [DOB]'],
  // Portuguese
  ['Data de nascimento: 12/04/1987', 'Data de nascimento: [DOB]'],
  ['nascida em 3 de março de 1990', 'nascida em [DOB]'],
  // Every language's abbreviations and short forms of "date of birth" / "born" / "birthday"
  ['mon anniversaire est le 3 mars 1990', 'mon anniversaire est le [DOB]'],
  ["Mon anniversaire, c'est le 1er juin 1985", "Mon anniversaire, c'est le [DOB]"],
  ['F. nacimiento 1990-03-03', 'F. nacimiento [DOB]'],
  ['F. nac.: 03/03/1990', 'F. nac.: [DOB]'],
  ['fecha de nac. 03/03/1990', 'fecha de nac. [DOB]'],
  ['Fecha nacimiento: 3 de marzo de 1990', 'Fecha nacimiento: [DOB]'],
  ['Lugar y fecha de nacimiento: Madrid, 03/03/1990', 'Lugar y fecha de nacimiento: Madrid, [DOB]'],
  ['Mi hermano nació el 3 de marzo de 1990', 'Mi hermano nació el [DOB]'],
  ['mi cumple es el 5 de mayo', 'mi cumple es el [DOB]'],
  ['Data nascita: 1990-03-03', 'Data nascita: [DOB]'],
  ['data nasc. 03/03/1990', 'data nasc. [DOB]'],
  ['Luogo e data di nascita: Roma, 3 marzo 1990', 'Luogo e data di nascita: Roma, [DOB]'],
  ['nacque il 3 marzo 1990', 'nacque il [DOB]'],
  ['Ik ben jarig op 3 maart', 'Ik ben jarig op [DOB]'],
  ['nasci em 3 de março de 1990', 'nasci em [DOB]'],
  ['Ela nasceu em 03/03/1990', 'Ela nasceu em [DOB]'],
  ['nascido em 3 de março de 1990', 'nascido em [DOB]'],
  ['Dt. nasc.: 03/03/1990', 'Dt. nasc.: [DOB]'],
  ['Nascimento: 1990-03-03', 'Nascimento: [DOB]'],
  ['meu aniversário é 3 de março de 1990', 'meu aniversário é [DOB]'],
  // Several in one text, the context word stays
  [
    'Kids: Tom, DOB 01/02/2015; Ana, DOB 2017-06-30.',
    'Kids: Tom, DOB [DOB]; Ana, DOB [DOB].',
  ],
];

const NEGATIVES: string[] = [
  'Release date: 2024-04-12',
  'The invoice is due 12/04/2024',
  'Order #4412 placed on 12 April 2024, shipped 14.04.2024',
  '2024-03-01T12:00:00Z INFO worker started',
  '[2024-03-01 12:00:00] GET /healthz 200',
  'The company was founded in 1987 and moved on 3 March 1990',
  'Our wedding anniversary is 12 June 2010',
  'Upgrade to version 2024.04.1 today',
  'NATO was founded on 4 April 1949',
  'Meeting on Monday, 12 April 2021 at 10:00',
  'I was born in 1987 and my order arrived on 12/03/2024',
  'born in Lyon and married on 2 May 2015',
  'Happy birthday! Your order from 12/04/2024 is on its way.',
  'Plan b. 12 steps to go',
  'DOB field is optional. Payment due 01/05/2024',
  'Expires 12/27',
  'Birthday party on 12 May 2024? no wait',
  'The date 31/02/1987 is not a real date, born or not',
  'born 1.2.3.4 times',
  'DOB updated 2024-03-01T12:00:00Z',
  'The bornholm ferry leaves 12.04.2024',
  'Happy birthday!\n2024-03-01 the deploy ran',
  'Birthday sale ends 12/05/2024',
  `My birthday party is on 12 May ${new Date().getUTCFullYear()}`,
  'Newborn photo shoot booked for 12/04/2024',
  'Reborn 2.0 ships 12/04/2024',
  'Date of birth unknown; last login 12/04/2024 from a new device',
  // "anniversaire"/"aniversário" of something else, a retailer and verbs that only look like the new words
  'anniversaire de mariage le 12 juin 2010',
  "l'anniversaire de la société le 3 mai 1990",
  'aniversário de casamento em 12/06/2010',
  `mon anniversaire le 3 mai ${new Date().getUTCFullYear()}, on fête ça`,
  'commande FNAC du 12/03/2024',
  'Fnac 12/03/2024 ticket',
  'El producto cumple la norma desde 12/03/1990',
];

test('DOB: dates next to a birth context are replaced, the context word stays', () => {
  for (const [input, expected] of POSITIVES) {
    const r = redact(input);
    assert.equal(r.text, expected, `input ${JSON.stringify(input)}`);
    assert.equal(r.counts.DOB, (expected.match(/\[DOB\]/g) ?? []).length);
  }
});

test('DOB: other dates, timestamps, versions and unrelated numbers stay', () => {
  for (const input of NEGATIVES) {
    const r = redact(input);
    assert.equal(r.text, input, `false positive: ${JSON.stringify(input)} -> ${JSON.stringify(r.text)}`);
    assert.deepEqual(r.counts, {});
  }
});

test('DOB: the gate skips text without a digit or without a birth word', () => {
  assert.equal(dateOfBirthRecognizer.gate!('born on a Sunday'), false);
  assert.equal(dateOfBirthRecognizer.gate!('shipped 12/04/1987'), false);
  assert.equal(dateOfBirthRecognizer.gate!('born 12/04/1987'), true);
});

test('DOB: redacting twice is a no-op', () => {
  const once = redact('DOB: 12/04/1987, born 12 April 1987').text;
  assert.equal(redact(once).text, once);
});

test('DOB: long adversarial inputs stay linear (digits, dots, birth words)', () => {
  const inputs = [
    'born '.repeat(20_000),
    'DOB 1'.repeat(20_000),
    '12.04.'.repeat(20_000),
    'born 12/'.repeat(15_000),
    'geboren am 12. April '.repeat(5_000),
    '1'.repeat(100_000),
  ];
  for (const input of inputs) {
    const r = redact(input);
    assert.ok(r.text.length > 0);
  }
});
