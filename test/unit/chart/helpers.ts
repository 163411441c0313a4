import { gzipSync } from 'node:zlib';
import { Header } from 'tar';

export interface RawEntry {
  path: string;
  data?: string;
  type?: 'File' | 'SymbolicLink' | 'Link' | 'Directory';
  linkpath?: string;
}

/** Builds a .tgz byte by byte, so tests can include entries a normal packer refuses to write. */
export function makeTgz(entries: RawEntry[]): Uint8Array {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const data = Buffer.from(e.data ?? '');
    const type = e.type ?? 'File';
    const h = new Header({
      path: e.path,
      mode: 0o644,
      size: type === 'File' ? data.length : 0,
      mtime: new Date(0),
      type,
      linkpath: e.linkpath,
      uid: 0,
      gid: 0,
    });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block);
    if (type === 'File' && data.length > 0) {
      blocks.push(data);
      const pad = (512 - (data.length % 512)) % 512;
      if (pad) blocks.push(Buffer.alloc(pad));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return new Uint8Array(gzipSync(Buffer.concat(blocks)));
}

export const CHART_YAML = 'apiVersion: v2\nname: demo\nversion: 0.1.0\n';
