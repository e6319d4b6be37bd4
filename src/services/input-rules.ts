import type { InputProblem } from '../errors';

/** A requestId (and any client-chosen id): 1–200 printable ASCII characters, no spaces. */
export const REQUEST_ID_RE = /^[\x21-\x7e]{1,200}$/;

const URL_MAX = 2000;

/** The problem with a URL a client gives us to call or link (webhooks, training runs), or null when it is fine. */
export function httpUrlProblem(field: string, value: string): InputProblem | null {
  let ok = value.length <= URL_MAX;
  try {
    const u = new URL(value);
    ok &&= u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    ok = false;
  }
  return ok ? null : { field, message: `must be an http(s) URL of at most ${URL_MAX} characters` };
}
