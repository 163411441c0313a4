/** Sprig crypto functions (crypto.go): hashes, bcrypt, derivePassword, keys, X.509 certificates, AES. */
import type { KeyObject } from 'node:crypto';
import { lazyRequire, nodeCrypto } from './lazy.js';

const nodeNet = lazyRequire<typeof import('node:net')>('node:net');
const isIP = (s: string) => nodeNet().isIP(s);
import { createRequire } from 'node:module';
import { GoError, GoStruct, goTypeName, type FuncMap, type GoValue } from '../types.js';
import { formatV } from './fmt.js';
import * as der from './der.js';
import { goByteLen, goBytes, goString } from '../bytes.js';
import { base64Decode } from './strings.js';
import { sha256Hex } from './sha256.js';

// ---- hashes ----------------------------------------------------------------

const hex = (alg: string) => (s: string) => nodeCrypto().createHash(alg).update(goBytes(s)).digest('hex');

function adler32(s: string): number {
  const b = goBytes(s);
  let a = 1;
  let c = 0;
  for (const x of b) {
    a = (a + x) % 65521;
    c = (c + a) % 65521;
  }
  return (c * 65536 + a) >>> 0;
}

type BcryptJs = typeof import('bcryptjs');
let bcryptjs: BcryptJs | undefined;

function bcrypt(input: string): string {
  bcryptjs ??= createRequire(import.meta.url)('bcryptjs') as BcryptJs;
  if (goByteLen(input) > 72)
    return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  // golang.org/x/crypto/bcrypt writes the $2a$ prefix; the hash is the same algorithm
  return bcryptjs.hashSync(input, 10).replace(/^\$2b\$/, '$2a$');
}

// ---- derivePassword (Master Password algorithm) --------------------------------

const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno', 'CvcvnoCvccCvcv',
    'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno', 'CvccnoCvccCvcv', 'CvccCvccnoCvcv',
    'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno', 'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const TEMPLATE_CHARS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}

export function derivePassword(counter: bigint, passwordType: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[passwordType];
  if (!templates) return `cannot find password template ${passwordType}`;
  const seedName = Buffer.from('com.lyndir.masterpassword');
  const userB = Buffer.from(user, 'utf8');
  const salt = Buffer.concat([seedName, u32(userB.length), userB]);
  const key = nodeCrypto().scryptSync(Buffer.from(password, 'utf8'), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 });
  const siteB = Buffer.from(site, 'utf8');
  const msg = Buffer.concat([seedName, u32(siteB.length), siteB, u32(Number(BigInt.asUintN(32, counter)))]);
  const seed = nodeCrypto().createHmac('sha256', key).update(msg).digest();
  const temp = templates[seed[0] % templates.length];
  let out = '';
  for (let i = 0; i < temp.length; i++) {
    const chars = TEMPLATE_CHARS[temp[i]];
    out += chars[seed[i + 1] % chars.length];
  }
  return out;
}

// ---- keys ------------------------------------------------------------------------

type KeyKind = 'rsa' | 'ec' | 'ed25519' | 'dsa';

interface PrivKey {
  kind: KeyKind;
  key: KeyObject;
}

