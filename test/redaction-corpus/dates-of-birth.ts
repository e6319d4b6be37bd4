import { dob, type CorpusCase } from './corpus-case';

/**
 * Dates of birth: a date in any common format with a birth context word near it (DOB, born, date of birth,
 * birthday, d.o.b., geboren, né(e), nacido, nato, ...). The label is the date itself (weekday included when
 * written). Forms: `iso`, `dmy` (day first, with / . or -), `mdy` (month first), `day-month-name`
 * ("12 April 1987"), `month-name-day` ("March 3, 1990"), `weekday`, `short-year` (two-digit year).
 */
export const DOB_CASES: readonly CorpusCase[] = [
  // --- English
  dob('en', 'iso', 'DOB: 1987-04-12', '1987-04-12'),
  dob('en', 'iso', 'my date of birth is 1990-03-03 but the form shows another day', '1990-03-03'),
  dob('en', 'dmy', 'Date of birth: 12/04/1987 (UK format)', '12/04/1987', 'GB'),
  dob('en', 'mdy', 'I was born on 04/12/1987 in Ohio', '04/12/1987', 'US'),
  dob('en', 'day-month-name', 'I was born 12 April 1987, so I should be eligible', '12 April 1987'),
  dob('en', 'month-name-day', 'Born March 3, 1990 — the app says I am under 18, which is wrong', 'March 3, 1990'),
  dob('en', 'weekday', 'My birthday is Sunday, 12 April 1987 according to the certificate', 'Sunday, 12 April 1987'),
  dob('en', 'weekday', 'd.o.b. Tuesday March 3rd 1992', 'Tuesday March 3rd 1992'),
  dob('en', 'month-name-day', 'birthday: July 14th, 1985', 'July 14th, 1985'),
  dob('en', 'dmy', 'D.O.B. 03.11.1979', '03.11.1979'),
  dob('en', 'mdy', 'DOB 7/4/1976, please fix the age on my profile', '7/4/1976', 'US'),
  dob('en', 'day-month-name', 'date of birth 1st of May 1995', '1st of May 1995'),
  dob('en', 'short-year', 'dob 05/06/88', '05/06/88'),
  dob('en', 'day-month-name', "I'm a Leo, born 9 Aug 1991, can the horoscope feature use that?", '9 Aug 1991'),
  dob('en', 'mdy', 'Patient DOB: 11-23-1968', '11-23-1968', 'US'),
  dob('en', 'month-name-day', 'My son was born on February 29, 2016 and the signup rejects the date', 'February 29, 2016'),
  dob('en', 'iso', 'birthdate=2001-09-17 is what I entered', '2001-09-17'),
  dob('en', 'day-month-name', 'Date of Birth: 23 Sept 1958', '23 Sept 1958'),
  dob('en', 'weekday', 'I was born on a Friday, 13 October 1989, funny enough', 'Friday, 13 October 1989'),
  dob('en', 'dmy', 'my birthday is 30/12/1999 and I never got the birthday voucher', '30/12/1999'),
  dob('en', 'month-name-day', 'born Jan 5 1972 — that is what the insurer has', 'Jan 5 1972'),
  dob('en', 'iso', 'born: 1964/08/21', '1964/08/21'),
  dob('en', 'mdy', 'Birth date 12-31-2003', '12-31-2003', 'US'),
  dob('en', 'day-month-name', 'my daughter, born 2 June 2012, needs her own account', '2 June 2012'),
  dob('en', 'mdy', 'Date of birth (MM/DD/YYYY): 09/14/1973', '09/14/1973', 'US'),
  dob('en', 'month-name-day', 'He was born on December 1, 1955 and the insurance quote says 1965', 'December 1, 1955'),
  dob('en', 'month-name-day', 'DOB Aug. 22, 1980', 'Aug. 22, 1980'),
  // --- German
  dob('de', 'dmy', 'Geburtsdatum: 12.04.1987', '12.04.1987', 'DE'),
  dob('de', 'day-month-name', 'Ich bin am 3. März 1990 geboren.', '3. März 1990', 'DE'),
  dob('de', 'dmy', 'geboren am 21.07.1983 in Hamburg', '21.07.1983', 'DE'),
  dob('de', 'weekday', 'Geboren: Montag, 5. Januar 1970', 'Montag, 5. Januar 1970', 'DE'),
  dob('de', 'iso', 'geb. 1992-10-08', '1992-10-08', 'DE'),
  dob('de', 'day-month-name', 'Mein Geburtstag ist der 17. Dezember 1981', '17. Dezember 1981', 'DE'),
  dob('de', 'short-year', 'geb. 01.02.94, bitte im Profil ändern', '01.02.94', 'DE'),
  // --- French
  dob('fr', 'day-month-name', 'Je suis né le 3 mars 1990 à Lyon', '3 mars 1990', 'FR'),
  dob('fr', 'dmy', 'Née le 14/07/1985', '14/07/1985', 'FR'),
  dob('fr', 'dmy', 'date de naissance : 03/03/1990', '03/03/1990', 'FR'),
  dob('fr', 'weekday', 'né le mardi 22 février 1977', 'mardi 22 février 1977', 'FR'),
  dob('fr', 'day-month-name', "mon anniversaire c'est le 1er avril 1986", '1er avril 1986', 'FR'),
  dob('fr', 'dmy', 'Date de naissance: 09.09.1999', '09.09.1999', 'FR'),
  dob('fr', 'iso', 'naissance 1975-06-30', '1975-06-30', 'FR'),
  // --- Spanish
  dob('es', 'day-month-name', 'Nací el 5 de mayo de 1978 en Sevilla', '5 de mayo de 1978', 'ES'),
  dob('es', 'dmy', 'fecha de nacimiento: 05/05/1978', '05/05/1978', 'ES'),
  dob('es', 'dmy', 'nacida el 19-11-1994', '19-11-1994', 'ES'),
  dob('es', 'weekday', 'Nací el sábado 8 de agosto de 1981', 'sábado 8 de agosto de 1981', 'ES'),
  dob('es', 'day-month-name', 'mi cumpleaños es el 27 de enero de 2000', '27 de enero de 2000', 'ES'),
  dob('es', 'iso', 'F. nacimiento 1966-02-14', '1966-02-14', 'ES'),
  // --- Italian
  dob('it', 'day-month-name', 'Sono nato il 12 aprile 1987 a Torino', '12 aprile 1987', 'IT'),
  dob('it', 'dmy', 'data di nascita 12/04/1987', '12/04/1987', 'IT'),
  dob('it', 'dmy', 'nata il 28.09.1993', '28.09.1993', 'IT'),
  dob('it', 'weekday', 'sono nata giovedì 4 marzo 1971', 'giovedì 4 marzo 1971', 'IT'),
  dob('it', 'day-month-name', 'il mio compleanno è il 15 ottobre 1984', '15 ottobre 1984', 'IT'),
  dob('it', 'iso', 'Data nascita: 1980-01-25', '1980-01-25', 'IT'),
  // --- Dutch
  dob('nl', 'day-month-name', 'Ik ben geboren op 12 april 1987', '12 april 1987', 'NL'),
  dob('nl', 'dmy', 'geboortedatum 12-04-1987', '12-04-1987', 'NL'),
  dob('nl', 'dmy', 'Geboren: 06/11/1962', '06/11/1962', 'NL'),
  dob('nl', 'weekday', 'geboren op woensdag 3 juli 1996', 'woensdag 3 juli 1996', 'NL'),
  dob('nl', 'day-month-name', 'mijn verjaardag is 18 augustus 1979', '18 augustus 1979', 'NL'),
  dob('nl', 'iso', 'Geboortedatum: 1988-12-01', '1988-12-01', 'NL'),
  // --- Portuguese (one more Latin-script language)
  dob('pt', 'dmy', 'data de nascimento: 10/10/1991', '10/10/1991', 'PT'),
  dob('pt', 'day-month-name', 'nasci em 2 de março de 1983', '2 de março de 1983', 'PT'),
];
