/**
 * Writing rel's output straight to file descriptors 1 and 2 (the fast path of `rel template` and the
 * render-server client share it).
 */
import { writeSync } from 'node:fs';

/** What fdWriter needs (tests replace them). */
export interface FdWriterDeps {
  writeSync: (fd: number, buf: Uint8Array, offset: number) => number;
  /** The stream for the same descriptor (process.stdout or process.stderr), made on first use. */
  stream: () => NodeJS.WriteStream;
  platform: string;
}

/**
 * A writer for stdout (1) or stderr (2) that writes to the file descriptor directly: making
 * process.stdout for a pipe loads Node's net and stream modules, about 5 ms of a short run.
 * A reader that went away (EPIPE, `rel template … | head`) ends the output quietly, like oclif;
 * any other trouble (a non-blocking descriptor, Windows consoles) goes through the stream.
 */
export function fdWriter(fd: 1 | 2, deps?: Partial<FdWriterDeps>): (s: string | Uint8Array) => void {
  const d: FdWriterDeps = {
    writeSync: (f, buf, offset) => writeSync(f, buf, offset),
    stream: () => (fd === 1 ? process.stdout : process.stderr),
    platform: process.platform,
    ...deps,
  };
  let viaStream = d.platform === 'win32';
  let closed = false;
  let stream: NodeJS.WriteStream | undefined;
  const toStream = (data: string | Uint8Array): void => {
    if (!stream) {
      stream = d.stream();
      // Like oclif's Command module: a closed stdout is not an error.
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e?.code === 'EPIPE') return;
        throw e;
      });
    }
    stream.write(data);
  };
  return (s: string | Uint8Array): void => {
    if (closed || s.length === 0) return;
    if (viaStream) return toStream(s);
    const buf = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
    let off = 0;
    try {
      while (off < buf.length) off += d.writeSync(fd, buf, off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPIPE') {
        closed = true;
        return;
      }
      viaStream = true;
      toStream(buf.subarray(off));
    }
  };
}
