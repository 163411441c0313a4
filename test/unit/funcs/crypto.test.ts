import { X509Certificate, createPrivateKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { call, errorOf } from './helpers.js';
import { Certificate } from '../../../src/engine/funcs/crypto.js';

describe('hashes and encodings', () => {
  it('hashes like Go', () => {
    expect(call('sha1sum', 'abc')).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(call('sha256sum', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(call('sha512sum', 'abc')).toMatch(/^ddaf35a193617aba/);
    expect(call('adler32sum', 'Wikipedia')).toBe('300286872');
  });
  it('bcrypt and htpasswd', () => {
    expect(call('bcrypt', 'secret')).toMatch(/^\$2a\$10\$[./A-Za-z0-9]{53}$/);
    expect(call('htpasswd', 'user', 'pw')).toMatch(/^user:\$2a\$10\$/);
    expect(call('htpasswd', 'a:b', 'pw')).toBe('invalid username: a:b');
  });
  it('derivePassword matches the Master Password algorithm (Sprig test vector)', () => {
    expect(call('derivePassword', 1n, 'long', 'password', 'user', 'example.com')).toBe('ZedaFaxcZaso9*');
    expect(call('derivePassword', 1n, 'nope', 'p', 'u', 's')).toBe('cannot find password template nope');
  });
  it('AES round trip', () => {
    const enc = call('encryptAES', 'secretkey', 'plaintext') as string;
    expect(enc).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(call('decryptAES', 'secretkey', enc)).toBe('plaintext');
    expect(call('encryptAES', 'k', '')).toBe('');
    expect(errorOf('decryptAES', 'k', 'YWJj')).toMatch(/slice bounds out of range/);
  });
  it('random values', () => {
    expect(call('uuidv4')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(Buffer.from(call('randBytes', 12n) as string, 'base64')).toHaveLength(12);
    expect(call('randBytes', 0n)).toBe('');
  });
  it('getHostByName without network', () => {
    // helm 4.1.4 prints "" for all of these
    expect(call('getHostByName', 'localhost')).toBe('');
    expect(call('getHostByName', '127.0.0.1')).toBe('');
    expect(call('getHostByName', 'example.invalid')).toBe('');
  });
});

describe('keys and certificates', () => {
  it('genPrivateKey types', () => {
    expect(call('genPrivateKey', 'ecdsa')).toMatch(/^-----BEGIN EC PRIVATE KEY-----\n/);
    expect(call('genPrivateKey', 'ed25519')).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(call('genPrivateKey', 'foo')).toBe('Unknown type foo');
    const dsa = call('genPrivateKey', 'dsa') as string;
    expect(dsa).toMatch(/^-----BEGIN DSA PRIVATE KEY-----\n/);
    expect(createPrivateKey(dsa).asymmetricKeyType).toBe('dsa');
  }, 60_000);

  it('genCA makes a CA that verifies and signs genSignedCert', () => {
    const ca = call('genCA', 'my-ca', 365n) as Certificate;
    expect(ca).toBeInstanceOf(Certificate);
    expect(ca.Key).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    const caX = new X509Certificate(ca.Cert);
    expect(caX.ca).toBe(true);
    expect(caX.subject).toBe('CN=my-ca');
    expect(caX.verify(caX.publicKey)).toBe(true);
    const days = (Date.parse(caX.validTo) - Date.parse(caX.validFrom)) / 86400000;
    expect(Math.round(days)).toBe(365);

    const leaf = call('genSignedCert', 'leaf.example', ['10.0.0.1', '::1'], ['leaf.example', 'b.example'], 30n, ca) as Certificate;
    const lx = new X509Certificate(leaf.Cert);
    expect(lx.ca).toBe(false);
    expect(lx.issuer).toBe('CN=my-ca');
    expect(lx.verify(caX.publicKey)).toBe(true);
    expect(lx.checkIssued(caX)).toBe(true);
    expect(lx.subjectAltName).toBe('DNS:leaf.example, DNS:b.example, IP Address:10.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(lx.checkPrivateKey(createPrivateKey(leaf.Key))).toBe(true);
  });

  it('genSelfSignedCert and the WithKey variants', () => {
    const c = call('genSelfSignedCert', 'self', null, ['a.example'], 10n) as Certificate;
    const x = new X509Certificate(c.Cert);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.subjectAltName).toBe('DNS:a.example');
    const key = call('genPrivateKey', 'ecdsa') as string;
    const ca = call('genCAWithKey', 'ec-ca', 5n, key) as Certificate;
    expect(ca.Key).toBe(key);
    const cx = new X509Certificate(ca.Cert);
    expect(cx.verify(cx.publicKey)).toBe(true);
    const ed = call('genPrivateKey', 'ed25519') as string;
    const leaf = call('genSignedCertWithKey', 'x', [], [], 5n, ca, ed) as Certificate;
    expect(new X509Certificate(leaf.Cert).verify(cx.publicKey)).toBe(true);
    const custom = call('buildCustomCert', Buffer.from(ca.Cert).toString('base64'), Buffer.from(ca.Key).toString('base64')) as Certificate;
    expect(custom.Cert).toBe(ca.Cert);
  });

  it('certificate errors', () => {
    expect(errorOf('genSelfSignedCert', 'x', ['bad-ip'], null, 1n)).toBe('error parsing ip: bad-ip');
    expect(errorOf('genSelfSignedCert', 'x', [1n], null, 1n)).toBe('error parsing ip: 1 is not a string');
    expect(errorOf('genCAWithKey', 'x', 1n, 'junk')).toBe('parsing private key: no PEM data in input');
    expect(errorOf('genSignedCert', 'x', null, null, 1n, { Cert: '', Key: '' })).toMatch(/expected sprig.certificate/);
  });
});
