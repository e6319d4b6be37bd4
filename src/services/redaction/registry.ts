import type { Recognizer } from './recognizer';
import { dateOfBirthRecognizer } from './recognizers/date-of-birth.recognizer';
import { personNameRecognizer } from './recognizers/person-name.recognizer';

/**
 * Every recognizer the redactor runs. Adding a class = one module under `recognizers/` + one line here.
 * Order does not matter for the result (overlaps resolve by priority in pipeline.ts); it is the order gates
 * run in, cheapest first.
 */
export const RECOGNIZERS: readonly Recognizer[] = Object.freeze([
  // (filled in as the recognizers are ported / written)
  dateOfBirthRecognizer,
  personNameRecognizer,
]);
