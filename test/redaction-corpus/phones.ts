import { phone, type CorpusCase } from './corpus-case';

/**
 * Phone numbers. `national` = written the national way (trunk 0, no country code), `international` = with
 * `+` or `00` and a country code. Every number is valid for its region in libphonenumber's full metadata
 * (checked when the corpus was written), from fiction/drama ranges where the regulator has one.
 */
export const PHONE_CASES: readonly CorpusCase[] = [
  // --- United Kingdom (national)
  phone('GB', 'national', 'Please call me back on 020 7946 0958 after 5pm', ['020 7946 0958']),
  phone('GB', 'national', 'my mobile is 07911 123456', ['07911 123456']),
  phone('GB', 'national', 'Office: 0113 496 0321, ask for accounts', ['0113 496 0321']),
  phone('GB', 'national', 'tel (020) 7946 0112', ['(020) 7946 0112']),
  phone('GB', 'national', 'ring me on 07400123456 if the courier cannot find the house', ['07400123456']),
  phone('GB', 'national', 'Manchester office 0161 496 0742 is never answered', ['0161 496 0742']),
  phone('GB', 'national', 'You can text 07384 512 907 when it ships', ['07384 512 907']),
  phone('GB', 'national', 'Edinburgh landline: 0131 496 0600', ['0131 496 0600']),
  // --- France (national)
  phone('FR', 'national', 'Vous pouvez me joindre au 01 42 68 53 00', ['01 42 68 53 00'], 'fr'),
  phone('FR', 'national', 'mon portable : 06 12 34 56 78', ['06 12 34 56 78'], 'fr'),
  phone('FR', 'national', 'Tél. 01.45.67.89.10', ['01.45.67.89.10'], 'fr'),
  phone('FR', 'national', 'call me on my French mobile 07 81 23 45 67', ['07 81 23 45 67']),
  phone('FR', 'national', 'standard de Marseille : 04-91-55-12-34', ['04-91-55-12-34'], 'fr'),
  phone('FR', 'national', 'numéro 0612345678, rappelez-moi svp', ['0612345678'], 'fr'),
  phone('FR', 'national', 'ma box : 09 70 12 34 56', ['09 70 12 34 56'], 'fr'),
  // --- Germany (national)
  phone('DE', 'national', 'Rufen Sie mich unter 030 901820 an', ['030 901820'], 'de'),
  phone('DE', 'national', 'Handy: 0151 23456789', ['0151 23456789'], 'de'),
  phone('DE', 'national', 'Tel. (030) 12345678, bitte nur vormittags', ['(030) 12345678'], 'de'),
  phone('DE', 'national', 'my number in Munich is 089/1234567', ['089/1234567']),
  phone('DE', 'national', 'mobil 0171 9876543', ['0171 9876543'], 'de'),
  phone('DE', 'national', 'Büro Hamburg 040 - 3567 8901', ['040 - 3567 8901'], 'de'),
  phone('DE', 'national', 'Festnetz 0221 4711230', ['0221 4711230'], 'de'),
  phone('DE', 'national', 'erreichbar unter 01522 3456789', ['01522 3456789'], 'de'),
  // --- United States (national)
  phone('US', 'national', 'call me at (415) 555-2671 anytime', ['(415) 555-2671']),
  phone('US', 'national', 'cell 415.555.2671', ['415.555.2671']),
  phone('US', 'national', 'my work number is 212-555-0147 ext. 12', ['212-555-0147']),
  phone('US', 'national', 'I called 1-800-555-0199 and nobody answered', ['1-800-555-0199']),
  phone('US', 'national', 'text (646) 555-0183 when the driver arrives', ['(646) 555-0183']),
  phone('US', 'national', 'phone 312 555 0164', ['312 555 0164']),
  // --- Other default regions (national)
  phone('CA', 'national', 'Toronto office (416) 555-0123', ['(416) 555-0123']),
  phone('CA', 'national', 'my number is 604-555-0178', ['604-555-0178']),
  phone('AU', 'national', 'call me on 02 5550 1234 during business hours', ['02 5550 1234']),
  phone('AU', 'national', 'mobile 0491 570 156', ['0491 570 156']),
  phone('AU', 'national', 'ph (03) 5550 7788', ['(03) 5550 7788']),
  phone('ES', 'national', 'Mi teléfono es 912 345 678', ['912 345 678'], 'es'),
  phone('ES', 'national', 'móvil 612 34 56 78', ['612 34 56 78'], 'es'),
  phone('ES', 'national', 'llamadme al 933 12 45 67', ['933 12 45 67'], 'es'),
  phone('IT', 'national', 'il mio numero è 06 6982 1234', ['06 6982 1234'], 'it'),
  phone('IT', 'national', 'cellulare 347 123 4567', ['347 123 4567'], 'it'),
  phone('IT', 'national', 'ufficio di Milano: 02 8765 4321', ['02 8765 4321'], 'it'),
  phone('NL', 'national', 'Bel me op 020 123 4567', ['020 123 4567'], 'nl'),
  phone('NL', 'national', 'mijn mobiel: 06 12345678', ['06 12345678'], 'nl'),
  phone('NL', 'national', 'tel. 010-2345678', ['010-2345678'], 'nl'),
  phone('IN', 'national', 'my mobile no is 098765 43210', ['098765 43210']),
  phone('IE', 'national', 'ring me on 087 123 4567', ['087 123 4567']),
  phone('IE', 'national', 'Dublin office 01 234 5678', ['01 234 5678']),
  phone('CH', 'national', 'Tel. 044 668 18 00', ['044 668 18 00'], 'de'),
  phone('AT', 'national', 'Handy 0664 1234567', ['0664 1234567'], 'de'),
  phone('BE', 'national', 'gsm 0470 12 34 56', ['0470 12 34 56'], 'nl'),
  // --- International forms
  phone('INTL', 'international', 'call +44 20 7946 0958', ['+44 20 7946 0958']),
  phone('INTL', 'international', 'Mon numéro : +33 6 12 34 56 78', ['+33 6 12 34 56 78'], 'fr'),
  phone('INTL', 'international', 'WhatsApp +49 151 23456789', ['+49 151 23456789']),
  phone('INTL', 'international', 'my US number is +1 415 555 2671', ['+1 415 555 2671']),
  phone('INTL', 'international-00', 'from abroad dial 0044 20 7946 0958', ['0044 20 7946 0958']),
  phone('INTL', 'international-00', 'numéro : 0033 1 42 68 53 00', ['0033 1 42 68 53 00'], 'fr'),
  phone('INTL', 'international', 'Tel +34 612 34 56 78', ['+34 612 34 56 78'], 'es'),
  phone('INTL', 'international', 'cell +39 347 123 4567', ['+39 347 123 4567']),
  phone('INTL', 'international', 'mobiel +31 6 12345678', ['+31 6 12345678'], 'nl'),
  phone('INTL', 'international', 'Call +61 491 570 156', ['+61 491 570 156']),
  phone('INTL', 'international', 'my number is +91 98765 43210', ['+91 98765 43210']),
  phone('INTL', 'international', 'reach me at +44 (0)161 496 0742', ['+44 (0)161 496 0742']),
  phone('INTL', 'international', 'Tokyo office +81 3-1234-5678', ['+81 3-1234-5678']),
  phone('INTL', 'international', 'Celular +55 11 91234-5678', ['+55 11 91234-5678'], 'pt'),
  phone('INTL', 'international', 'Ring +353 87 123 4567 or 020 7946 0321', ['+353 87 123 4567', '020 7946 0321']),
];
