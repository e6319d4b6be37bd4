import { card, email, iban, type CorpusCase } from './corpus-case';

/**
 * Emails, payment cards (the networks' published test numbers, Luhn-valid) and IBANs (the registry's example
 * numbers, mod-97 valid). These are the structured classes the tier-1 redactor already catches; they are here
 * so the corpus keeps measuring them as the pipeline changes.
 */
export const EMAIL_CASES: readonly CorpusCase[] = [
  email('plain', 'my email is jane.doe@example.com', ['jane.doe@example.com']),
  email('plain', 'Please send the receipt to k.mensah+billing@example.org', ['k.mensah+billing@example.org']),
  email('angle', 'From: Oliver Brennan <oliver.brennan@example.co.uk>', ['oliver.brennan@example.co.uk']),
  email('two', 'old address j.smith@example.net, new one john.smith1987@example.com', ['j.smith@example.net', 'john.smith1987@example.com']),
  email('upper', 'EMAIL: PRIYA.R@EXAMPLE.IN', ['PRIYA.R@EXAMPLE.IN']),
  email('plain', 'Meine E-Mail-Adresse lautet max.mustermann@example.de', ['max.mustermann@example.de'], 'de'),
  email('plain', 'mon adresse : helene.lefevre@example.fr', ['helene.lefevre@example.fr'], 'fr'),
  email('plain', 'escríbeme a maria_jose.fdez@example.es', ['maria_jose.fdez@example.es'], 'es'),
  email('url', 'the link was https://app.example.com/invite?email=giulia.bianchi%40example.it', ['giulia.bianchi%40example.it']),
  email('mailto', 'contact: mailto:pieter.devries@example.nl', ['pieter.devries@example.nl'], 'nl'),
  email('subdomain', 'I registered with a.nwosu@mail.research.example.ac.uk', ['a.nwosu@mail.research.example.ac.uk']),
  email('quoted', 'user "tomas.q@example.pt" cannot log in', ['tomas.q@example.pt']),
  email('plain', 'reply to me at li_wei_88@example.cn please', ['li_wei_88@example.cn']),
  email('json', '{"user":{"email":"zoe.dangelo@example.com","plan":"pro"}}', ['zoe.dangelo@example.com']),
];

export const CARD_CASES: readonly CorpusCase[] = [
  card('spaced', 'My card 4111 1111 1111 1111 was charged twice', '4111 1111 1111 1111'),
  card('dashed', 'card number 5555-5555-5555-4444 exp 12/27', '5555-5555-5555-4444'),
  card('compact', 'Amex 378282246310005 is declined', '378282246310005'),
  card('compact', 'visa: 4012888888881881', '4012888888881881'),
  card('spaced', 'Discover 6011 1111 1111 1117 doesn’t work at checkout', '6011 1111 1111 1117'),
  card('spaced', 'JCB 3530 1113 3330 0000', '3530 1113 3330 0000'),
  card('compact', 'Mastercard 5105105105105100 expired, how do I update it?', '5105105105105100'),
  card('spaced', 'new Mastercard 2223 0031 2200 3222', '2223 0031 2200 3222'),
  card('amex-groups', 'Amex 3782 822463 10005 CVV 1234', '3782 822463 10005'),
  card('compact', 'Diners Club 36227206271667', '36227206271667'),
  card('spaced', 'Meine Kreditkarte 4000 0566 5566 5556 wurde abgelehnt', '4000 0566 5566 5556', 'de'),
  card('spaced', 'ma carte 4970 1000 0000 0063 a été débitée deux fois', '4970 1000 0000 0063', 'fr'),
  card('dashed', 'tarjeta 4111-1111-1111-1111', '4111-1111-1111-1111', 'es'),
  card('with-cvv', 'card 5555 5555 5555 4444 123', '5555 5555 5555 4444'),
];

export const IBAN_CASES: readonly CorpusCase[] = [
  iban('GB', 'spaced', 'refund to GB82 WEST 1234 5698 7654 32 please', 'GB82 WEST 1234 5698 7654 32'),
  iban('DE', 'spaced', 'Meine IBAN: DE89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130 00', 'de'),
  iban('FR', 'compact', 'IBAN FR1420041010050500013M02606', 'FR1420041010050500013M02606', 'fr'),
  iban('NL', 'spaced', 'rekeningnummer NL91 ABNA 0417 1643 00', 'NL91 ABNA 0417 1643 00', 'nl'),
  iban('ES', 'spaced', 'mi IBAN es ES91 2100 0418 4502 0005 1332', 'ES91 2100 0418 4502 0005 1332', 'es'),
  iban('IT', 'compact', 'IBAN IT60X0542811101000000123456', 'IT60X0542811101000000123456', 'it'),
];