function dsaPem(key: KeyObject): string {
  // Go/Sprig's "DSA PRIVATE KEY": SEQUENCE { 0, P, Q, G, Y, X }
  const pkcs8 = der.parse(key.export({ type: 'pkcs8', format: 'der' }));
  const [, alg, privOctets] = der.children(pkcs8);
  const params = der.children(der.children(alg)[1]); // p, q, g
  const x = der.parse(privOctets.content);
  const spki = der.parse(nodeCrypto().createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const bits = der.children(spki)[1];
  const y = der.parse(bits.content.subarray(1));
  const body = der.seq(der.integer(0n), ...params.map((p) => p.raw), y.raw, x.raw);
  return der.pem('DSA PRIVATE KEY', body);
}

function keyPem(k: PrivKey): string {
  switch (k.kind) {
    case 'rsa':
      return k.key.export({ type: 'pkcs1', format: 'pem' }) as string;
    case 'ec':
      return k.key.export({ type: 'sec1', format: 'pem' }) as string;
    case 'dsa':
      return dsaPem(k.key);
    default:
      return k.key.export({ type: 'pkcs8', format: 'pem' }) as string;
  }
}

function generateKey(kind: KeyKind, rsaBits = 2048): PrivKey {
  switch (kind) {
    case 'rsa':
      return { kind, key: nodeCrypto().generateKeyPairSync('rsa', { modulusLength: rsaBits }).privateKey };
    case 'ec':
      return { kind, key: nodeCrypto().generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
    case 'ed25519':
      return { kind, key: nodeCrypto().generateKeyPairSync('ed25519').privateKey };
    case 'dsa':
      return { kind, key: nodeCrypto().generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey };
  }
}

function genPrivateKey(typ: string): string {
  let kind: KeyKind;
  switch (typ) {
    case '':
    case 'rsa':
      return keyPem(generateKey('rsa', 4096));
    case 'dsa':
      kind = 'dsa';
      break;
    case 'ecdsa':
      kind = 'ec';
      break;
    case 'ed25519':
      kind = 'ed25519';
      break;
    default:
      return 'Unknown type ' + typ;
  }
  return keyPem(generateKey(kind));
}

function kindOfKey(key: KeyObject): KeyKind {
  const t = key.asymmetricKeyType;
  if (t === 'rsa' || t === 'ec' || t === 'ed25519' || t === 'dsa') return t;
  throw new GoError(`unsupported key type ${t}`);
}

/** Sprig's parsePrivateKeyPEM. */
export function parsePrivateKeyPEM(text: string): PrivKey {
  const block = der.pemDecode(text);
  if (!block) throw new GoError('no PEM data in input');
  const load = (what: string, format: 'pkcs8' | 'pkcs1' | 'sec1') => {
    try {
      const key =
        format === 'pkcs8'
          ? nodeCrypto().createPrivateKey({ key: block.bytes, format: 'der', type: 'pkcs8' })
          : nodeCrypto().createPrivateKey({ key: block.bytes, format: 'der', type: format });
      return { kind: kindOfKey(key), key };
    } catch (e) {
      if (e instanceof GoError) throw e;
      throw new GoError(`${what}: ${(e as Error).message}`);
    }
  };
  if (block.type === 'PRIVATE KEY') return load('decoding PEM as PKCS#8', 'pkcs8');
  if (!block.type.endsWith(' PRIVATE KEY')) throw new GoError(`no private key data in PEM block of type ${block.type}`);
  switch (block.type.slice(0, -12)) {
    case 'RSA':
      return load('parsing RSA private key from PEM', 'pkcs1');
    case 'EC':
      return load('parsing EC private key from PEM', 'sec1');
    case 'DSA':
      try {
        const key = nodeCrypto().createPrivateKey({ key: der.pem('DSA PRIVATE KEY', block.bytes), format: 'pem' });
        return { kind: 'dsa', key };
      } catch (e) {
        throw new GoError(`parsing DSA private key from PEM: ${(e as Error).message}`);
      }
    default:
      throw new GoError(`invalid private key type ${block.type}`);
  }
}

// ---- certificates ----------------------------------------------------------------

/** Sprig's certificate struct {Cert, Key}. */
export class Certificate extends GoStruct {
  readonly goTypeName = 'sprig.certificate';
  constructor(
    public Cert: string,
    public Key: string,
  ) {
    super();
  }
}

const OID = {
  cn: '2.5.4.3',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  basicConstraints: '2.5.29.19',
  subjectKeyId: '2.5.29.14',
  authorityKeyId: '2.5.29.35',
  subjectAltName: '2.5.29.17',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  ed25519: '1.3.101.112',
};

function ext(id: string, critical: boolean, value: Buffer): Buffer {
  return der.seq(der.oid(id), ...(critical ? [der.bool(true)] : []), der.octets(value));
}

function keyUsageBits(ku: number): Buffer {
  const rev = (b: number) => {
    let r = 0;
    for (let i = 0; i < 8; i++) if (b & (1 << i)) r |= 1 << (7 - i);
    return r;
  };
  const a = [rev(ku & 0xff), rev((ku >> 8) & 0xff)];
  const bytes = a[1] !== 0 ? a : [a[0]];
  let bitLen = bytes.length * 8;
  for (let i = bytes.length - 1; i >= 0; i--) {
    if (bytes[i] === 0) {
      bitLen -= 8;
      continue;
    }
    let b = bytes[i];
    let trailing = 0;
    while ((b & 1) === 0) {
      b >>= 1;
      trailing++;
    }
    bitLen -= trailing;
    break;
  }
  return der.bitString(Buffer.from(bytes), bytes.length * 8 - bitLen);
}

function parseGoIP(s: string): Buffer | undefined {
  const v = isIP(s);
  if (v === 4) {
    if (s.split('.').some((p) => p.length > 1 && p[0] === '0')) return undefined;
    return Buffer.from(s.split('.').map(Number));
  }
  if (v === 6) {
    if (s.includes('%')) return undefined;
    // expand to 16 bytes
    let [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
    const toWords = (p: string): number[] => {
      if (p === '') return [];
      const parts = p.split(':');
      const out: number[] = [];
      for (const part of parts) {
        if (part.includes('.')) {
          const b = part.split('.').map(Number);
          out.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
        } else out.push(parseInt(part, 16));
      }
      return out;
    };
    const hw = toWords(head);
    const tw = tail === undefined ? [] : toWords(tail);
    const words = tail === undefined ? hw : [...hw, ...new Array(8 - hw.length - tw.length).fill(0), ...tw];
    const buf = Buffer.alloc(16);
    words.forEach((w, i) => buf.writeUInt16BE(w, i * 2));
    // IPv4-mapped addresses are written as 4 bytes, like Go's ip.To4()
    if (buf.subarray(0, 10).every((x) => x === 0) && buf[10] === 0xff && buf[11] === 0xff) return buf.subarray(12);
    head = '';
    return buf;
  }
  return undefined;
}

function sansFrom(ips: GoValue, dns: GoValue): { ips: Buffer[]; dns: string[] } {
  const ipList = ips === null || ips === undefined ? [] : (ips as GoValue[]);
  const dnsList = dns === null || dns === undefined ? [] : (dns as GoValue[]);
  const outIps = ipList.map((ip) => {
    if (typeof ip !== 'string') throw new GoError(`error parsing ip: ${formatV(ip)} is not a string`);
    const b = parseGoIP(ip);
    if (!b) throw new GoError(`error parsing ip: ${ip}`);
    return b;
  });
  const outDns = dnsList.map((d) => {
    if (typeof d !== 'string') throw new GoError(`error processing alternate dns name: ${formatV(d)} is not a string`);
    return d;
  });
  return { ips: outIps, dns: outDns };
}

function spkiOf(k: PrivKey): Buffer {
  if (k.kind === 'dsa') throw new GoError('error creating certificate: x509: unsupported public key type: *dsa.PublicKey');
  return nodeCrypto().createPublicKey(k.key).export({ type: 'spki', format: 'der' });
}

function sigAlg(k: PrivKey): Buffer {
  switch (k.kind) {
    case 'rsa':
      return der.seq(der.oid(OID.sha256WithRSA), der.nullDer());
    case 'ec':
      return der.seq(der.oid(OID.ecdsaWithSHA256));
    case 'ed25519':
      return der.seq(der.oid(OID.ed25519));
    default:
      throw new GoError('error creating certificate: x509: certificate private key does not implement crypto.Signer');
  }
}

interface Parent {
  subject: Buffer; // raw Name
  subjectKeyId?: Buffer;
  key: PrivKey;
}

function createCert(
  cn: string,
  sans: { ips: Buffer[]; dns: string[] },
  daysValid: bigint,
  isCA: boolean,
  signee: PrivKey,
  parent?: Parent,
): Certificate {
  const subject = der.seq(...(cn.length > 0 ? [der.set(der.seq(der.oid(OID.cn), der.dirString(cn)))] : []));
  const signer = parent ? parent.key : signee;
  const alg = sigAlg(signer);
  const spki = spkiOf(signee);
  const serial = BigInt('0x' + nodeCrypto().randomBytes(16).toString('hex'));
  const now = Date.now();
  const notBefore = new Date(now);
  const notAfter = new Date(now + Number(daysValid) * 86400000);
  const exts: Buffer[] = [];
  exts.push(ext(OID.keyUsage, true, keyUsageBits(isCA ? 1 | 4 | 32 : 1 | 4)));
  exts.push(ext(OID.extKeyUsage, false, der.seq(der.oid(OID.serverAuth), der.oid(OID.clientAuth))));
  exts.push(ext(OID.basicConstraints, true, isCA ? der.seq(der.bool(true)) : der.seq()));
  let ski: Buffer | undefined;
  if (isCA) {
    const bits = der.children(der.parse(spki))[1];
    ski = nodeCrypto().createHash('sha1').update(bits.content.subarray(1)).digest();
    exts.push(ext(OID.subjectKeyId, false, der.octets(ski)));
  }
  const issuer = parent ? parent.subject : subject;
  if (parent?.subjectKeyId && !issuer.equals(subject)) {
    exts.push(ext(OID.authorityKeyId, false, der.seq(der.tlv(0x80, parent.subjectKeyId))));
  }
  if (sans.dns.length || sans.ips.length) {
    const names = [...sans.dns.map((d) => der.tlv(0x82, Buffer.from(d, 'latin1'))), ...sans.ips.map((b) => der.tlv(0x87, b))];
    exts.push(ext(OID.subjectAltName, cn.length === 0, der.seq(...names)));
  }
  const tbs = der.seq(
    der.ctx(0, der.integer(2n)),
    der.integer(serial),
    alg,
    issuer,
    der.seq(der.time(notBefore), der.time(notAfter)),
    subject,
    spki,
    der.ctx(3, der.seq(...exts)),
  );
  const sig = nodeCrypto().sign(signer.kind === 'ed25519' ? null : 'sha256', tbs, signer.key);
  const cert = der.seq(tbs, alg, der.bitString(sig));
  return new Certificate(der.pem('CERTIFICATE', cert), keyPem(signee));
}

function parentFrom(ca: GoValue): Parent {
  if (!(ca instanceof Certificate)) {
    throw new GoError(`wrong type for value; expected sprig.certificate; got ${goTypeName(ca ?? null)}`);
  }
  const block = der.pemDecode(ca.Cert);
  if (!block) throw new GoError('unable to decode certificate');
  let tbsFields: der.Node[];
  try {
    new (nodeCrypto().X509Certificate)(block.bytes);
    tbsFields = der.children(der.children(der.parse(block.bytes))[0]);
  } catch (e) {
    throw new GoError(`error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`);
  }
  const off = tbsFields[0].tag === 0xa0 ? 1 : 0;
  const subject = tbsFields[off + 4].raw;
  let subjectKeyId: Buffer | undefined;
  const extsNode = tbsFields.find((f) => f.tag === 0xa3);
  if (extsNode) {
    for (const e of der.children(der.children(extsNode)[0])) {
      const parts = der.children(e);
      const id = parts[0].content.toString('hex');
      if (id === '551d0e') subjectKeyId = der.parse(parts[parts.length - 1].content).content;
    }
  }
  let key: PrivKey;
  try {
    key = parsePrivateKeyPEM(ca.Key);
  } catch (e) {
    throw new GoError(`error parsing private key: ${(e as Error).message}`);
  }
  return { subject: Buffer.from(subject), subjectKeyId, key };
}

function withPemKey(privPEM: string): PrivKey {
  try {
    return parsePrivateKeyPEM(privPEM);
  } catch (e) {
    throw new GoError(`parsing private key: ${(e as Error).message}`);
  }
}

function buildCustomCert(b64cert: string, b64key: string): Certificate {
  const cert = Buffer.from(b64cert, 'base64');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64cert.replace(/[\r\n]/g, '')) || b64cert.replace(/[\r\n]/g, '').length % 4 !== 0)
    throw new GoError('unable to decode base64 certificate');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64key.replace(/[\r\n]/g, '')) || b64key.replace(/[\r\n]/g, '').length % 4 !== 0)
    throw new GoError('unable to decode base64 private key');
  const key = Buffer.from(b64key, 'base64');
  const block = der.pemDecode(cert.toString('latin1'));
  if (!block) throw new GoError('unable to decode certificate');
  try {
    new (nodeCrypto().X509Certificate)(block.bytes);
  } catch (e) {
    throw new GoError(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
  }
  try {
    parsePrivateKeyPEM(key.toString('utf8'));
  } catch (e) {
    throw new GoError(`error parsing private key: ${(e as Error).message}`);
  }
  return new Certificate(cert.toString('utf8'), key.toString('utf8'));
}

