/**
 * Safe reading of packaged charts (.tgz) into memory. Nothing is written to disk. Entries
 * are checked the way Helm checks them (no absolute paths, no `..`, nothing outside the chart
 * directory) and more: links may not point outside the chart, and sizes are bounded.
 */
import { gunzipSync } from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import type { ChartFile } from './chart.js';
import { ChartLoadError } from './metadata.js';
import { cleanPath } from './match.js';

/** Largest decompressed archive accepted (Helm's MaxDecompressedChartSize is 100 MiB). */
export const MAX_DECOMPRESSED_CHART_SIZE = 100 * 1024 * 1024;
/** Largest single file accepted (Helm's MaxDecompressedFileSize is 5 MiB). */
export const MAX_DECOMPRESSED_FILE_SIZE = 5 * 1024 * 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

export function stripBom(data: Uint8Array): Uint8Array {
  if (data.length >= 3 && data[0] === UTF8_BOM[0] && data[1] === UTF8_BOM[1] && data[2] === UTF8_BOM[2]) return data.subarray(3);
  return data;
}

export function isGzip(data: Uint8Array): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

/**
 * Reads a gzipped chart archive. Returns the files with the top directory stripped
 * (`mychart/templates/a.yaml` → `templates/a.yaml`), in archive order.
 */
export async function readChartArchive(data: Uint8Array, source = 'chart archive'): Promise<ChartFile[]> {
  if (!isGzip(data)) {
    throw new ChartLoadError(`file '${source}' does not appear to be a gzipped archive; got 'application/octet-stream'`);
  }
  let tarData: Buffer;
  try {
    tarData = gunzipSync(data, { maxOutputLength: MAX_DECOMPRESSED_CHART_SIZE });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|buffer length/i.test(err.message)) {
      throw new ChartLoadError(`${source}: decompressed chart is larger than the maximum size ${MAX_DECOMPRESSED_CHART_SIZE}`);
    }
    throw new ChartLoadError(`unable to load chart archive: ${source}: corrupt gzip data (${err.message})`);
  }
  return parseTar(tarData, source);
}

function parseTar(tarData: Buffer, source: string): Promise<ChartFile[]> {
  return new Promise<ChartFile[]>((resolve, reject) => {
    const files: ChartFile[] = [];
    const links: { name: string; target: string; raw: string }[] = [];
    let failed: Error | null = null;
    const fail = (e: Error) => {
      if (!failed) failed = e;
    };
    const parser = new Parser({
      strict: true,
      onwarn: (_code: string, message: string | Error) => {
        fail(new ChartLoadError(`${source}: corrupt tar data: ${typeof message === 'string' ? message : message.message}`));
      },
    });
    parser.on('entry', (entry: ReadEntry) => {
      if (failed) {
        entry.resume();
        return;
      }
      const raw = entry.path;
      const type = entry.type;
      if (type === 'Directory' || type === 'GlobalExtendedHeader' || type === 'ExtendedHeader' || type === 'NextFileHasLongPath' || type === 'NextFileHasLongLinkpath') {
        entry.resume();
        return;
      }
      let name: string;
      try {
        name = checkEntryName(raw);
      } catch (e) {
        fail(e as Error);
        entry.resume();
        return;
      }
      if (name === '') {
        entry.resume();
        return;
      }
      if (type === 'SymbolicLink' || type === 'Link') {
        links.push({ name, target: entry.linkpath ?? '', raw });
        entry.resume();
        return;
      }
      if (type !== 'File' && type !== 'OldFile' && type !== 'ContiguousFile') {
        fail(new ChartLoadError(`${source}: cannot load irregular file ${raw} (${type})`));
        entry.resume();
        return;
      }
      if (entry.size > MAX_DECOMPRESSED_FILE_SIZE) {
        fail(new ChartLoadError(`${source}: chart file ${JSON.stringify(raw)} is larger than the maximum file size ${MAX_DECOMPRESSED_FILE_SIZE}`));
        entry.resume();
        return;
      }
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => {
        files.push({ name, data: stripBom(new Uint8Array(Buffer.concat(chunks))) });
      });
    });
    parser.on('error', (e: Error) => fail(new ChartLoadError(`${source}: corrupt tar data: ${e.message}`)));
    parser.on('end', () => {
      if (failed) return reject(failed);
      // Links: refuse any that escape the chart; links to files inside are resolved to copies.
      for (const l of links) {
        if (l.target.startsWith('/')) return reject(new ChartLoadError(`${source}: link ${JSON.stringify(l.raw)} points to an absolute path ${JSON.stringify(l.target)}; links outside the chart are not allowed`));
        const dir = l.name.includes('/') ? l.name.slice(0, l.name.lastIndexOf('/')) : '';
        const resolved = cleanPath(dir === '' ? l.target : `${dir}/${l.target}`);
        if (resolved === '..' || resolved.startsWith('../') || resolved === '.') {
          return reject(new ChartLoadError(`${source}: link ${JSON.stringify(l.raw)} points outside the chart (${JSON.stringify(l.target)})`));
        }
        const hit = files.find((f) => f.name === resolved);
        if (hit) files.push({ name: l.name, data: hit.data });
      }
      if (files.length === 0) return reject(new ChartLoadError(`${source}: no files in chart archive`));
      resolve(files);
    });
    try {
      parser.end(tarData);
    } catch (e) {
      reject(new ChartLoadError(`${source}: corrupt tar data: ${(e as Error).message}`));
    }
  });
}

/** Validates one archive path like Helm and returns it without the top directory. */
export function checkEntryName(raw: string): string {
  const parts = raw.replace(/\\/g, '/').split('/');
  if (parts[0] === 'Chart.yaml' && parts.length === 1) throw new ChartLoadError('chart yaml not in base directory');
  let n = parts.slice(1).join('/');
  if (raw.startsWith('/') || n.startsWith('/')) throw new ChartLoadError('chart illegally contains absolute paths');
  if (parts.includes('..')) throw new ChartLoadError('chart illegally references parent directory');
  if (n === '') return '';
  n = cleanPath(n);
  if (n === '.') throw new ChartLoadError(`chart illegally contains content outside the base directory: ${JSON.stringify(raw)}`);
  if (n.startsWith('..')) throw new ChartLoadError('chart illegally references parent directory');
  if (/^[a-zA-Z]:/.test(n)) throw new ChartLoadError('chart contains illegally named files');
  return n;
}
