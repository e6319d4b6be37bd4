import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';
import { redactText } from '../../../src/services/redaction/redactor';

test('phones: US / NANP forms', () => {
  const text = assertRedacted(
    'Call me at (415) 555-2671 or 415-555-2671, fax 415.555.2671, mobile +1 415 555 2671, toll-free 1-800-555-0199.',
    ['555-2671', '415.555.2671', '415 555 2671', '800-555-0199'],
    { PHONE: 5 },
  );
  assert.equal(text, 'Call me at [PHONE] or [PHONE], fax [PHONE], mobile [PHONE], toll-free [PHONE].');
});
test('phones: international forms with +', () => {
  const numbers = [
    '+44 20 7946 0958',
    '+91 98765 43210',
    '+49 30 901820',
    '+33 1 42 68 53 00',
    '+81 3-1234-5678',
    '+44 (0)20 7946 0958',
    '+14155552671',
    '+1 (415) 555-2671',
  ];
  const text = assertRedacted(`Contacts: ${numbers.join('; ')}.`, numbers, { PHONE: numbers.length });
  assert.equal(text, `Contacts: ${numbers.map(() => '[PHONE]').join('; ')}.`);
});
test('phones: a "+" with too few digits, bare 10-digit runs and non-dialable NANP shapes stay', () => {
  assertKept('Score went +12.5 points, then +300 more; see PR +1234.');
  assertKept('const ts = 1234567890; // bare 10 digits are not a phone');
  assertKept('Placeholder number 123-456-7890 in the docs (area code cannot start with 1).');
});
test('phones: an extension suffix is kept but the number is redacted', () => {
  const text = assertRedacted('Desk: 415-555-2671x204', ['555-2671'], { PHONE: 1 });
  assert.equal(text, 'Desk: [PHONE]x204');
});
test('a phone run followed by a card number: both are redacted, nothing leaks', () => {
  const text = assertRedacted(
    'Reach me on +44 20 7946 0958 4111 1111 1111 1111 thanks',
    ['7946', '4111'],
    { PHONE: 1, CREDIT_CARD: 1 },
  );
  assert.equal(text, 'Reach me on [PHONE] [CREDIT_CARD] thanks');
});

// ---------------------------------------------------------------------------- national formats (libphonenumber)

test('phones: national formats with a trunk 0 in the default regions (UK, FR, DE, IT, AU, ZA, JP, ...)', () => {
  const numbers = [
    '020 7946 0958', // UK London (Ofcom drama range)
    '07700 900123', // UK mobile (Ofcom drama range: invalid to libphonenumber, still a phone)
    '0161 496 0000', // UK Manchester
    '01 23 45 67 89', // FR fixed
    '06 12 34 56 78', // FR mobile
    '01.23.45.67.89', // FR with dots
    '030 1234567', // DE Berlin
    '0151 23456789', // DE mobile
    '030/1234567', // DE with a slash
    '(030) 1234567', // DE with a parenthesised area code
    '06 1234 5678', // IT Rome (the 0 is part of the number there)
    '0412 345 678', // AU mobile
    '(02) 9876 5432', // AU Sydney
    '082 123 4567', // ZA mobile
    '03-1234-5678', // JP Tokyo
    '044 668 18 00', // CH Zurich
  ];
  const text = assertRedacted(`Numbers: ${numbers.join('; ')}.`, numbers, { PHONE: numbers.length });
  assert.equal(text, `Numbers: ${numbers.map(() => '[PHONE]').join('; ')}.`);
});

test('phones: national formats without a trunk 0 when grouped the way the region writes them', () => {
  const numbers = ['612 34 56 78' /* ES */, '333 123 4567' /* IT mobile */, '512 345 678' /* PL */, '98765 43210' /* IN */];
  assertRedacted(`Numbers: ${numbers.join(', ')}`, numbers, { PHONE: numbers.length });
  assertRedacted('Brazil: (11) 91234-5678', ['91234-5678'], { PHONE: 1 });
  // A phone word lets a number of three or more groups be grouped differently.
  assertRedacted('mi móvil es 612 345 678', ['612 345 678'], { PHONE: 1 });
});

test('phones: every Ofcom drama range counts as a UK number', () => {
  const numbers = ['0113 496 0123', '01632 960123', '028 9018 0123', '029 2018 0123', '0808 157 0123', '0306 999 0123', '07700 900999'];
  assertRedacted(numbers.join(' / '), numbers, { PHONE: numbers.length });
});

