import { refusedAddress, refusedUrl } from './address-guard.js';

describe('the webhook address guard', () => {
  it('refuses private, link-local, metadata and other non-public addresses', () => {
    for (const address of ['10.0.0.1', '172.16.5.4', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', 'fc00::1', 'fe80::1', '::ffff:10.0.0.1', '224.0.0.1']) {
      expect(refusedAddress(address, true), address).not.toBeNull();
    }
  });

  it('refuses IPv4 hidden in IPv6 and every IPv6 outside public global unicast', () => {
    for (const address of [
      '::127.0.0.1',
      '::169.254.169.254',
      '::10.0.0.1',
      '::8.8.8.8',
      '::ffff:127.0.0.1',
      '::ffff:8.8.8.8',
      '::ffff:169.254.169.254',
      '::',
      '64:ff9b::a9fe:a9fe',
      '100::1',
      '2001::1',
      '2001:db8::1',
      '2002:a9fe:a9fe::1',
      '3fff::1',
      'fd00:ec2::254',
      'ff02::1',
      '4000::1',
    ]) {
      expect(refusedAddress(address, true), address).not.toBeNull();
    }
  });

  it('refuses the bracketed forms in URLs too', async () => {
    const loose = { requireHttps: false, allowLoopback: true };
    for (const url of ['http://[::127.0.0.1]/', 'http://[::169.254.169.254]/', 'http://[::ffff:7f00:1]/', 'http://[::ffff:a9fe:a9fe]/']) {
      expect(await refusedUrl(url, loose), url).not.toBeNull();
    }
  });

  it('refuses loopback unless allowed', () => {
    expect(refusedAddress('127.0.0.1', false)).toMatch(/loopback/);
    expect(refusedAddress('::1', false)).toMatch(/loopback/);
    expect(refusedAddress('127.0.0.1', true)).toBeNull();
  });

  it('accepts public unicast addresses', () => {
    expect(refusedAddress('93.184.216.34', false)).toBeNull();
    expect(refusedAddress('2606:2800:220:1:248:1893:25c8:1946', false)).toBeNull();
    expect(refusedAddress('2a00:1450:4001:80b::200e', false)).toBeNull();
  });

  it('checks scheme and literal hosts without the network', async () => {
    const strict = { requireHttps: true, allowLoopback: false };
    expect(await refusedUrl('http://93.184.216.34/hook', strict)).toMatch(/https/);
    expect(await refusedUrl('https://10.1.2.3/hook', strict)).toMatch(/private/);
    expect(await refusedUrl('https://[::1]/hook', strict)).toMatch(/loopback/);
    expect(await refusedUrl('ftp://93.184.216.34/', { requireHttps: false, allowLoopback: false })).toMatch(/http/);
    expect(await refusedUrl('https://93.184.216.34/hook', strict)).toBeNull();
    expect(await refusedUrl('https://localhost/hook', strict)).toMatch(/loopback/);
  });
});
