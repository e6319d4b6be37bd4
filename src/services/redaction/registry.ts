import type { Recognizer } from './recognizer';
import { apiSecretRecognizer } from './recognizers/api-secret.recognizer';
import { creditCardRecognizer } from './recognizers/credit-card.recognizer';
import { emailRecognizer } from './recognizers/email.recognizer';
import { ibanRecognizer } from './recognizers/iban.recognizer';
import { ipRecognizer } from './recognizers/ip.recognizer';
import { jwtRecognizer } from './recognizers/jwt.recognizer';
import { macAddressRecognizer } from './recognizers/mac-address.recognizer';
import { phoneRecognizer } from './recognizers/phone.recognizer';
import { ssnRecognizer } from './recognizers/ssn.recognizer';
import { poBoxRecognizer } from './recognizers/po-box.recognizer';
import { postcodeRecognizer } from './recognizers/postcode.recognizer';
import { streetAddressRecognizer } from './recognizers/street-address.recognizer';
import { caSinRecognizer } from './recognizers/ca-sin.recognizer';
import { deSteuerIdRecognizer } from './recognizers/de-steuer-id.recognizer';
import { esDniRecognizer } from './recognizers/es-dni.recognizer';
import { esNieRecognizer } from './recognizers/es-nie.recognizer';
import { frNirRecognizer } from './recognizers/fr-nir.recognizer';
import { idDocumentRecognizer } from './recognizers/id-document.recognizer';
import { inAadhaarRecognizer } from './recognizers/in-aadhaar.recognizer';
import { inPanRecognizer } from './recognizers/in-pan.recognizer';
import { itCodiceFiscaleRecognizer } from './recognizers/it-codice-fiscale.recognizer';
import { nlBsnRecognizer } from './recognizers/nl-bsn.recognizer';
import { ukNinoRecognizer } from './recognizers/uk-nino.recognizer';
import { usItinRecognizer } from './recognizers/us-itin.recognizer';
import { dateOfBirthRecognizer } from './recognizers/date-of-birth.recognizer';
import { personNameRecognizer } from './recognizers/person-name.recognizer';

/**
 * Every recognizer the redactor runs. Adding a class = one module under `recognizers/` + one line here.
 * Order does not matter for the result (overlaps resolve by priority in pipeline.ts); it is the order gates
 * run in, cheapest first.
 */
export const RECOGNIZERS: readonly Recognizer[] = Object.freeze([
  // Gates on one literal (indexOf / a short regex): skipped on most text.
  jwtRecognizer,
  apiSecretRecognizer,
  emailRecognizer,
  ibanRecognizer,
  macAddressRecognizer,
  ssnRecognizer,
  ipRecognizer,
  // Gate on any digit.
  creditCardRecognizer,
  phoneRecognizer,
  streetAddressRecognizer,
  poBoxRecognizer,
  postcodeRecognizer,
  usItinRecognizer,
  ukNinoRecognizer,
  caSinRecognizer,
  inAadhaarRecognizer,
  inPanRecognizer,
  frNirRecognizer,
  esDniRecognizer,
  esNieRecognizer,
  itCodiceFiscaleRecognizer,
  nlBsnRecognizer,
  deSteuerIdRecognizer,
  idDocumentRecognizer,
  dateOfBirthRecognizer,
  personNameRecognizer,
]);
