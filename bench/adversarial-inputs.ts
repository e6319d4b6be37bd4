/**
 * Inputs built to make a redactor backtrack or rescan: long runs of the characters its patterns are made of,
 * repeated prefixes of secrets, and phone-shaped digit groups. Shared by `bench:redact` (MB/s at 10 KB, 100 KB
 * and 1 MB) and test/unit/redaction/redos.test.ts (cost growth from 100 KB to 1 MB).
 */
export interface AdversarialInput {
  name: string;
  make(length: number): string;
}

function fill(unit: string, n: number): string {
  return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
}

/**
 * Deterministic pseudo-random digit groups shaped like national phone numbers, comma-separated so each one
 * is a candidate; distinct, so the phone recognizer's memo does not help (its parse budget does).
 */
function phoneShaped(n: number): string {
  let seed = 7;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  let s = '';
  while (s.length < n) {
    const d = String(Math.floor(rand() * 1e9)).padStart(9, '0');
    s += `0${d.slice(0, 3)} ${d.slice(3)}, `;
  }
  return s.slice(0, n);
}

export const ADVERSARIAL_INPUTS: readonly AdversarialInput[] = [
  { name: 'repeated PEM headers', make: (n) => fill('-----BEGIN RSA PRIVATE KEY-----', n) },
  { name: 'PEM header + base64 body', make: (n) => '-----BEGIN PRIVATE KEY-----' + fill('A', n - 27) },
  { name: 'digits', make: (n) => fill('1', n) },
  { name: '@ run', make: (n) => fill('@', n) },
  { name: 'a@b. run', make: (n) => fill('a@b.', n) },
  { name: 'dots', make: (n) => fill('.', n) },
  { name: 'word chars then @', make: (n) => fill('a.', n - 1) + '@' },
  { name: '1.1.1.1.', make: (n) => fill('1.1.1.1.', n) },
  { name: '+1 +1 +1', make: (n) => fill('+1 ', n) },
  { name: 'digits/letters alternating', make: (n) => fill('1a', n) },
  { name: '1 1 1 (spaced digits)', make: (n) => fill('1 ', n) },
  { name: '1-1-1 (dashed digits)', make: (n) => fill('1-', n) },
  { name: 'colons 1::', make: (n) => fill('1::', n) },
  { name: 'hex colons ab:', make: (n) => fill('ab:', n) },
  { name: 'card groups 4111 ', make: (n) => fill('4111 ', n) },
  { name: 'IBAN groups DE89 ', make: (n) => fill('DE89 ', n) },
  { name: 'eyJ run', make: (n) => fill('eyJ', n - 4) + '.eyJ' },
  { name: 'NANP 415-555-', make: (n) => fill('415-555-', n) },
  { name: 'trunk-0 groups (same)', make: (n) => fill('0123 456789, ', n) },
  { name: 'trunk-0 groups (distinct)', make: phoneShaped },
  { name: 'valid phones 020 7946 0958', make: (n) => fill('020 7946 0958, ', n) },
  { name: 'emails a@b.co', make: (n) => fill('a@b.co ', n) },
  { name: 'version words', make: (n) => fill('version \t', n) },
];
