/** Sprig path, URL and flow-control functions (functions.go, url.go). */
import { GoError, isGoMap, newMap, type FuncMap, type GoMap, type GoValue } from '../types.js';
import { quoteGo } from './fmt.js';
import { NIL_DEREF, kindOf } from './convert.js';
import { goBytes, goString } from '../bytes.js';
import { cleanPath } from '../../chart/match.js'; // Go's path.Clean, shared with the chart loader

// ---- path (slash-separated; filepath is the same on Linux) ----------------------

export function basePath(p: string): string {
  if (p === '') return '.';
  while (p.length > 0 && p.endsWith('/')) p = p.slice(0, -1);
  const i = p.lastIndexOf('/');
  if (i >= 0) p = p.slice(i + 1);
  return p === '' ? '/' : p;
}

export function dirPath(p: string): string {
  const i = p.lastIndexOf('/');
  return cleanPath(p.slice(0, i + 1));
}

export function extPath(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

// ---- net/url -------------------------------------------------------------------

interface GoURL {
  scheme: string;
  opaque: string;
  user?: { username: string; password?: string };
  host: string;
  path: string;
  rawQuery: string;
  fragment: string;
}

function unescape(s: string, mode: 'path' | 'host' | 'fragment' | 'user'): string {
  // validate %XX and decode bytes as UTF-8
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '%') {
      const h = s.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(h)) {
        const bad = s.slice(i, i + 3);
        throw new GoError(`invalid URL escape ${quoteGo(bad)}`);
      }
      bytes.push(parseInt(h, 16));
      i += 2;
    } else {
      for (const b of goBytes(c)) bytes.push(b);
    }
  }
  void mode;
  return goString(Uint8Array.from(bytes));
}

/** url.Parse (the parts Sprig reads). */
export function parseURL(raw: string): GoURL {
  const fail = (msg: string) => new GoError(`parse ${quoteGo(raw)}: ${msg}`);
  if (/[\x00-\x1f\x7f]/.test(raw)) throw fail('net/url: invalid control character in URL');
  let rest = raw;
  let fragment = '';
  const h = rest.indexOf('#');
  if (h >= 0) {
    try {
      fragment = unescape(rest.slice(h + 1), 'fragment');
    } catch (e) {
      throw fail((e as Error).message);
    }
    rest = rest.slice(0, h);
  }
  const u: GoURL = { scheme: '', opaque: '', host: '', path: '', rawQuery: '', fragment };
  const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (sm) {
    u.scheme = sm[1].toLowerCase();
    rest = rest.slice(sm[0].length);
  } else if (/^[0-9+.-][^/:]*:/.test(rest) && rest.indexOf(':') < (rest.indexOf('/') < 0 ? Infinity : rest.indexOf('/'))) {
    if (/^[a-zA-Z0-9+.-]*:/.test(rest) && !/^[a-zA-Z]/.test(rest)) throw fail('missing protocol scheme');
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    u.rawQuery = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    const colon = rest.indexOf(':');
    const slash = rest.indexOf('/');
    if (colon >= 0 && (slash < 0 || colon < slash)) throw fail('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || raw.startsWith('//')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    } else rest = '';
    const at = authority.lastIndexOf('@');
    let host = authority;
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      host = authority.slice(at + 1);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw fail('net/url: invalid userinfo');
      const ci = userinfo.indexOf(':');
      try {
        u.user =
          ci >= 0
            ? { username: unescape(userinfo.slice(0, ci), 'user'), password: unescape(userinfo.slice(ci + 1), 'user') }
            : { username: unescape(userinfo, 'user') };
      } catch (e) {
        throw fail((e as Error).message);
      }
    }
    try {
      u.host = unescape(host, 'host');
    } catch (e) {
      throw fail((e as Error).message);
    }
  }
  try {
    u.path = unescape(rest, 'path');
  } catch (e) {
    throw fail((e as Error).message);
  }
  return u;
}

function hostname(host: string): string {
  if (host.startsWith('[')) {
    const e = host.indexOf(']');
    return e >= 0 ? host.slice(1, e) : host.slice(1);
  }
  const c = host.lastIndexOf(':');
  return c >= 0 && /^:[0-9]*$/.test(host.slice(c)) ? host.slice(0, c) : host;
}

