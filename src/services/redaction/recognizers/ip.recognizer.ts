import { finding, hasDigit, SHARED_GATE_PATTERNS, type Finding, type Recognizer } from '../recognizer';

/**
 * IP: IPv4 is four dot-separated octets 0-255 (no leading zeros) not glued to other digits, letters or dots.
 * A dotted quad is also a valid version string, so it is KEPT when directly preceded by a version / document
 * numbering word (`v`, `ver`, `version`, `release`, `build`, `rev`, `section`, `chapter`, `§`, `fig`,
 * `table`, `step`, ...), by a `"version": "` style key, or by a browser product token (`Chrome/120.0.0.0` in
 * user agents). `v1.2.3.4` is kept by the boundary rule; a bare `1.2.3.4` is an IP.
 *
 * IPv6: full 8-group form, or compressed form with exactly one `::`. To keep C++ scopes (`a::b`), Python
 * slices (`a[10::200]`) and times (`10:30:00`, `12:45`) out, a compressed address must contain a digit and
 * have either >= 3 groups or a 4-hex-digit first group (`fe80::1`, `2001:db8::1`). Addresses that start with
 * `::` (`::1`, `::ffff:...`) are deliberately NOT matched: `::1` is loopback, not personal data, and an
 * embedded IPv4 tail is still caught by the IPv4 rule. A colon run of six 2-digit groups is a MAC address
 * (mac-address.recognizer.ts), never an IPv6 address (that needs 7 colons or a `::`).
 */
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;
const IPV4_RE = new RegExp(String.raw`(?<![\w.])${OCTET}(?:\.${OCTET}){3}(?!\w|\.\d)`, 'g');
/** Colon-separated hex (IPv6 candidates; empty groups allow `::`), classified by isIpv6. */
const COLON_RE = /(?<![\w:])[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,8}(?![\w:]|\.\d)/g;
const V4_GATE_RE = /\d\.\d/;
/**
 * Every COLON_RE match holds `:x:` with at most 4 hex digits between the colons. This gate starts with a
 * literal ':' (a fast scan), where COLON_RE starts at every hex letter of English prose (a-f), so prose with
 * a colon or two ("Note: ...", "10:30") skips the IPv6 scan.
 */
const V6_GATE_RE = /:[0-9A-Fa-f]{0,4}:/;

// Words after which a dotted quad is a version / section number, and user-agent product tokens. The gaps
// around the `:`/`=` are bounded (tier 1 had `\s*[:=#]?\s*`, which recheck flags as quadratic: two
// unbounded runs of the same class meet when the sign is absent).
const VERSION_CONTEXT_RE =
  /(?:^|[^\w§])(?:v|vers?|versions?|release|rel|build|rev|revision|firmware|fw|sections?|sec|chapters?|ch|clauses?|§|figures?|fig|tables?|steps?|paragraphs?|para|articles?|art|items?|oid)\.?["'`]?\s{0,3}(?:[:=#]\s{0,3})?["'`]?$|(?:chrome|chromium|crios|firefox|fxios|safari|applewebkit|edg|edge|edga|edgios|opr|samsungbrowser|yabrowser|version)\/$/i;

const HAS_DIGIT_RE = /\d/;

function isVersionContext(text: string, offset: number): boolean {
  if (offset === 0) return false;
  return VERSION_CONTEXT_RE.test(text.slice(Math.max(0, offset - 32), offset));
}

export function isIpv6(s: string): boolean {
  const dbl = s.indexOf('::');
  if (dbl === -1) {
    // Full form: exactly 8 non-empty groups (the regex guarantees <= 4 hex digits each, no empty group).
    let colons = 0;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 0x3a) colons++;
    return colons === 7;
  }
  // At most one '::' (this also rejects ':::'), and no dangling single ':' at the end.
  if (s.indexOf('::', dbl + 1) !== -1) return false;
  if (s.charCodeAt(s.length - 1) === 0x3a && dbl !== s.length - 2) return false;
  const groups = s.split(':').filter((g) => g.length > 0);
  if (groups.length > 7) return false;
  // `a::b`, `Foo::Bar` style scopes have no digits; `x[10::200]` slices have short first groups and 2 parts.
  if (!HAS_DIGIT_RE.test(s)) return false;
  return groups.length >= 3 || groups[0].length === 4;
}

export const ipRecognizer: Recognizer = {
  name: 'ip',
  type: 'IP',
  patterns: [IPV4_RE, COLON_RE, VERSION_CONTEXT_RE, V4_GATE_RE, V6_GATE_RE, ...SHARED_GATE_PATTERNS],
  // Both forms need a digit (isIpv6 requires one), so text without digits costs one cached check.
  gate: (text) => hasDigit(text) && (V4_GATE_RE.test(text) || V6_GATE_RE.test(text)),
  find(text: string, out: Finding[]): void {
    let m: RegExpExecArray | null;
    if (V4_GATE_RE.test(text)) {
      IPV4_RE.lastIndex = 0;
      while ((m = IPV4_RE.exec(text)) !== null) {
        if (!isVersionContext(text, m.index)) out.push(finding('IP', m.index, m.index + m[0].length));
      }
    }
    if (V6_GATE_RE.test(text)) {
      COLON_RE.lastIndex = 0;
      while ((m = COLON_RE.exec(text)) !== null) {
        if (isIpv6(m[0])) out.push(finding('IP', m.index, m.index + m[0].length));
      }
    }
  },
};