// ---- AES ----------------------------------------------------------------------------

function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  Buffer.from(goBytes(password)).copy(key, 0, 0, 32);
  return key;
}

function encryptAES(password: string, plaintext: string): string {
  if (plaintext === '') return '';
  const content = Buffer.from(goBytes(plaintext));
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const iv = nodeCrypto().randomBytes(16);
  const c = nodeCrypto().createCipheriv('aes-256-cbc', aesKey(password), iv);
  c.setAutoPadding(false);
  return Buffer.concat([iv, c.update(padded), c.final()]).toString('base64');
}

function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const crypt = base64Decode(crypt64); // Go's decoder: the offset of the first bad byte
  if (!Buffer.isBuffer(crypt)) throw new GoError(crypt.err);
  if (crypt.length < 16) throw new GoError(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new GoError('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new GoError('runtime error: index out of range [-1]');
  const d = nodeCrypto().createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16));
  d.setAutoPadding(false);
  const out = Buffer.concat([d.update(body), d.final()]);
  const pad = out[out.length - 1];
  if (pad > out.length) throw new GoError(`runtime error: slice bounds out of range [:${out.length - pad}]`);
  return goString(out.subarray(0, out.length - pad));
}

// ---- the function map ----------------------------------------------------------------

export function cryptoFuncs(): FuncMap {
  return {
    sha1sum: { params: ['string'], returns: 'string', fn: hex('sha1') },
    // without node:crypto (see sha256.ts)
    sha256sum: { params: ['string'], returns: 'string', fn: (s: string) => sha256Hex(goBytes(s)) },
    sha512sum: { params: ['string'], returns: 'string', fn: hex('sha512') },
    adler32sum: { params: ['string'], returns: 'string', fn: (s: string) => String(adler32(s)) },
    bcrypt: { params: ['string'], returns: 'string', fn: bcrypt },
    htpasswd: {
      params: ['string', 'string'],
      returns: 'string',
      fn: (user: string, pw: string) => (user.includes(':') ? `invalid username: ${user}` : `${user}:${bcrypt(pw)}`),
    },
    genPrivateKey: { params: ['string'], returns: 'string', fn: genPrivateKey },
    derivePassword: { params: ['int', 'string', 'string', 'string', 'string'], returns: 'string', fn: derivePassword },
    buildCustomCert: { params: ['string', 'string'], returns: 'sprig.certificate', fn: buildCustomCert },
    genCA: {
      params: ['string', 'int'],
      returns: 'sprig.certificate',
      fn: (cn: string, days: bigint) => createCert(cn, { ips: [], dns: [] }, days, true, generateKey('rsa')),
    },
    genCAWithKey: {
      params: ['string', 'int', 'string'],
      returns: 'sprig.certificate',
      fn: (cn: string, days: bigint, key: string) => createCert(cn, { ips: [], dns: [] }, days, true, withPemKey(key)),
    },
    genSelfSignedCert: {
      params: ['string', '[]any', '[]any', 'int'],
      returns: 'sprig.certificate',
      fn: (cn: string, ips: GoValue, dns: GoValue, days: bigint) => createCert(cn, sansFrom(ips, dns), days, false, generateKey('rsa')),
    },
    genSelfSignedCertWithKey: {
      params: ['string', '[]any', '[]any', 'int', 'string'],
      returns: 'sprig.certificate',
      fn: (cn: string, ips: GoValue, dns: GoValue, days: bigint, key: string) => {
        const k = withPemKey(key);
        return createCert(cn, sansFrom(ips, dns), days, false, k);
      },
    },
    genSignedCert: {
      params: ['string', '[]any', '[]any', 'int', 'any'],
      returns: 'sprig.certificate',
      fn: (cn: string, ips: GoValue, dns: GoValue, days: bigint, ca: GoValue) => {
        const parent = parentFrom(ca);
        const sans = sansFrom(ips, dns);
        return createCert(cn, sans, days, false, generateKey('rsa'), parent);
      },
    },
    genSignedCertWithKey: {
      params: ['string', '[]any', '[]any', 'int', 'any', 'string'],
      returns: 'sprig.certificate',
      fn: (cn: string, ips: GoValue, dns: GoValue, days: bigint, ca: GoValue, key: string) => {
        const parent = parentFrom(ca);
        const k = withPemKey(key);
        return createCert(cn, sansFrom(ips, dns), days, false, k, parent);
      },
    },
    encryptAES: { params: ['string', 'string'], returns: 'string', fn: encryptAES },
    decryptAES: { params: ['string', 'string'], returns: 'string', fn: decryptAES },
    randBytes: {
      params: ['int'],
      returns: 'string',
      fn: (n: bigint) => {
        if (n < 0n) throw new GoError('runtime error: makeslice: len out of range');
        if (n > 64n * 1024n * 1024n) throw new GoError(`randBytes: ${n} bytes is more than rel allows (64 MiB)`);
        return nodeCrypto().randomBytes(Number(n)).toString('base64');
      },
    },
    uuidv4: { params: [], returns: 'string', fn: () => nodeCrypto().randomUUID() },
    getHostByName: {
      params: ['string'],
      returns: 'string',
      // helm 4.1.4 prints an empty string for every name (even localhost and IP literals); rel renders offline too
      fn: (_name: string) => '',
    },
  };
}
