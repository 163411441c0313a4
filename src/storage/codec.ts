import { gunzipSync, gzipSync, constants } from 'node:zlib';
import type { Release } from './release.js';

const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** Helm's encoding: JSON, gzip (best compression), base64 (standard alphabet). */
export function encodeRelease(rls: Release): string {
  const { labels: _labels, ...rest } = rls; // labels live on the storage object
  const json = Buffer.from(JSON.stringify(rest), 'utf8');
  return gzipSync(json, { level: constants.Z_BEST_COMPRESSION }).toString('base64');
}

/** Decodes Helm's encoding; accepts the uncompressed form old Helm versions wrote. */
export function decodeRelease(data: string): Release {
  let b = Buffer.from(data, 'base64');
  if (b.length >= 3 && GZIP_MAGIC.every((m, i) => b[i] === m)) b = gunzipSync(b, { maxOutputLength: 256 * 1024 * 1024 });
  const rls = JSON.parse(b.toString('utf8')) as Release;
  if (typeof rls !== 'object' || rls === null || typeof rls.name !== 'string') throw new Error('not a Helm release record');
  rls.info ??= {};
  rls.version ??= 0;
  return rls;
}