test('phones: an international call prefix 00 instead of +', () => {
  assertRedacted('call 0044 20 7946 0958 or 0041 44 668 18 00', ['7946', '668 18'], { PHONE: 2 });
});

test('phones: a bare digit run is a phone only next to a phone word', () => {
  assertRedacted('phone: 07700900123', ['07700900123'], { PHONE: 1 });
  assertRedacted('call me on 4155552671', ['4155552671'], { PHONE: 1 });
  assertRedacted('0201234567 is my number', ['0201234567'], { PHONE: 1 });
  assertKept('row 07700900123 in the export, id 4155552671');
});

test('phones: the region list decides which national formats count', () => {
  // (configureRedaction is covered in redactor.test.ts; here: a number valid only in a region outside the list.)
  assertKept('Code 12 34 56 78 is not a Danish number (they never start with 1)');
});

test('phones: order numbers, versions, prices, times, dates, timestamps, digit runs, ports and IPs are not phones', () => {
  const negatives = [
    'Order 0123 456 789 shipped, invoice 0201234567, ticket #020 7946 0958, SKU 0123-456-789, ref: 0123 456 7890',
    'Bestellnummer 030 1234567 and commande 06 12 34 56 78 and PO 4500012345',
    'version 1.2.3.4, v2.10.4, 2.5.0-rc.1, build 20240315.1, python 3.11.4',
    '$1 299.99, 1 234 567.89 total, $ 415 555 2671, € 1 234 567, 10 000 000 units, 10.000.000 EUR, 1.234.567',
    'at 10:30:00, 12:45, range 09:00-17:30',
    'dates 2024-03-15, 15.03.2024, 03/15/2024, 01/02/2023, 2023/01/02, 04/05/06, years 2019-2020 and 1999-2004',
    'logged 2024-03-15T10:30:00Z and 2024-03-15 10:30:00,123',
    'ids 1710498600000, 12345678901234, epoch 1712345678, call 1234567',
    'localhost:8080, ports 8443 and 5432, http://localhost:3000/',
    'lat 51.5074, lon -0.1278; between 100 200 300 400; page 12 of 345; score 2 - 1; 0 1 2 3 4 5 6 7 8 9',
    'phone models 2023 2024; 3.14159 2.71828; 0.5 0.25 0.125; room 0203 floor 2; code 0800 and 1200 hours',
    'ISBN 978-3-16-148410-0, build 94105-1234, 1-800-FLOWERS, ID 0123 4567 890',
  ];
  for (const text of negatives) assertKept(text);
  // An IP is an IP, not a phone.
  assertRedacted('from 192.168.1.20', ['192.168.1.20'], { IP: 1 });
});

// ------------------------------------------------------- separators, ranges, fractions (shape families)

test('phones: a dash or slash with spaces around it after a trunk-0 area code (German style)', () => {
  const numbers = ['040 - 3567 8901', '040 / 3567 8901', '030 - 123 456 78', '0151 / 23456789', '089 -12345678', '0221- 1234567'];
  const text = assertRedacted(`Büro: ${numbers.join('; ')}.`, numbers, { PHONE: numbers.length });
  assert.equal(text, `Büro: ${numbers.map(() => '[PHONE]').join('; ')}.`);
  // Two numbers separated by a spaced dash are two phones, not one.
  assert.equal(assertRedacted('Tel 030 1234567 - 030 1234568', ['1234567', '1234568'], { PHONE: 2 }), 'Tel [PHONE] - [PHONE]');
});

test('phones: spaced dashes and slashes between numbers without a trunk 0 are ranges or arithmetic', () => {
  assertKept('years 1990 - 2010, rows 12000 / 13000, 4000 - 3500 = 500, 2345 - 6789 0123 and 1234 / 5678 9012');
});

test('phones: a slash needs a trunk 0; fractions, ratios, tile coordinates and resolutions stay', () => {
  assertRedacted('Tel. 030/1234567 oder 0151/23456789 oder 0664/1234567', ['1234567', '23456789'], { PHONE: 3 });
  assertKept('zoom level 14, tile 8192/5461; screen 1920/1080 and 2560/1440; ratio 4096/2048; 22/7 ≈ 3.14; 1234567/89');
  assertKept('tiles 16384/10922, 65536/43690 at zoom 16 and 17');
  // A slash inside a longer number keeps the region's rules (old US style area code).
  assertRedacted('call 415/555-2671', ['555-2671'], { PHONE: 1 });
});

