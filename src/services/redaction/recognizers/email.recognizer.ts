import { finding, type Finding, type Recognizer } from '../recognizer';

/**
 * EMAIL: local part [A-Za-z0-9_.%+-]{1,64} starting at a token boundary (longer local parts are invalid per
 * RFC 5321 and are not matched), then '@' or its URL encoding '%40' (emails inside query strings are usually
 * percent-encoded), then a dotted domain with an alphabetic TLD. Requiring the dot and a letter TLD keeps
 * `user@host`, `pkg@1.2.3`, `image@sha256:...`, `@decorator` and `@scope/pkg` out; `git@github.com` IS
 * email-shaped and is redacted (accepted). Retina asset names such as `icon@2x.png` are kept: a TLD that is
 * an image extension (png, jpg, svg, ...) is not a real TLD.
 *
 * Linear: the local part must start at a token boundary (lookbehind) and is bounded to 64 chars, so a long
 * run of local-part characters is scanned once from its start, not once per character inside it (which was
 * quadratic in the word length). Domain labels are bounded too (63 chars, at most 8 labels).
 */
const EMAIL_RE =
  /(?<![\w.%+-])[\w.%+-]{1,64}(?:@|%40)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}([A-Za-z]{2,24})(?![A-Za-z0-9-])/g;

// Image extensions are not TLDs; `logo@2x.png` is an asset name, not an address.
const NOT_TLD = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'avif', 'ico', 'bmp', 'tif', 'tiff']);

export const emailRecognizer: Recognizer = {
  name: 'email',
  type: 'EMAIL',
  patterns: [EMAIL_RE],
  gate: (text) => text.indexOf('@') !== -1 || text.indexOf('%40') !== -1,
  find(text: string, out: Finding[]): void {
    // Every match has its '@' (or '%40') at most 64 characters after its start, so the scan may start 64
    // characters before the next one instead of at the text's start: the leftmost match found is the same,
    // and a long text with one address at its end costs ~130 characters of regex instead of all of them
    // (this regex tries the local part at every word start: ~10 ns per character).
    let from = 0;
    // The next '@' and '%40' at or after `from`, each searched again only once passed (searching afresh on
    // every match would rescan the text to its end for a separator it lacks: quadratic on 1 MB of emails).
    let nextAt = -2;
    let nextPct = -2;
    for (;;) {
      if (nextAt !== -1 && nextAt < from) nextAt = text.indexOf('@', from);
      if (nextPct !== -1 && nextPct < from) nextPct = text.indexOf('%40', from);
      const at = nextAt === -1 ? nextPct : nextPct === -1 ? nextAt : Math.min(nextAt, nextPct);
      if (at === -1) return;
      EMAIL_RE.lastIndex = Math.max(from, at - 64);
      const m = EMAIL_RE.exec(text);
      if (m === null) return;
      if (!NOT_TLD.has(m[1].toLowerCase())) out.push(finding('EMAIL', m.index, m.index + m[0].length));
      from = m.index + m[0].length;
    }
  },
};
