import { mixed, type CorpusCase } from './corpus-case';

/**
 * Whole messages with several classes at once, the way users paste them (an introduction plus an address, a
 * signature block, a filled-in form). They exercise the overlap resolution between recognizers: every value
 * must still disappear, each under its own placeholder.
 */
export const MIXED_CASES: readonly CorpusCase[] = [
  mixed('GB', 'message', "Hi, my name is Harriet Ashworth and I live at 19 Larkspur Avenue, York YO24 1AB. My NI number is RP707446C and you can call me on 07911 123456.", [
    { type: 'PERSON', value: 'Harriet Ashworth' },
    { type: 'ADDRESS', value: '19 Larkspur Avenue' },
    { type: 'ADDRESS', value: 'YO24 1AB' },
    { type: 'GOV_ID', value: 'RP707446C', kind: 'NINO' },
    { type: 'PHONE', value: '07911 123456' },
  ]),
  mixed('US', 'signature', 'Thanks for the help!\n\nBest,\nMarcus Delaney\n2250 Sycamore Blvd, Austin, TX 78704\n(512) 555-0142 | marcus.delaney@example.com', [
    { type: 'PERSON', value: 'Marcus Delaney' },
    { type: 'ADDRESS', value: '2250 Sycamore Blvd' },
    { type: 'ADDRESS', value: '78704' },
    { type: 'PHONE', value: '(512) 555-0142' },
    { type: 'EMAIL', value: 'marcus.delaney@example.com' },
  ]),
  mixed('US', 'form', 'Name: Tanya Okafor\nDOB: 1991-02-17\nSSN: 807-43-2511\nAddress: 88 Ridgecrest Drive, Apt 12, Denver, CO 80203', [
    { type: 'PERSON', value: 'Tanya Okafor' },
    { type: 'DOB', value: '1991-02-17' },
    { type: 'SSN', value: '807-43-2511', kind: 'SSN' },
    { type: 'ADDRESS', value: '88 Ridgecrest Drive, Apt 12' },
    { type: 'ADDRESS', value: '80203' },
  ]),
  mixed('DE', 'message', 'Hallo, ich heiße Sabine Kröger, geboren am 14.02.1979, wohnhaft Ulmenweg 8, 28203 Bremen. Tel. 0421 3456789', [
    { type: 'PERSON', value: 'Sabine Kröger' },
    { type: 'DOB', value: '14.02.1979' },
    { type: 'ADDRESS', value: 'Ulmenweg 8' },
    { type: 'ADDRESS', value: '28203' },
    { type: 'PHONE', value: '0421 3456789' },
  ], 'de'),
  mixed('FR', 'message', "Bonjour, je m'appelle Camille Rousseau, née le 22/09/1988. J'habite au 5 rue du Four, 35000 Rennes. Mon portable : 06 98 76 54 32", [
    { type: 'PERSON', value: 'Camille Rousseau' },
    { type: 'DOB', value: '22/09/1988' },
    { type: 'ADDRESS', value: '5 rue du Four' },
    { type: 'ADDRESS', value: '35000' },
    { type: 'PHONE', value: '06 98 76 54 32' },
  ], 'fr'),
  mixed('ES', 'message', 'Hola, soy Carmen Ruiz Navarro, DNI 52215585L, vivo en Calle Larios 14, 29005 Málaga. Mi móvil es 654 32 10 98', [
    { type: 'PERSON', value: 'Carmen Ruiz Navarro' },
    { type: 'GOV_ID', value: '52215585L', kind: 'DNI' },
    { type: 'ADDRESS', value: 'Calle Larios 14' },
    { type: 'ADDRESS', value: '29005' },
    { type: 'PHONE', value: '654 32 10 98' },
  ], 'es'),
  mixed('IT', 'message', 'Buongiorno, sono Federica Galli, nata il 03/05/1990, codice fiscale GLLSFO75D68C351N, abito in Via Verdi 31, 37121 Verona', [
    { type: 'PERSON', value: 'Federica Galli' },
    { type: 'DOB', value: '03/05/1990' },
    { type: 'GOV_ID', value: 'GLLSFO75D68C351N', kind: 'CODICE_FISCALE' },
    { type: 'ADDRESS', value: 'Via Verdi 31' },
    { type: 'ADDRESS', value: '37121' },
  ], 'it'),
  mixed('NL', 'message', 'Hallo, mijn naam is Bram van Leeuwen, BSN 614112576, adres Esdoornlaan 27, 3571 KD Utrecht, telefoon 030 234 5678', [
    { type: 'PERSON', value: 'Bram van Leeuwen' },
    { type: 'GOV_ID', value: '614112576', kind: 'BSN' },
    { type: 'ADDRESS', value: 'Esdoornlaan 27' },
    { type: 'ADDRESS', value: '3571 KD' },
    { type: 'PHONE', value: '030 234 5678' },
  ], 'nl'),
  mixed('CA', 'message', "I'm Owen Tremblay, SIN 322 233 552, born March 9, 1984. Mail goes to 640 Rideau Street, Ottawa ON K1N 5Z1.", [
    { type: 'PERSON', value: 'Owen Tremblay' },
    { type: 'GOV_ID', value: '322 233 552', kind: 'SIN' },
    { type: 'DOB', value: 'March 9, 1984' },
    { type: 'ADDRESS', value: '640 Rideau Street' },
    { type: 'ADDRESS', value: 'K1N 5Z1' },
  ]),
  mixed('IN', 'message', 'Hello, this is Ananya Krishnan. Aadhaar 8163 2914 5080, PAN MKBFJ2086D, mobile 098765 12340, email ananya.k@example.in', [
    { type: 'PERSON', value: 'Ananya Krishnan' },
    { type: 'GOV_ID', value: '8163 2914 5080', kind: 'AADHAAR' },
    { type: 'GOV_ID', value: 'MKBFJ2086D', kind: 'PAN' },
    { type: 'PHONE', value: '098765 12340' },
    { type: 'EMAIL', value: 'ananya.k@example.in' },
  ]),
  mixed('AU', 'signature', 'Cheers,\nLiam Fitzgerald\n12/45 Marine Parade, St Kilda VIC 3182\n0491 570 110', [
    { type: 'PERSON', value: 'Liam Fitzgerald' },
    { type: 'ADDRESS', value: '12/45 Marine Parade' },
    { type: 'ADDRESS', value: '3182' },
    { type: 'PHONE', value: '0491 570 110' },
  ]),
  mixed('FR', 'form', 'Nom : Girard\nPrénom : Mathis\nDate de naissance : 11/06/1993\nN° sécu : 1 91 07 24 879 528 67', [
    { type: 'PERSON', value: 'Girard' },
    { type: 'PERSON', value: 'Mathis' },
    { type: 'DOB', value: '11/06/1993' },
    { type: 'GOV_ID', value: '1 91 07 24 879 528 67', kind: 'NIR' },
  ], 'fr'),
];