test('phones: numeric ranges joined by a dash are not phones', () => {
  assertKept('open ports 22, 80, 443 and 3000-3010');
  assertKept('pages 1200-1350, years 1990-2010, ids 40000-40999, lines 2000-4000, from 5000-9000, between 20000-29999');
  // No range word: the second number close above the first reads as a range too (a nearby count).
  assertKept('see 1200-1350 and 3000-3010 and 40000-40999 and 73000-74500');
  assertKept('Seiten 1200-1350, páginas 2000-2100, années 1990-2010');
});

test('phones: a dashed number whose halves could be a range is still a phone after a phone word or with a trunk 0', () => {
  assertRedacted('Tel. 06221-12345', ['06221-12345'], { PHONE: 1 });
  assertRedacted('06221-12345 ist unsere Nummer', ['06221-12345'], { PHONE: 1 });
  assertRedacted('Büro 030-1234567, Handy 0151-23456789', ['1234567', '23456789'], { PHONE: 2 });
});

// ------------------------------------------------------------ next to addresses (through the whole redactor)

test('phones and addresses: postcodes and ZIP+4 after a postcode word or a street line are ADDRESS, never PHONE', () => {
  assert.equal(assertRedacted('zip 43215-1123', ['43215-1123'], { ADDRESS: 1 }), 'zip [ADDRESS]');
  assert.equal(assertRedacted('zip code: 43215-1123', ['43215-1123'], { ADDRESS: 1 }), 'zip code: [ADDRESS]');
  assert.equal(assertRedacted('PLZ 12043', ['12043'], { ADDRESS: 1 }), 'PLZ [ADDRESS]');
  assert.equal(assertRedacted('postcode 12043', ['12043'], { ADDRESS: 1 }), 'postcode [ADDRESS]');
  assertRedacted('123 Main St, Columbus, OH 43215-1123', ['Main St', '43215-1123'], { ADDRESS: 1 });
  assertRedacted('ship to 742 Evergreen Terrace, Springfield, OR 97403-1234', ['Evergreen', '97403-1234'], { ADDRESS: 1 });
  assertRedacted('Musterstraße 5, 12043 Berlin', ['Musterstraße', '12043'], { ADDRESS: 1 });
  assertRedacted('Keizersgracht 123, 1015 CJ Amsterdam', ['Keizersgracht', '1015 CJ'], { ADDRESS: 1 });
  // A ZIP+4 or postcode with no address word around it is neither (kept), and never a phone.
  assertKept('Columbus, OH 43215-1123');
  assertKept('Berlin 12043');
});

test('phones and addresses: an address and a phone in one message are one ADDRESS and one PHONE', () => {
  const cases: Array<[string, string]> = [
    ['Musterstraße 5, 12043 Berlin, Tel. 030 1234567', '[ADDRESS], Tel. [PHONE]'],
    ['Hauptstr. 5\n12043 Berlin\n030 / 1234567', '[ADDRESS]\n[PHONE]'],
    ['123 Main St\nColumbus, OH 43215-1123\nphone 614-555-0142', '[ADDRESS]\nphone [PHONE]'],
    ['Calle Mayor 5, 28013 Madrid, móvil 612 34 56 78', '[ADDRESS], móvil [PHONE]'],
    ['postcode 12043, phone 030 - 123 456 78', 'postcode [ADDRESS], phone [PHONE]'],
  ];
  for (const [input, expected] of cases) {
    const r = redactText(input);
    assert.equal(r.text, expected);
    assert.deepEqual(r.counts, { ADDRESS: 1, PHONE: 1 });
  }
});

test('phones: opening hours written as two clock times are not phones; a short first group before a spaced dash is no area code', () => {
  assertKept('Mo-Fr 0800 - 1700, Sa 0900/1300; hours 0900-1730; open 0800-2000 daily; shifts 0600 - 1400 and 1400 - 2200');
  assertKept('score 01 - 2345678, chapter 01 - 12345678, item 0 / 1234567');
  // Four-digit halves that are not both clock times stay phones (an area code and a short subscriber number).
  assertRedacted('Praxis 0211-1234, Halle 0345 - 1234567, Heidelberg 06221 / 12345', ['1234', '12345'], { PHONE: 3 });
  // A phone word before keeps even clock-shaped halves a phone.
  assertRedacted('Tel 0800 - 1700', ['0800 - 1700'], { PHONE: 1 });
});
