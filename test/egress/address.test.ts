import { describe, expect, it } from 'vitest';
import { addressSet, formatAddress, formatAddressSet, parseAddressRange, parsePrefix, rangeToCidrs } from '../../src/analyzers/egress/address.js';
import { IntervalSet } from '../../src/analyzers/egress/interval-set.js';

describe('addresses', () => {
  it('parses IPv4/IPv6 prefixes, hosts and dotted masks; drops host bits', () => {
    expect(parsePrefix('10.1.2.3/8')).toEqual({ family: 'ipv4', lo: 10n << 24n, hi: (11n << 24n) - 1n });
    expect(parsePrefix('1.2.3.4')).toEqual({ family: 'ipv4', lo: 0x01020304n, hi: 0x01020304n });
    expect(parsePrefix('10.0.0.0/255.255.0.0')!.hi).toBe((10n << 24n) + 0xffffn);
    expect(parsePrefix('::/0')).toEqual({ family: 'ipv6', lo: 0n, hi: (1n << 128n) - 1n });
    expect(parsePrefix('2001:db8::1/32')!.lo).toBe(0x20010db8n << 96n);
    expect(parsePrefix('fe80::/10')!.hi).toBe((0xfe80n << 112n) + (1n << 118n) - 1n);
    for (const bad of ['', '1.2.3', '1.2.3.4/33', '::/129', 'host.example', '1.2.3.4/x', '010.1.1.1', '0.0.0.0/0/8', '::/0/8', '10.0.0.0/255.0.0.0/8']) expect(parsePrefix(bad)).toBeNull();
    expect(parseAddressRange('10.0.0.5-10.0.0.9')).toEqual({ family: 'ipv4', lo: 0x0a000005n, hi: 0x0a000009n });
    expect(parseAddressRange('10.0.0.9-10.0.0.5')).toBeNull();
  });
  it('formats addresses and minimal CIDR covers', () => {
    expect(formatAddress('ipv4', 0xc6336407n)).toBe('198.51.100.7');
    expect(formatAddress('ipv6', (0x20010db8n << 96n) + 1n)).toBe('2001:db8::1');
    expect(rangeToCidrs('ipv4', 0n, (1n << 32n) - 1n)).toEqual(['0.0.0.0/0']);
    expect(rangeToCidrs('ipv4', 0x0a000001n, 0x0a000006n)).toEqual(['10.0.0.1/32', '10.0.0.2/31', '10.0.0.4/31', '10.0.0.6/32']);
    const all = IntervalSet.range(0n, (1n << 32n) - 1n);
    // One notation per list (a trial report mixed them): ranges as soon as one range is not exactly one block.
    expect(formatAddressSet('ipv4', all.subtract(addressSet('ipv4', ['10.0.0.0/8'])))).toBe('0.0.0.0-9.255.255.255, 11.0.0.0-255.255.255.255');
    expect(formatAddressSet('ipv4', addressSet('ipv4', ['192.168.0.0/16', '10.0.0.0/8', '172.16.0.0/12']))).toBe('10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16');
    expect(formatAddressSet('ipv4', addressSet('ipv4', ['10.0.0.0/8']).subtract(addressSet('ipv4', ['10.96.0.10/32'])).union(addressSet('ipv4', ['192.168.0.0/16'])))).toBe(
      '10.0.0.0-10.96.0.9, 10.96.0.11-10.255.255.255, 192.168.0.0-192.168.255.255',
    );
    expect(formatAddressSet('ipv4', addressSet('ipv4', ['10.0.0.2/32', '10.0.0.4/31']))).toBe('10.0.0.2/32, 10.0.0.4/31');
    expect(formatAddressSet('ipv4', addressSet('ipv4', ['10.0.0.2/32', '10.0.0.4/31', '10.0.0.9/32', '10.0.0.10/32']))).toBe('10.0.0.2, 10.0.0.4-10.0.0.5, 10.0.0.9-10.0.0.10');
    expect(formatAddressSet('ipv6', addressSet('ipv6', ['::/0', '10.0.0.0/8']))).toBe('::/0');
  });
});
