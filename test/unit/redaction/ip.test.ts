import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

test('IPv4 addresses', () => {
  const text = assertRedacted(
    'Server 192.168.1.20 cannot reach 8.8.8.8:53; curl http://10.0.0.1:8080/health failed. Ranges 255.255.255.0.',
    ['192.168.1.20', '8.8.8.8', '10.0.0.1', '255.255.255.0'],
    { IP: 4 },
  );
  assert.equal(
    text,
    'Server [IP] cannot reach [IP]:53; curl http://[IP]:8080/health failed. Ranges [IP].',
  );
});
test('IPv6 addresses: full and compressed; ::1 is deliberately kept', () => {
  const text = assertRedacted(
    'Addrs 2001:0db8:85a3:0000:0000:8a2e:0370:7334, 2001:db8::1, [fe80::1ff:fe23:4567:890a]:443 and ::1.',
    ['2001:0db8', '2001:db8::1', 'fe80::1ff'],
    { IP: 3 },
  );
  assert.equal(text, 'Addrs [IP], [IP], [[IP]]:443 and ::1.');
});
test('IPv4: versions are not IPs; a bare dotted quad is', () => {
  assertKept('Upgraded to v1.2.3.4, then version 1.2.3.4, Version: 10.0.0.1 and build 2.0.0.1.');
  assertKept('"version": "4.0.0.0" and Mozilla/5.0 Chrome/120.0.0.0 Safari/537.36');
  assertKept('See section 1.2.3.4 of the spec and §2.1.1.3.');
  assertKept('1.2.3.4.5 is an OID-ish string and 256.1.1.1 is not an address');
  assertRedacted('Blocked 1.2.3.4 at the firewall', ['1.2.3.4'], { IP: 1 });
});
