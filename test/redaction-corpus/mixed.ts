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
  // --- Long messages: personal data among numbers that are not (kept values listed after the labels)
  mixed('GB', 'long', "Hello, I ordered two chairs (order #884213, £249.99 each) on 12 March 2024 and they still haven't arrived. Tracking says 'delivered' at 14:05 but nothing came. I'm at 31 Fenwick Road, Sheffield S11 8UQ. My name is Imogen Carter, you can reach me on 0114 496 0457. App version 5.2.1 on Android 14.", [
    { type: 'ADDRESS', value: '31 Fenwick Road' },
    { type: 'ADDRESS', value: 'S11 8UQ' },
    { type: 'PERSON', value: 'Imogen Carter' },
    { type: 'PHONE', value: '0114 496 0457' },
  ], 'en', ['#884213', '£249.99', '12 March 2024', '14:05', '5.2.1', 'Android 14']),
  mixed('US', 'long', 'Ticket INC0045512: the invoice INV-2024-00871 dated 2024-05-01 charged $1,299.00 instead of $999.00. Account owner: Gregory Hale, DOB 06/21/1977, billing address 4410 Juniper Lane, Tacoma, WA 98406. Please call (253) 555-0139 between 9:00 and 17:00 PT.', [
    { type: 'PERSON', value: 'Gregory Hale' },
    { type: 'DOB', value: '06/21/1977' },
    { type: 'ADDRESS', value: '4410 Juniper Lane' },
    { type: 'ADDRESS', value: '98406' },
    { type: 'PHONE', value: '(253) 555-0139' },
  ], 'en', ['INC0045512', 'INV-2024-00871', '2024-05-01', '$1,299.00', '$999.00', '9:00', '17:00']),
  mixed('DE', 'long', 'Guten Tag, meine Bestellung 4711-0815 vom 03.02.2024 (Artikel SKU 20345-XL, 89,90 €) ist nicht angekommen. Ich heiße Thomas Berger, geboren am 09.10.1969, und wohne in der Rosenstraße 17, 90402 Nürnberg. Meine Steuer-ID ist 93064148575. Rückruf bitte unter 0911 2345678.', [
    { type: 'PERSON', value: 'Thomas Berger' },
    { type: 'DOB', value: '09.10.1969' },
    { type: 'ADDRESS', value: 'Rosenstraße 17' },
    { type: 'ADDRESS', value: '90402' },
    { type: 'GOV_ID', value: '93064148575', kind: 'STEUER_ID' },
    { type: 'PHONE', value: '0911 2345678' },
  ], 'de', ['4711-0815', '03.02.2024', '20345-XL', '89,90 €']),
  mixed('FR', 'long', "Bonjour, la commande n° 58213 passée le 14/01/2024 (version de l'appli 3.8.2) n'est jamais arrivée. Je suis Nathalie Morel, 18 avenue Victor Hugo, 31000 Toulouse, tél. 05 61 23 45 67. Montant : 129,00 €.", [
    { type: 'PERSON', value: 'Nathalie Morel' },
    { type: 'ADDRESS', value: '18 avenue Victor Hugo' },
    { type: 'ADDRESS', value: '31000' },
    { type: 'PHONE', value: '05 61 23 45 67' },
  ], 'fr', ['58213', '14/01/2024', '3.8.2', '129,00 €']),
  mixed('NL', 'long', 'Goedemiddag, mijn bestelling 2024-77812 van 5 april 2024 (€ 45,95) is beschadigd geleverd. Mijn naam is Femke Visser, geboren op 21-03-1992, adres Prinsengracht 410, 1016 JD Amsterdam, telefoon 06 23456789.', [
    { type: 'PERSON', value: 'Femke Visser' },
    { type: 'DOB', value: '21-03-1992' },
    { type: 'ADDRESS', value: 'Prinsengracht 410' },
    { type: 'ADDRESS', value: '1016 JD' },
    { type: 'PHONE', value: '06 23456789' },
  ], 'nl', ['2024-77812', '5 april 2024', '€ 45,95']),
  mixed('IN', 'long', 'Hi, I am Rohan Mehta. My KYC failed on app v4.12.0 at 11:42 IST. Aadhaar 5686 9224 3347, PAN RONHT2908D. Payment ref 23456789012 for ₹1,499 is stuck since 2024-06-18.', [
    { type: 'PERSON', value: 'Rohan Mehta' },
    { type: 'GOV_ID', value: '5686 9224 3347', kind: 'AADHAAR' },
    { type: 'GOV_ID', value: 'RONHT2908D', kind: 'PAN' },
  ], 'en', ['v4.12.0', '11:42', '23456789012', '₹1,499', '2024-06-18']),
  mixed('ES', 'long', 'Hola, el pedido 100234 del 02/03/2024 (iPhone 15 Pro, 1.219 €) no ha llegado. Me llamo Javier Molina, mi NIE es Y6836450J y vivo en Calle Goya 58, 28001 Madrid. Teléfono 691 23 45 67.', [
    { type: 'PERSON', value: 'Javier Molina' },
    { type: 'GOV_ID', value: 'Y6836450J', kind: 'NIE' },
    { type: 'ADDRESS', value: 'Calle Goya 58' },
    { type: 'ADDRESS', value: '28001' },
    { type: 'PHONE', value: '691 23 45 67' },
  ], 'es', ['100234', '02/03/2024', 'iPhone 15 Pro', '1.219 €']),
  mixed('IT', 'long', "Salve, l'ordine 30012 del 10/04/2024 (fattura FT-2024/118, 59,00 €) è in ritardo. Sono Lorenzo Conti, nato il 17 luglio 1986, abito in Via Mazzini 12, 43121 Parma, cell. 333 456 7890.", [
    { type: 'PERSON', value: 'Lorenzo Conti' },
    { type: 'DOB', value: '17 luglio 1986' },
    { type: 'ADDRESS', value: 'Via Mazzini 12' },
    { type: 'ADDRESS', value: '43121' },
    { type: 'PHONE', value: '333 456 7890' },
  ], 'it', ['30012', '10/04/2024', 'FT-2024/118', '59,00 €']),
];