const UNRESERVED = /[A-Za-z0-9\-_.~]/;

function escapeWith(s: string, keep: RegExp): string {
  let out = '';
  for (const b of goBytes(s)) {
    const ch = String.fromCharCode(b);
    if (b < 0x80 && (UNRESERVED.test(ch) || keep.test(ch))) out += ch;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

const escapePath = (s: string) => escapeWith(s, /[$&+,/:;=@]/);
const escapeFragment = (s: string) => escapeWith(s, /[$&+,/:;=?@!()*]/);
const escapeUser = (s: string) => escapeWith(s, /[$&+,;=!()*'']/);
const escapeHost = (s: string) => escapeWith(s, /[!$&'()*+,;=:[\]<>"]/);

function userString(user: { username: string; password?: string }): string {
  let s = escapeUser(user.username);
  if (user.password !== undefined) s += ':' + escapeUser(user.password);
  return s;
}

/** url.URL.String(). */
export function urlString(u: GoURL): string {
  let out = '';
  if (u.scheme) out += u.scheme + ':';
  if (u.opaque) out += u.opaque;
  else {
    if (u.scheme || u.host || u.user) {
      if (u.host || u.path || u.user) out += '//';
      if (u.user) out += userString(u.user) + '@';
      if (u.host) out += escapeHost(u.host);
    }
    let path = escapePath(u.path);
    if (path !== '' && path[0] !== '/' && u.host !== '') path = '/' + path;
    if (out === '') {
      const colon = path.indexOf(':');
      const slash = path.indexOf('/');
      if (colon > -1 && (slash === -1 || colon < slash)) path = './' + path;
    }
    out += path;
  }
  if (u.rawQuery) out += '?' + u.rawQuery;
  if (u.fragment) out += '#' + escapeFragment(u.fragment);
  return out;
}

function urlParse(v: string): GoMap {
  let u: GoURL;
  try {
    u = parseURL(v);
  } catch (e) {
    throw new GoError(`unable to parse url: ${(e as Error).message}`);
  }
  const d = newMap();
  d.scheme = u.scheme;
  d.host = u.host;
  d.hostname = hostname(u.host);
  d.path = u.path;
  d.query = u.rawQuery;
  d.opaque = u.opaque;
  d.fragment = u.fragment;
  d.userinfo = u.user ? userString(u.user) : '';
  return d;
}

function urlJoin(d: GoMap | null): string {
  const meta = (k: string): string => {
    if (!d || !Object.prototype.hasOwnProperty.call(d, k)) return '';
    const v: GoValue = d[k];
    if (v === null || v === undefined) throw new GoError(NIL_DEREF);
    if (typeof v !== 'string') throw new GoError(`unable to parse ${k} key, must be of type string, but ${kindOf(v)} found`);
    return v;
  };
  const u: GoURL = {
    scheme: meta('scheme'),
    host: meta('host'),
    path: meta('path'),
    rawQuery: meta('query'),
    opaque: meta('opaque'),
    fragment: meta('fragment'),
  };
  const userinfo = meta('userinfo');
  if (userinfo !== '') {
    let tmp: GoURL;
    try {
      tmp = parseURL(`proto://${userinfo}@host`);
    } catch (e) {
      throw new GoError(`unable to parse userinfo in dict: ${(e as Error).message}`);
    }
    u.user = tmp.user;
  }
  return urlString(u);
}

export function miscFuncs(): FuncMap {
  const s1 = (f: (s: string) => GoValue) => ({ params: ['string' as const], fn: f });
  return {
    hello: { params: [], returns: 'string', fn: () => 'Hello!' },
    fail: {
      params: ['string'],
      returns: 'string',
      fn: (msg: string) => {
        throw new GoError(msg);
      },
    },
    base: s1(basePath),
    dir: s1(dirPath),
    clean: s1(cleanPath),
    ext: s1(extPath),
    isAbs: s1((p) => p.startsWith('/')),
    osBase: s1(basePath),
    osClean: s1(cleanPath),
    osDir: s1(dirPath),
    osExt: s1(extPath),
    osIsAbs: s1((p) => p.startsWith('/')),
    urlParse: { params: ['string'], returns: 'map[string]interface {}', fn: urlParse },
    urlJoin: { params: ['map'], returns: 'string', fn: urlJoin },
  };
}
